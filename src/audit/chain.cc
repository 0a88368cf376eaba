#include "audit/chain.h"

#include <sodium.h>

#include <cstdlib>

namespace warden::audit {

namespace {

// crypto_generichash is usable without sodium_init(), which only picks faster implementations
// and seeds the random generator; call it once anyway, for those faster implementations.
void InitSodium() {
  static const bool initialized = [] {
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)initialized;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

HashBytes HashRecord(const HashBytes& prev, std::string_view body) {
  InitSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kHashBytes);
  crypto_generichash_update(&state, prev.data(), prev.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  HashBytes out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

HashBytes HashLinePrefix(const HashBytes& prev, std::string_view body_without_brace) {
  InitSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kHashBytes);
  crypto_generichash_update(&state, prev.data(), prev.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(body_without_brace.data()),
                            body_without_brace.size());
  static const unsigned char kBrace = '}';
  crypto_generichash_update(&state, &kBrace, 1);
  HashBytes out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

void ToHex(const HashBytes& bytes, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const HashBytes in = bytes;  // a copy the stores to `out` cannot alias
  for (size_t i = 0; i < in.size(); ++i) {
    out[2 * i] = kDigits[in[i] >> 4];
    out[2 * i + 1] = kDigits[in[i] & 15];
  }
}

std::string ToHex(const HashBytes& bytes) {
  std::string out(kHashHexSize, '0');
  ToHex(bytes, out.data());
  return out;
}

bool FromHex(std::string_view hex, HashBytes* bytes) {
  if (hex.size() != kHashHexSize) return false;
  for (size_t i = 0; i < kHashBytes; ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*bytes)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace warden::audit
