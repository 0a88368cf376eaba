#include "shell/parser.h"

#include "shell/fast_reader.h"
#include "shell/tree_sitter_reader.h"

namespace warden::shell {

ParseResult Parse(std::string_view source) {
  if (auto fast = ReadSimple(source)) return std::move(*fast);
  return ReadWithTreeSitter(source);
}

}  // namespace warden::shell
