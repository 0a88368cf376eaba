// Internal to src/scan: how a detector takes part in the scanner's single pass.
//
// Every match of a detector contains an anchor: a short literal such as a token's prefix
// ("ghp_"), a credential word ("password", case-insensitive), a phrase's first word, an escape
// byte, or the first bytes of an invisible character. The pass (anchor_index.h) looks for two
// adjacent bytes of each anchor (its pivot); where they occur it compares the whole literal, and
// where that matches it calls the detector's Verifier, which reads around the anchor and
// reports findings into the Context.
//
// Verifiers keep the scan linear: each reads a bounded neighbourhood of its anchor, or a run
// whose end the Context memoizes (so overlapping candidates never rescan the same bytes), or
// returns a resume position past the region it consumed.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "scan/scanner.h"

namespace warden::scan::internal {

struct Detector {
  std::string_view name;
  Category category;
};

// A set of bytes, for character runs.
class ByteSet {
 public:
  constexpr ByteSet() = default;
  constexpr ByteSet& Add(char lo, char hi) {
    for (int c = static_cast<unsigned char>(lo); c <= static_cast<unsigned char>(hi); ++c) Set(c);
    return *this;
  }
  constexpr ByteSet& Add(std::string_view chars) {
    for (char c : chars) Set(static_cast<unsigned char>(c));
    return *this;
  }
  constexpr ByteSet& Invert() {
    for (auto& w : bits_) w = ~w;
    return *this;
  }
  constexpr bool Has(char c) const {
    auto b = static_cast<unsigned char>(c);
    return (bits_[b >> 6] >> (b & 63)) & 1;
  }

 private:
  constexpr void Set(int b) { bits_[b >> 6] |= uint64_t{1} << (b & 63); }
  std::array<uint64_t, 4> bits_{};
};

// The runs verifiers measure; Context memoizes one run per kind.
enum class Run : uint8_t { kAlnum, kWord, kBase64Url, kBase64, kUnquotedValue, kCount };

class Context {
 public:
  Context(std::string_view text, std::vector<Finding>* out, bool first_only)
      : text_(text), out_(out), first_only_(first_only) {}

  std::string_view text() const { return text_; }
  size_t size() const { return text_.size(); }
  // The byte at i, or 0 past either end (so verifiers need no bounds checks to peek).
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  char Before(size_t i) const { return i > 0 && i <= text_.size() ? text_[i - 1] : '\0'; }

  void Add(const Detector& d, size_t begin, size_t end);
  // True once a finding is in and the caller only wants to know whether there is one.
  bool done() const { return first_only_ && found_; }

  // The end of the run of `kind` bytes starting at `from` (== from when text[from] is not one).
  size_t RunEnd(size_t from, Run kind);

  // Memos for verifiers that search forward: `from` is where the search started, `value` what
  // it found (a position).
  struct Memo {
    size_t from = SIZE_MAX;
    size_t value = 0;
  };
  enum Slot : size_t {
    kPemBody,     // token_detectors.cc: where a private key's body stops
    kPemBase64,   //   … and where its plain base64 lines stop
    kClosingTag,  // injection_detectors.cc: the next closing tag, one slot per tag
    kMemoSlots = kClosingTag + 6,
  };
  Memo& memo(size_t slot) { return memos_[slot]; }

 private:
  struct RunMemo {
    size_t begin = SIZE_MAX, end = 0;
  };
  std::string_view text_;
  std::vector<Finding>* out_;
  bool first_only_;
  bool found_ = false;
  std::array<RunMemo, static_cast<size_t>(Run::kCount)> runs_{};
  std::array<Memo, kMemoSlots> memos_{};
};

struct Anchor;
// Called where `anchor.literal` starts at `at`. Returns where the pass may resume: at + 1, or
// further when the detector consumed a region in which nothing else can start.
using Verifier = size_t (*)(Context& ctx, size_t at, const Anchor& anchor);

struct Anchor {
  std::string_view literal;
  bool fold;      // ASCII letters of the literal match in either case
  uint8_t pivot;  // offset in `literal` of the two bytes the pass looks for
  Verifier verify;
  uint8_t variant = 0;  // the verifier's own selector (which token format, which tag, …)
};

// Each detector file's anchors (the order within a file is the order of verification at one
// position).
std::span<const Anchor> TokenAnchors();       // token_detectors.cc
std::span<const Anchor> AssignmentAnchors();  // assignment_detector.cc
std::span<const Anchor> InjectionAnchors();   // injection_detectors.cc
std::span<const Anchor> InvisibleAnchors();   // invisible_detector.cc
std::span<const Anchor> AnsiAnchors();        // ansi_detector.cc

// Small helpers shared by the verifiers.
inline char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// `lower` (lowercase ASCII) at text[i…], letters compared in either case.
inline bool FoldedAt(std::string_view text, size_t i, std::string_view lower) {
  if (i > text.size() || text.size() - i < lower.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k) {
    if (Lower(text[i + k]) != lower[k]) return false;
  }
  return true;
}
// `lower` ends right before text[end], letters in either case.
inline bool FoldedEndsAt(std::string_view text, size_t end, std::string_view lower) {
  return end >= lower.size() && FoldedAt(text, end - lower.size(), lower);
}
// Clean() writes "[REDACTED:<detector>]" where a secret was. Boundary checks treat such a
// marker's edges as the token characters they replaced: a token that was glued to a secret is
// still glued to its marker, so cleaning a cleaned text finds nothing new.
bool MarkerEndsAt(std::string_view text, size_t end);
inline bool MarkerStartsAt(std::string_view text, size_t i) {
  return text.substr(std::min(i, text.size()), 10) == "[REDACTED:";
}

// Past the spaces and tabs (not line breaks) at text[i…].
inline size_t SkipSpaces(std::string_view text, size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

}  // namespace warden::scan::internal
