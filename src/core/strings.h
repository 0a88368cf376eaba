// Small string helpers with no dependencies. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

std::vector<std::string_view> Split(std::string_view s, char sep);
std::string_view Trim(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ToLower(std::string_view s);  // ASCII letters only
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string ToUpper(std::string_view s);  // ASCII letters only
// True if `s` contains `lower_needle` ignoring ASCII case; the needle must be lower case.
bool ContainsLower(std::string_view s, std::string_view lower_needle);

// Levenshtein distance, capped: returns cap + 1 as soon as the distance exceeds cap.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap = 8);

// The candidate closest to `word` within a small distance, or "" — for "did you mean" hints.
std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// JSON text as every reader accepts it: each malformed UTF-8 byte (a lone surrogate from
// $'\uD800', a cut sequence) becomes \ufffd and U+2028/U+2029 (line breaks to JavaScript)
// become \u2028/\u2029. For serializer output, where such bytes only occur inside strings.
// With `escape` false, malformed bytes become U+FFFD itself and nothing else changes (the audit
// log, whose reader takes fields without escapes as they are).
std::string JsonSafe(std::string json_text, bool escape = true);

// Shows untrusted text in a message: control bytes and invalid UTF-8 become \xNN, and the
// result is cut at `max_len` bytes with an ellipsis.
std::string Printable(std::string_view s, size_t max_len = 120);

}  // namespace warden
