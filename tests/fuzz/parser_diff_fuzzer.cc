// The fast reader against tree-sitter on arbitrary command lines.
//
// Whatever the fast reader accepts, tree-sitter must read without a syntax error and into
// exactly the same IR (operator==, which compares every field, quoting included): otherwise a
// command would be analyzed differently depending on which reader happened to take it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "shell/fast_reader.h"
#include "shell/ir.h"
#include "shell/tree_sitter_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto fast = warden::shell::ReadSimple(line);
  if (!fast) return 0;
  warden::shell::ParseResult ts = warden::shell::ReadWithTreeSitter(line);
  if (!ts.errors.empty() || !(fast->root == ts.root)) {
    std::fprintf(stderr, "fast reader:  %s\ntree-sitter: %s (%zu errors)\n",
                 warden::shell::DebugString(fast->root).c_str(), warden::shell::DebugString(ts.root).c_str(),
                 ts.errors.size());
    __builtin_trap();
  }
  return 0;
}
