// The fast reader: the common, simple shell command lines (words, plain quotes, ; && || |,
// leading NAME=value assignments) read without tree-sitter, into exactly the IR the
// tree-sitter reader builds for them. Anything else — $, backslashes, redirections, newlines,
// keywords, braces, brackets, comments, background jobs — is refused (nullopt) and goes to
// tree-sitter. The equality of the two readers on what this one accepts is checked by unit
// tests and by the differential fuzzer (tests/fuzz/parser_diff_fuzzer.cc). Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "shell/parse_result.h"

namespace warden::shell {

std::optional<ParseResult> ReadSimple(std::string_view source);

}  // namespace warden::shell
