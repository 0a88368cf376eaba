#include "security/jwt/base64url.h"

#include <sodium.h>

namespace warden::security {

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  // libsodium stops at the first byte outside the alphabet (no `ignore` set) and rejects
  // lengths ≡ 1 mod 4 and non-zero trailing bits, which is exactly the strictness wanted; a
  // stop before the end means a stray byte ('=', '.', '+', whitespace), so that is refused too.
  std::string out(text.size() * 3 / 4 + 1, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
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
