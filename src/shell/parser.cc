#include "shell/parser.h"

#include "shell/tree_sitter_reader.h"

namespace warden::shell {

ParseResult Parse(std::string_view source) { return ReadWithTreeSitter(source); }

}  // namespace warden::shell
