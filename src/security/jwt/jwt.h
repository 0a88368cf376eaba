// JWT bearer-token verification (RFC 7519 over JWS compact serialization, RFC 7515) against a
// local JWK Set (jwks.h), for the HTTP API's authentication stage.
//
// Accepted: alg HS256, RS256 or EdDSA (Ed25519), and only with a key of the matching type — an
// RSA public key is never used as an HMAC secret. "alg": "none" and every other algorithm are
// refused, as is a "crit" header (Warden understands no JWS extension, RFC 7515 §4.1.11). A
// token naming a "kid" is checked against that key only; without "kid", against every key of
// the algorithm's type. Header keys "jwk", "jku", "x5u", "x5c" are ignored: keys come from the
// local file only.
//
// Parsing is strict: base64url without padding and with canonical trailing bits, header and
// payload JSON objects without duplicate keys (strict_json.h), tokens over 8 KiB refused before
// any parsing. The signature is checked before the payload is parsed.
//
// Claims: "sub" (non-empty string) is required — it becomes the audit subject. "exp" is required
// unless `require_exp` is false; "exp", "nbf" and "iat" (NumericDate numbers) are checked with
// `skew_s` leeway ("iat" only for not being in the future). "iss" must equal `issuer` when that
// is set. "aud" (a string or an array of strings) must contain one of `audiences` when that is
// set; when `audiences` is empty "aud" is not checked (RFC 7519 §4.1.3 would refuse a token with
// an "aud" this server does not claim — configure `audiences` to get that). The role is the
// string claim `role_claim`; a non-string value is malformed, an absent one leaves role ""
// (the authentication stage decides what an unroled caller may do). Arrays such as "roles" are
// not read: picking one element of a list is not a decision to make silently.
//
// JwtResult::detail is safe to show a client and to put in a WWW-Authenticate error_description:
// it never holds the token, a signature or key material, only claim names and the token's own
// kid or alg (cut to 64 characters), in printable ASCII without '"' or '\'.
//
// A token that passed is remembered (verified_cache.h, keyed by a BLAKE2b hash of it), so the
// same token costs a hash and a lookup next time instead of a signature check; its exp / nbf /
// iat are checked again on every hit.
//
// Thread-safety: a JwtVerifier is immutable after construction except for its verified-token
// cache, which is internally locked; Verify may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "security/jwt/jwks.h"

namespace warden::security {

struct JwtOptions {
  std::string issuer;                  // required "iss" when non-empty
  std::vector<std::string> audiences;  // when non-empty, "aud" must contain one of them
  int64_t skew_s = 60;                 // leeway for exp / nbf / iat, 0 to 86400
  std::string role_claim = "role";     // string claim naming the caller's role; "" reads none
  bool require_exp = true;             // tokens without "exp" are refused
  size_t cache_entries = 4096;         // verified tokens remembered; 0 turns the cache off
};

struct JwtClaims {
  std::string subject;
  std::string role;    // "" when the token has no role claim
  std::string issuer;  // "" when the token has no "iss"
  std::string key_id;  // the token's "kid", "" when none
  std::string alg;     // "HS256", "RS256" or "EdDSA"
  int64_t exp = 0;     // 0 when the token has no "exp"
};

enum class JwtProblem {
  kNone,
  kMalformed,       // not three strict base64url parts of JSON objects, a claim of the wrong type, "crit"
  kUnsupportedAlg,  // "alg" none, unknown, or not the algorithm of the key "kid" names
  kUnknownKey,      // no key with that "kid", or no key at all for the algorithm
  kBadSignature,    // no candidate key verifies the signature
  kExpired,         // now ≥ exp + skew
  kNotYetValid,     // now + skew < nbf, or iat in the future beyond the skew
  kWrongIssuer,     // "iss" is not the configured issuer
  kWrongAudience,   // "aud" names none of the configured audiences
  kMissingClaim,    // "sub", or "exp" / "iss" / "aud" when required
  kTooLarge,        // longer than kMaxJwtBytes
};

struct JwtResult {
  JwtProblem problem = JwtProblem::kNone;
  JwtClaims claims;    // filled when ok()
  std::string detail;  // why, when not ok(); see the contract above
  bool ok() const { return problem == JwtProblem::kNone; }
};

inline constexpr size_t kMaxJwtBytes = 8192;

class VerifiedTokenCache;
struct TokenWindow;

class JwtVerifier {
 public:
  // Load errors name the file (or `source_name`) and the key at fault, as jwks.h describes; a
  // skew outside 0..86400 s is refused too.
  static Result<std::shared_ptr<JwtVerifier>> FromJwksFile(const std::string& path, JwtOptions options);
  static Result<std::shared_ptr<JwtVerifier>> FromJwks(std::string_view json, JwtOptions options,
                                                       std::string_view source_name);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // `token` is the bearer credential without "Bearer "; `now_unix_s` the caller's clock. Never
  // throws.
  JwtResult Verify(std::string_view token, int64_t now_unix_s) const;

  size_t key_count() const { return keys_.keys.size(); }
  // One line per JWK left out of the set and why ("…: keys[3]: kty \"EC\" is not supported; key
  // skipped"), for the daemon to log at start-up.
  const std::vector<std::string>& skipped_keys() const { return keys_.skipped; }

 private:
  JwtVerifier(JwkSet keys, JwtOptions options);
  JwtResult VerifyUncached(std::string_view token, int64_t now_unix_s, TokenWindow* window) const;

  JwkSet keys_;
  JwtOptions options_;
  std::unique_ptr<VerifiedTokenCache> cache_;  // null when options_.cache_entries is 0
};

// "valid", "malformed", "expired", … — for messages, metrics and audit records.
std::string_view JwtProblemText(JwtProblem problem);

// True when `bearer` has the shape of a JWS compact token: three dot-separated runs of base64url
// characters, the first two non-empty (the signature may be empty, so that an "alg": "none"
// token reaches the verifier and is refused as such). A cheap test, no decoding: the
// authentication stage uses it to tell JWTs from Warden's own wdn_ tokens (which have no dot).
bool LooksLikeJwt(std::string_view bearer);

}  // namespace warden::security
