// JSON parsing that refuses duplicate object keys, for JOSE headers, JWT claims and JWK sets.
//
// Boost.JSON keeps the last of duplicate keys and has no option to refuse them (1.81), while
// other parsers keep the first: a token with {"sub":"alice","sub":"admin"} would mean different
// things to Warden and to whatever else reads it (RFC 7515 §4, RFC 8725 §3.x parser
// differentials). So the document is refused instead. Otherwise this is standard JSON: no
// comments, no trailing commas, valid UTF-8, nesting at most `max_depth`.
//
// Never throws; pure and thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace warden::security {

struct StrictJsonResult {
  boost::json::value value;   // null when `error` is set
  std::string error;          // "" on success; else "not valid JSON (…)" or "duplicate key"
  bool duplicate = false;     // the error is a key that appears twice in one object
  std::string duplicate_key;  // which one (untrusted text)
  bool ok() const { return error.empty(); }
};

StrictJsonResult ParseStrictJson(std::string_view text, size_t max_depth = 32);

}  // namespace warden::security
