// Terminal escape sequences (ECMA-48), which can recolour, hide, overwrite or retitle what a
// person sees, or, in some terminals, write to the clipboard (OSC 52):
//
//   ESC [ params intermediates final        CSI (params 0x30–0x3F, intermediates 0x20–0x2F,
//                                           final 0x40–0x7E)
//   ESC ] … BEL | ST, ESC P|X|^|_ … ST      OSC, DCS, SOS, PM, APC strings (ST is ESC \ or
//                                           U+009C); a string with no terminator ends at the
//                                           next ESC, C1 control, CAN, SUB or line break
//   ESC intermediates final                 every other escape sequence (ESC ( B, ESC 7, …)
//   ESC                                     a lone ESC (followed by nothing it could start)
//   U+009B, U+009D, U+0090, U+0098, U+009E, U+009F   their 8-bit (C1) forms, UTF-8 encoded
//
// A sequence that ends early (at a byte its grammar does not allow) ends there: that byte is
// not part of it. A sequence preceded by a truncated UTF-8 sequence (a lead byte without all
// its continuation bytes) takes those bytes too, so that removing it cannot join them with
// what follows into a new character (C2 ESC[m 9B would otherwise become U+009B).
#include "scan/detector.h"

namespace warden::scan::internal {
namespace {

constexpr Detector kAnsiEscape{"ansi-escape", Category::kAnsi};

unsigned Byte(std::string_view t, size_t i) {
  return i < t.size() ? static_cast<unsigned char>(t[i]) : 0x100u;
}
bool InRange(unsigned b, unsigned lo, unsigned hi) {
  return b >= lo && b <= hi;
}

size_t CsiEnd(std::string_view t, size_t i) {
  while (InRange(Byte(t, i), 0x30, 0x3F)) ++i;
  while (InRange(Byte(t, i), 0x20, 0x2F)) ++i;
  return InRange(Byte(t, i), 0x40, 0x7E) ? i + 1 : i;
}

size_t StringEnd(std::string_view t, size_t i) {
  for (; i < t.size(); ++i) {
    unsigned b = Byte(t, i);
    if (b == 0x07) return i + 1;  // BEL ends an OSC (xterm)
    if (b == 0x1B) return Byte(t, i + 1) == '\\' ? i + 2 : i;
    if (b == 0xC2 && Byte(t, i + 1) == 0x9C) return i + 2;  // ST
    if (b == 0xC2 && InRange(Byte(t, i + 1), 0x80, 0x9F)) return i;
    if (b == 0x18 || b == 0x1A || b == '\n' || b == '\r') return i;
  }
  return i;
}

// The end of the sequence that starts at t[i] (ESC or a UTF-8 encoded C1 introducer).
size_t SequenceEnd(std::string_view t, size_t i) {
  if (Byte(t, i) == 0xC2) return Byte(t, i + 1) == 0x9B ? CsiEnd(t, i + 2) : StringEnd(t, i + 2);
  unsigned c = Byte(t, i + 1);
  if (c == '[') return CsiEnd(t, i + 2);
  if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') return StringEnd(t, i + 2);
  if (InRange(c, 0x20, 0x2F)) {
    size_t j = i + 1;
    while (InRange(Byte(t, j), 0x20, 0x2F)) ++j;
    return InRange(Byte(t, j), 0x30, 0x7E) ? j + 1 : j;
  }
  if (InRange(c, 0x30, 0x7E)) return i + 2;
  return i + 1;
}

// How many bytes a UTF-8 sequence with this lead byte has; 0 for anything that is not a lead.
size_t Utf8Length(unsigned b) {
  if (InRange(b, 0xC2, 0xDF)) return 2;
  if (InRange(b, 0xE0, 0xEF)) return 3;
  if (InRange(b, 0xF0, 0xF4)) return 4;
  return 0;
}

// Moves `begin` back over truncated UTF-8 sequences right before it.
size_t TakeTruncatedUtf8(std::string_view t, size_t begin) {
  while (begin > 0) {
    size_t k = begin - 1;
    size_t continuations = 0;
    while (k > 0 && continuations < 3 && InRange(Byte(t, k), 0x80, 0xBF)) {
      --k;
      ++continuations;
    }
    size_t need = Utf8Length(Byte(t, k));
    if (need == 0 || continuations + 1 >= need) break;
    begin = k;
  }
  return begin;
}

size_t VerifyAnsi(Context& ctx, size_t at, const Anchor&) {
  std::string_view t = ctx.text();
  ctx.Add(kAnsiEscape, TakeTruncatedUtf8(t, at), SequenceEnd(t, at));
  return at + 1;
}

constexpr Anchor kAnchors[] = {
    {"\x1b", false, 0, VerifyAnsi},     {"\xC2\x9B", false, 0, VerifyAnsi},  // CSI
    {"\xC2\x9D", false, 0, VerifyAnsi},                                      // OSC
    {"\xC2\x90", false, 0, VerifyAnsi},                                      // DCS
    {"\xC2\x98", false, 0, VerifyAnsi},                                      // SOS
    {"\xC2\x9E", false, 0, VerifyAnsi},                                      // PM
    {"\xC2\x9F", false, 0, VerifyAnsi},                                      // APC
};

}  // namespace

std::span<const Anchor> AnsiAnchors() {
  return kAnchors;
}

}  // namespace warden::scan::internal
