// The content scanner (src/scan) on arbitrary bytes: every detector, Any and Clean.
//
// Checks that nothing crashes, loops or reads out of bounds (invalid UTF-8, truncated
// sequences and tokens at the end); that findings are non-empty, in bounds and sorted; that
// Any() == !Scan().empty(); that the scalar pass finds exactly what the AVX2 pass finds; and
// that Clean() leaves no secret and no escape sequence behind (a second scan of its output
// finds none), reports its findings in bounds and sorted (its escape sequences the same as
// Scan's), returns the text unchanged when there is nothing to remove or redact, and is
// idempotent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scan/anchor_index.h"
#include "scan/scanner.h"

namespace warden::scan {
namespace {

void CheckFindings(const std::vector<Finding>& found, size_t size) {
  for (size_t i = 0; i < found.size(); ++i) {
    const Finding& f = found[i];
    if (f.begin >= f.end || f.end > size || f.detector.empty()) __builtin_trap();
    if (i > 0 && found[i - 1].begin > f.begin) __builtin_trap();
  }
}

bool Removable(const Finding& f) {
  return f.category == Category::kSecret || f.category == Category::kAnsi;
}

// The AVX2 pass (where the CPU has it) and the scalar one verify the same anchors in the
// same order, so their raw findings are identical.
void CheckPassesAgree(std::string_view text) {
  static const auto* index = new internal::AnchorIndex(internal::AllAnchors());
  std::vector<Finding> best, scalar;
  internal::Context a(text, &best, false);
  index->Run(a);
  internal::Context b(text, &scalar, false);
  index->RunScalar(b);
  if (best != scalar) __builtin_trap();
}

void CheckClean(const Scanner& s, std::string_view text, const std::vector<Finding>& found) {
  std::vector<Finding> reported;
  std::string clean = s.Clean(text, &reported);
  CheckFindings(reported, text.size());
  // Clean finds escape sequences by a pass of its own: the same ones.
  auto escapes = [](const std::vector<Finding>& all) {
    std::vector<Finding> out;
    for (const Finding& f : all) {
      if (f.category == Category::kAnsi) out.push_back(f);
    }
    return out;
  };
  if (escapes(reported) != escapes(found)) __builtin_trap();
  bool removable = false;
  for (const Finding& f : found) removable |= Removable(f);
  if (!removable && clean != text) __builtin_trap();
  for (const Finding& f : s.Scan(clean)) {
    if (Removable(f)) __builtin_trap();
  }
  if (s.Clean(clean) != clean) __builtin_trap();
}

}  // namespace
}  // namespace warden::scan

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using warden::scan::Scanner;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Scanner& s = Scanner::Default();
  std::vector<warden::scan::Finding> found = s.Scan(text);
  warden::scan::CheckFindings(found, size);
  if (s.Any(text) != !found.empty()) __builtin_trap();
  warden::scan::CheckPassesAgree(text);
  warden::scan::CheckClean(s, text, found);
  return 0;
}
