#include "security/jwt/base64url.h"

#include <sodium.h>

namespace warden::security {

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  // The alphabet is checked here because libsodium 1.0.18 does not refuse bytes ≥ 0x80: it
  // decodes each of them as '_', so "…\x80…" would verify like "…_…". libsodium does refuse
  // lengths ≡ 1 mod 4 and non-zero trailing bits, which makes the encoding canonical.
  if (!IsBase64UrlAlphabet(text)) return std::nullopt;
  std::string out(text.size() * 3 / 4 + 1, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string EncodeBase64Url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    variant);
  out.resize(out.size() - 1);  // the terminating NUL libsodium writes
  return out;
}

bool IsBase64UrlAlphabet(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace warden::security
