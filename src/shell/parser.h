// Parse(): the one entry point for turning a shell string into the IR. Simple command
// lines go through the fast reader; everything else (and anything the fast reader is unsure
// of) goes through tree-sitter-bash. Both produce the same IR for the strings the fast reader
// accepts (checked by the differential fuzzer). Thread-safe.
#pragma once

#include <string_view>

#include "shell/parse_result.h"

namespace warden::shell {

ParseResult Parse(std::string_view source);

}  // namespace warden::shell
