// Glob compilation, matching and intersection on arbitrary patterns: the input is split into
// two halves, each compiled in every mode (with and without `subtree`) and matched against
// both halves' text.
//
// Checks that intersection is symmetric, that it is exact where a witness is known (a subject
// both globs match means they intersect), and that an escaped text matches itself.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/glob.h"

namespace warden {
namespace {

std::optional<Glob> TryCompile(std::string_view pattern, Glob::Mode mode, bool subtree) {
  auto g = Glob::Compile(pattern, mode, subtree);
  if (!g.ok()) return std::nullopt;
  return std::move(g).value();
}

void CheckPair(const Glob& a, const Glob& b, std::string_view subject) {
  if (a.Match(subject) && b.Match(subject) && !a.Intersects(b)) __builtin_trap();
}

void CheckMode(std::string_view left, std::string_view right, Glob::Mode mode, bool subtree) {
  auto a = TryCompile(left, mode, subtree);
  auto b = TryCompile(right, mode, subtree);
  if (a && b) {
    bool ab = a->Intersects(*b);
    if (ab != b->Intersects(*a)) __builtin_trap();
    CheckPair(*a, *b, left);
    CheckPair(*a, *b, right);
  } else if (a) {
    a->Match(right);
  } else if (b) {
    b->Match(left);
  }
  for (std::string_view text : {left, right}) {
    auto self = TryCompile(Glob::Escape(text), mode, subtree);
    if (!self && text.size() * 2 <= 4096) __builtin_trap();  // escaping must not break a pattern
    if (self && !self->Match(text)) __builtin_trap();
  }
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view left = input.substr(0, size / 2);
  std::string_view right = input.substr(size / 2);
  for (auto mode : {warden::Glob::Mode::kPath, warden::Glob::Mode::kShell, warden::Glob::Mode::kText}) {
    for (bool subtree : {false, true}) warden::CheckMode(left, right, mode, subtree);
  }
  return 0;
}
