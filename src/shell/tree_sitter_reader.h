// Reads a shell string with tree-sitter-bash into the IR.
//
// Handles the whole bash grammar; anything the grammar marks as an error becomes a kError
// node plus an entry in ParseResult::errors, and whatever could be recovered around it is
// still read. Nesting deeper than kMaxNesting is cut off (too_deep). One parser is kept per
// thread, so concurrent calls from different threads are safe.
#pragma once

#include <string_view>

#include "shell/parse_result.h"

namespace warden::shell {

inline constexpr int kMaxNesting = 200;

ParseResult ReadWithTreeSitter(std::string_view source);

}  // namespace warden::shell
