// Strict base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2).
//
// Strict means: only A-Z a-z 0-9 - _, no '=' padding, no whitespace, no length that leaves
// 6 dangling bits, and the unused low bits of the last character must be zero. The last rule
// makes the encoding canonical, so one byte string has exactly one spelling — a token cannot
// be varied without changing what it decodes to. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden::security {

// The decoded bytes, or nullopt when `text` is not strict unpadded base64url ("" decodes to "").
std::optional<std::string> DecodeBase64Url(std::string_view text);

std::string EncodeBase64Url(std::string_view bytes);

// True when every character of `text` is in the base64url alphabet (no length or bit checks).
bool IsBase64UrlAlphabet(std::string_view text);

}  // namespace warden::security
