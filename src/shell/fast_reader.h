// The fast reader: the common shell command lines read without tree-sitter, into exactly the
// IR the tree-sitter reader builds for them. It reads words with quotes and backslash escapes,
// $NAME, ${NAME} and $(a simple line), leading NAME=value assignments, ; && || | & and
// newlines, comments, and redirections at the end of a command (> >> < N> N>&M &> &>>).
// Everything else — compound commands, here-documents, process substitution, parameter
// operators, backticks — is refused (nullopt) and goes to tree-sitter; so is every form that
// tree-sitter-bash reads differently from bash (the grammar decides those, so that both
// readers always agree). The agreement is checked by unit tests (corpora, edge cases, seeded
// random lines) and by the differential fuzzer (tests/fuzz/parser_diff_fuzzer.cc).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "shell/parse_result.h"

namespace warden::shell {

std::optional<ParseResult> ReadSimple(std::string_view source);

}  // namespace warden::shell
