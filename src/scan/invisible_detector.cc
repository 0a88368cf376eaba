// Invisible Unicode that can hide instructions from a person reading along:
//
//   unicode-tags    U+E0000–U+E007F (ASCII "tagged" out of sight). Not a finding: an emoji flag's
//                   tag sequence (U+1F3F4, then up to 7 tag letters or digits, then U+E007F).
//   zero-width      U+200B–U+200D, U+2060, U+FEFF. Not a finding: a byte-order mark at the start
//                   of the text, and a lone ZWJ/ZWNJ between two non-ASCII characters (emoji
//                   sequences, Indic and Persian scripts need them).
//   bidi-override   U+202A–U+202E, U+2066–U+2069 (reordered text: "Trojan Source").
//
// A finding is a whole run of one kind; the pass resumes after it.
#include "scan/detector.h"

namespace warden::scan::internal {
namespace {

constexpr Detector kUnicodeTags{"unicode-tags", Category::kInvisible};
constexpr Detector kZeroWidth{"zero-width", Category::kInvisible};
constexpr Detector kBidiOverride{"bidi-override", Category::kInvisible};

enum class Kind : uint8_t { kNone, kTag, kSpace, kJoiner, kBidi };

struct Char {
  Kind kind = Kind::kNone;
  size_t size = 0;
};

// The invisible character encoded at text[i…], if any.
Char Classify(std::string_view t, size_t i) {
  auto b = [&](size_t k) { return i + k < t.size() ? static_cast<unsigned char>(t[i + k]) : 0u; };
  if (b(0) == 0xE2 && b(1) == 0x80) {
    unsigned c = b(2);
    if (c == 0x8B) return {Kind::kSpace, 3};
    if (c == 0x8C || c == 0x8D) return {Kind::kJoiner, 3};
    if (c >= 0xAA && c <= 0xAE) return {Kind::kBidi, 3};
  } else if (b(0) == 0xE2 && b(1) == 0x81) {
    unsigned c = b(2);
    if (c == 0xA0) return {Kind::kSpace, 3};
    if (c >= 0xA6 && c <= 0xA9) return {Kind::kBidi, 3};
  } else if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
    return {Kind::kSpace, 3};
  } else if (b(0) == 0xF3 && b(1) == 0xA0 && (b(2) == 0x80 || b(2) == 0x81) && b(3) >= 0x80 && b(3) <= 0xBF) {
    return {Kind::kTag, 4};
  }
  return {};
}

// Zero-width spaces (U+200B, U+2060, U+FEFF) and joiners (U+200C, U+200D) form one run.
Kind RunKind(Kind k) {
  return k == Kind::kJoiner ? Kind::kSpace : k;
}

// U+1F3F4 WAVING BLACK FLAG + tag letters/digits + U+E007F CANCEL TAG: a subdivision flag.
bool IsEmojiFlag(std::string_view t, size_t begin, size_t end) {
  if (begin < 4 || t.compare(begin - 4, 4, "\xF0\x9F\x8F\xB4") != 0) return false;
  size_t count = (end - begin) / 4;
  if (count < 2 || count > 8 || t.compare(end - 4, 4, "\xF3\xA0\x81\xBF") != 0) return false;
  for (size_t i = begin; i + 4 < end; i += 4) {
    unsigned cp = (static_cast<unsigned char>(t[i + 2]) & 0x3F) << 6 | (static_cast<unsigned char>(t[i + 3]) & 0x3F);
    bool letter_or_digit = (cp >= 0x61 && cp <= 0x7A) || (cp >= 0x30 && cp <= 0x39);
    if (!letter_or_digit) return false;
  }
  return true;
}

bool IsLoneJoiner(const Context& ctx, size_t begin, size_t end, Kind first) {
  return first == Kind::kJoiner && end - begin == 3 && static_cast<unsigned char>(ctx.Before(begin)) >= 0x80 &&
         static_cast<unsigned char>(ctx.At(end)) >= 0x80;
}

size_t VerifyInvisible(Context& ctx, size_t at, const Anchor&) {
  std::string_view t = ctx.text();
  Char first = Classify(t, at);
  if (first.kind == Kind::kNone) return at + 1;
  Kind kind = RunKind(first.kind);
  size_t end = at;
  for (Char c = first; c.kind != Kind::kNone && RunKind(c.kind) == kind; c = Classify(t, end)) end += c.size;
  switch (kind) {
    case Kind::kTag:
      if (!IsEmojiFlag(t, at, end)) ctx.Add(kUnicodeTags, at, end);
      break;
    case Kind::kBidi:
      ctx.Add(kBidiOverride, at, end);
      break;
    default: {
      bool bom = at == 0 && end == 3 && t.compare(0, 3, "\xEF\xBB\xBF") == 0;
      if (!bom && !IsLoneJoiner(ctx, at, end, first.kind)) ctx.Add(kZeroWidth, at, end);
      break;
    }
  }
  return end;
}

constexpr Anchor kAnchors[] = {
    {"\xE2\x80", false, 0, VerifyInvisible},
    {"\xE2\x81", false, 0, VerifyInvisible},
    {"\xEF\xBB", false, 0, VerifyInvisible},
    {"\xF3\xA0", false, 0, VerifyInvisible},
};

}  // namespace

std::span<const Anchor> InvisibleAnchors() {
  return kAnchors;
}

}  // namespace warden::scan::internal
