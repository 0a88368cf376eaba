// What a front end returns: the IR of the whole string and the problems it met.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shell/ir.h"

namespace warden::shell {

struct ParseIssue {
  uint32_t offset = 0;
  std::string message;
};

struct ParseResult {
  Node root;                        // kSequence of the top-level statements
  std::vector<ParseIssue> errors;   // syntax errors (the IR still holds what was recovered)
  bool too_deep = false;            // nesting beyond the limit: the deeper part was not read
  bool timed_out = false;           // the parser gave up: root is empty
  bool fast_path = false;           // read by the fast reader, not tree-sitter
};

}  // namespace warden::shell
