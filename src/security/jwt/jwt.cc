#include "security/jwt/jwt.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <cmath>
#include <optional>
#include <utility>

#include "core/file.h"
#include "security/jwt/base64url.h"
#include "security/jwt/strict_json.h"
#include "security/jwt/verified_cache.h"

namespace warden::security {
namespace {

namespace json = boost::json;

enum class Alg { kHs256, kRs256, kEdDsa };

// JOSE headers and JWT claim sets are shallow; nothing legitimate nests this deep.
constexpr size_t kMaxJsonDepth = 16;
// NumericDate values beyond ±2^53 s are refused, so `now ± skew` and `now - date` never overflow.
constexpr int64_t kMaxDate = int64_t{1} << 53;
constexpr int64_t kMaxSkew = 86400;

struct Segments {
  std::string_view header, payload, signature;
  std::string_view signing_input;  // "header.payload", what the signature covers
};

struct Header {
  Alg alg = Alg::kHs256;
  std::string kid;
  bool has_kid = false;
};

JwtResult Refuse(JwtProblem problem, std::string detail) {
  JwtResult r;
  r.problem = problem;
  r.detail = std::move(detail);
  return r;
}

// Untrusted text (a kid, an alg) made fit for JwtResult::detail: printable ASCII without '"'
// or '\', which may then sit inside a quoted WWW-Authenticate parameter (RFC 6750 §3).
std::string SafeText(std::string_view untrusted, size_t max_len = 64) {
  std::string out;
  for (char c : untrusted.substr(0, max_len)) out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
  if (untrusted.size() > max_len) out += "...";
  return out;
}

bool SplitToken(std::string_view token, Segments* s) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return false;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return false;
  s->header = token.substr(0, first);
  s->payload = token.substr(first + 1, second - first - 1);
  s->signature = token.substr(second + 1);
  s->signing_input = token.substr(0, second);
  return true;
}

std::optional<Alg> AlgFromName(std::string_view name) {
  if (name == "HS256") return Alg::kHs256;
  if (name == "RS256") return Alg::kRs256;
  if (name == "EdDSA") return Alg::kEdDsa;
  return std::nullopt;
}

JwkType KeyTypeFor(Alg alg) {
  switch (alg) {
    case Alg::kHs256:
      return JwkType::kOct;
    case Alg::kRs256:
      return JwkType::kRsa;
    case Alg::kEdDsa:
      return JwkType::kOkp;
  }
  return JwkType::kOct;
}

std::string AlgName(Alg alg) {
  return std::string(JwkAlgorithm(KeyTypeFor(alg)));
}

JwtResult Decode(std::string_view segment, std::string_view what, std::string* out) {
  auto bytes = DecodeBase64Url(segment);
  if (!bytes) {
    return Refuse(JwtProblem::kMalformed, "the " + std::string(what) + " is not base64url (unpadded, A-Z a-z 0-9 - _)");
  }
  *out = std::move(*bytes);
  return {};
}

// `text` parsed as a JSON object; `what` is "header" or "payload".
JwtResult ParseObject(std::string_view text, std::string_view what, json::value* out) {
  std::string w(what);
  StrictJsonResult doc = ParseStrictJson(text, kMaxJsonDepth);
  if (doc.duplicate) return Refuse(JwtProblem::kMalformed, "the " + w + " repeats a key");
  if (!doc.ok()) return Refuse(JwtProblem::kMalformed, "the " + w + " is not valid JSON");
  if (!doc.value.is_object()) return Refuse(JwtProblem::kMalformed, "the " + w + " is not a JSON object");
  *out = std::move(doc.value);
  return {};
}

JwtResult ReadHeader(std::string_view segment, Header* header) {
  std::string text;
  if (JwtResult r = Decode(segment, "header", &text); !r.ok()) return r;
  json::value doc;
  if (JwtResult r = ParseObject(text, "header", &doc); !r.ok()) return r;
  const json::object& h = doc.get_object();
  if (h.contains("crit")) {
    return Refuse(JwtProblem::kMalformed, "the header lists crit extensions; this server understands none");
  }
  const json::value* alg = h.if_contains("alg");
  if (!alg) return Refuse(JwtProblem::kMalformed, "the header has no alg");
  if (!alg->is_string()) return Refuse(JwtProblem::kMalformed, "the header's alg is not a string");
  std::string_view name = alg->get_string();
  if (name == "none") return Refuse(JwtProblem::kUnsupportedAlg, "alg none (an unsigned token) is never accepted");
  std::optional<Alg> known = AlgFromName(name);
  if (!known) {
    return Refuse(JwtProblem::kUnsupportedAlg,
                  "alg " + SafeText(name, 32) + " is not accepted (HS256, RS256, EdDSA are)");
  }
  header->alg = *known;
  if (const json::value* kid = h.if_contains("kid")) {
    if (!kid->is_string()) return Refuse(JwtProblem::kMalformed, "the header's kid is not a string");
    header->kid = std::string_view(kid->get_string());
    header->has_kid = true;
  }
  return {};
}

bool HmacVerifies(const Jwk& key, std::string_view input, std::string_view sig) {
  if (sig.size() != crypto_auth_hmacsha256_BYTES) return false;
  crypto_auth_hmacsha256_state state = key.hmac;  // keyed at load time; this call's own copy
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&state, mac);
  bool ok = crypto_verify_32(mac, reinterpret_cast<const unsigned char*>(sig.data())) == 0;  // constant time
  sodium_memzero(&state, sizeof state);
  return ok;
}

bool RsaVerifies(const Jwk& key, std::string_view input, std::string_view sig) {
  if (sig.size() != key.rsa_bytes) return false;
  // The EVP_PKEY is shared read-only between threads; the digest context is this call's own.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.rsa.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  // A failed verification leaves entries in this thread's OpenSSL error queue, where the TLS
  // code on the same thread would later find them and misreport its own state.
  if (!ok) ERR_clear_error();
  return ok;
}

bool Ed25519Verifies(const Jwk& key, std::string_view input, std::string_view sig) {
  if (sig.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                     key.ed25519.data()) == 0;
}

bool SignatureVerifies(const Jwk& key, Alg alg, std::string_view input, std::string_view sig) {
  switch (alg) {
    case Alg::kHs256:
      return HmacVerifies(key, input, sig);
    case Alg::kRs256:
      return RsaVerifies(key, input, sig);
    case Alg::kEdDsa:
      return Ed25519Verifies(key, input, sig);
  }
  return false;
}

const Jwk* FindKid(const JwkSet& set, std::string_view kid) {
  for (const Jwk& key : set.keys) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

// Only keys whose type fits the header's alg are ever tried, which is what rules out
// algorithm confusion (an RSA public key fed to HMAC as a secret).
JwtResult CheckSignature(const JwkSet& set, const Header& header, std::string_view input, std::string_view sig) {
  JwkType type = KeyTypeFor(header.alg);
  if (header.has_kid) {
    const Jwk* key = FindKid(set, header.kid);
    std::string kid = SafeText(header.kid);
    if (!key) return Refuse(JwtProblem::kUnknownKey, "no key has kid " + kid);
    if (key->type != type) {
      return Refuse(JwtProblem::kUnsupportedAlg,
                    "key " + kid + " is for " + std::string(JwkAlgorithm(key->type)) + ", not " + AlgName(header.alg));
    }
    if (SignatureVerifies(*key, header.alg, input, sig)) return {};
    return Refuse(JwtProblem::kBadSignature, "the signature does not verify with key " + kid);
  }
  bool tried = false;
  for (const Jwk& key : set.keys) {
    if (key.type != type) continue;
    tried = true;
    if (SignatureVerifies(key, header.alg, input, sig)) return {};
  }
  if (!tried) return Refuse(JwtProblem::kUnknownKey, "no " + AlgName(header.alg) + " key is configured");
  return Refuse(JwtProblem::kBadSignature, "the signature does not verify with any " + AlgName(header.alg) + " key");
}

// NumericDate (RFC 7519 §2): seconds, possibly fractional, rounded in the direction that
// refuses sooner (`round_up` for nbf and iat, down for exp).
JwtResult ReadDate(const json::object& claims, std::string_view name, bool round_up, std::optional<int64_t>* out) {
  const json::value* v = claims.if_contains(name);
  if (!v) return {};
  std::string n(name);
  if (!v->is_number()) return Refuse(JwtProblem::kMalformed, "claim " + n + " is not a number");
  if (v->is_int64() && v->get_int64() >= -kMaxDate && v->get_int64() <= kMaxDate) {
    *out = v->get_int64();
    return {};
  }
  double d = v->is_double() ? v->get_double() : static_cast<double>(kMaxDate) * 2;  // 64-bit ints are out of range
  if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(kMaxDate)) {
    return Refuse(JwtProblem::kMalformed, "claim " + n + " is out of range");
  }
  *out = static_cast<int64_t>(round_up ? std::ceil(d) : std::floor(d));
  return {};
}

// The time claims' types, and whether "exp" is there when required.
JwtResult ReadWindow(const json::object& claims, const JwtOptions& options, TokenWindow* window) {
  if (JwtResult r = ReadDate(claims, "exp", false, &window->exp); !r.ok()) return r;
  if (JwtResult r = ReadDate(claims, "nbf", true, &window->nbf); !r.ok()) return r;
  if (JwtResult r = ReadDate(claims, "iat", true, &window->iat); !r.ok()) return r;
  if (!window->exp && options.require_exp) return Refuse(JwtProblem::kMissingClaim, "the token has no exp claim");
  return {};
}

// The string claim `name` into *out; absent leaves *out alone and sets *present false.
JwtResult ReadString(const json::object& claims, std::string_view name, std::string* out, bool* present) {
  const json::value* v = claims.if_contains(name);
  *present = v != nullptr;
  if (!v) return {};
  if (!v->is_string()) return Refuse(JwtProblem::kMalformed, "claim " + SafeText(name) + " is not a string");
  *out = std::string_view(v->get_string());
  return {};
}

JwtResult CheckIssuer(const json::object& claims, const JwtOptions& options, JwtClaims* out) {
  bool present = false;
  if (JwtResult r = ReadString(claims, "iss", &out->issuer, &present); !r.ok()) return r;
  if (options.issuer.empty()) return {};
  if (!present) return Refuse(JwtProblem::kMissingClaim, "the token has no iss claim");
  if (out->issuer != options.issuer)
    return Refuse(JwtProblem::kWrongIssuer, "iss is not the issuer this server trusts");
  return {};
}

JwtResult CheckAudience(const json::object& claims, const JwtOptions& options) {
  const json::value* aud = claims.if_contains("aud");
  if (!aud) {
    if (options.audiences.empty()) return {};
    return Refuse(JwtProblem::kMissingClaim, "the token has no aud claim");
  }
  std::vector<std::string_view> named;
  if (aud->is_string()) named.push_back(aud->get_string());
  if (const json::array* list = aud->if_array()) {
    for (const json::value& a : *list) {
      if (!a.is_string()) return Refuse(JwtProblem::kMalformed, "claim aud holds a value that is not a string");
      named.push_back(a.get_string());
    }
  } else if (!aud->is_string()) {
    return Refuse(JwtProblem::kMalformed, "claim aud is neither a string nor an array of strings");
  }
  if (options.audiences.empty()) return {};
  for (std::string_view a : named) {
    for (const std::string& mine : options.audiences) {
      if (a == mine) return {};
    }
  }
  return Refuse(JwtProblem::kWrongAudience, "aud names none of this server's audiences");
}

JwtResult CheckSubjectAndRole(const json::object& claims, const JwtOptions& options, JwtClaims* out) {
  bool present = false;
  if (JwtResult r = ReadString(claims, "sub", &out->subject, &present); !r.ok()) return r;
  if (out->subject.empty()) return Refuse(JwtProblem::kMissingClaim, "the token has no sub claim (or it is empty)");
  if (options.role_claim.empty()) return {};
  return ReadString(claims, options.role_claim, &out->role, &present);
}

// Who the token speaks for: issuer, audience, subject and role.
JwtResult ReadIdentity(const json::object& claims, const JwtOptions& options, JwtClaims* out) {
  if (JwtResult r = CheckIssuer(claims, options, out); !r.ok()) return r;
  if (JwtResult r = CheckAudience(claims, options); !r.ok()) return r;
  return CheckSubjectAndRole(claims, options, out);
}

JwtResult Late(JwtProblem problem, const std::string& what, int64_t skew) {
  return Refuse(problem, what + " (clock skew allowed: " + std::to_string(skew) + " s)");
}

JwtResult CheckWindow(const TokenWindow& window, int64_t now, int64_t skew) {
  if (window.exp && now - skew >= *window.exp) {
    return Late(JwtProblem::kExpired, "the token expired " + std::to_string(now - *window.exp) + " s ago", skew);
  }
  if (window.nbf && now + skew < *window.nbf) {
    return Late(JwtProblem::kNotYetValid,
                "the token is not valid for another " + std::to_string(*window.nbf - now) + " s", skew);
  }
  if (window.iat && now + skew < *window.iat) {
    return Late(JwtProblem::kNotYetValid,
                "the token was issued " + std::to_string(*window.iat - now) + " s in the future", skew);
  }
  return {};
}

}  // namespace

JwtVerifier::JwtVerifier(JwkSet keys, JwtOptions options) : keys_(std::move(keys)), options_(std::move(options)) {
  if (options_.cache_entries > 0) cache_ = std::make_unique<VerifiedTokenCache>(options_.cache_entries);
}

JwtVerifier::~JwtVerifier() = default;

Result<std::shared_ptr<JwtVerifier>> JwtVerifier::FromJwksFile(const std::string& path, JwtOptions options) {
  auto text = ReadFileLimited(path, kMaxJwksBytes);
  if (!text.ok()) return text.status();
  auto verifier = FromJwks(*text, std::move(options), path);
  sodium_memzero(text->data(), text->size());  // it may hold HMAC secrets
  return verifier;
}

Result<std::shared_ptr<JwtVerifier>> JwtVerifier::FromJwks(std::string_view json, JwtOptions options,
                                                           std::string_view source_name) {
  if (options.skew_s < 0 || options.skew_s > kMaxSkew) {
    return Status::InvalidArgument("JWT clock skew must be between 0 and 86400 s, not " +
                                   std::to_string(options.skew_s));
  }
  auto keys = ParseJwks(json, source_name);
  if (!keys.ok()) return keys.status();
  return std::shared_ptr<JwtVerifier>(new JwtVerifier(std::move(keys).value(), std::move(options)));
}

JwtResult JwtVerifier::Verify(std::string_view token, int64_t now_unix_s) const {
  if (token.size() > kMaxJwtBytes) {
    return Refuse(JwtProblem::kTooLarge, "the token is longer than " + std::to_string(kMaxJwtBytes) + " bytes");
  }
  TokenWindow window;
  if (!cache_) return VerifyUncached(token, now_unix_s, &window);
  VerifiedTokenCache::Digest digest = cache_->DigestOf(token);
  if (std::optional<CachedToken> hit = cache_->Find(digest)) {
    JwtResult r = CheckWindow(hit->window, now_unix_s, options_.skew_s);
    if (r.ok()) r.claims = std::move(hit->claims);
    return r;
  }
  JwtResult r = VerifyUncached(token, now_unix_s, &window);
  if (r.ok()) cache_->Insert(digest, CachedToken{r.claims, window});
  return r;
}

JwtResult JwtVerifier::VerifyUncached(std::string_view token, int64_t now_unix_s, TokenWindow* window) const {
  Segments s;
  if (!SplitToken(token, &s)) {
    return Refuse(JwtProblem::kMalformed, "a JWT has three parts separated by dots (encrypted JWTs are not accepted)");
  }
  Header header;
  if (JwtResult r = ReadHeader(s.header, &header); !r.ok()) return r;
  // Both decoded before the signature check, so a malformed token costs no RSA operation; the
  // payload's JSON is parsed only after its signature verified.
  std::string payload, signature;
  if (JwtResult r = Decode(s.payload, "payload", &payload); !r.ok()) return r;
  if (JwtResult r = Decode(s.signature, "signature", &signature); !r.ok()) return r;
  if (JwtResult r = CheckSignature(keys_, header, s.signing_input, signature); !r.ok()) return r;
  json::value doc;
  if (JwtResult r = ParseObject(payload, "payload", &doc); !r.ok()) return r;
  const json::object& claims = doc.get_object();
  if (JwtResult r = ReadWindow(claims, options_, window); !r.ok()) return r;
  if (JwtResult r = CheckWindow(*window, now_unix_s, options_.skew_s); !r.ok()) return r;
  JwtResult result;
  if (JwtResult r = ReadIdentity(claims, options_, &result.claims); !r.ok()) return r;
  result.claims.key_id = header.kid;
  result.claims.alg = AlgName(header.alg);
  result.claims.exp = window->exp.value_or(0);
  return result;
}

std::string_view JwtProblemText(JwtProblem problem) {
  switch (problem) {
    case JwtProblem::kNone:
      return "valid";
    case JwtProblem::kMalformed:
      return "malformed";
    case JwtProblem::kUnsupportedAlg:
      return "unsupported algorithm";
    case JwtProblem::kUnknownKey:
      return "unknown key";
    case JwtProblem::kBadSignature:
      return "bad signature";
    case JwtProblem::kExpired:
      return "expired";
    case JwtProblem::kNotYetValid:
      return "not yet valid";
    case JwtProblem::kWrongIssuer:
      return "wrong issuer";
    case JwtProblem::kWrongAudience:
      return "wrong audience";
    case JwtProblem::kMissingClaim:
      return "missing claim";
    case JwtProblem::kTooLarge:
      return "too large";
  }
  return "?";
}

bool LooksLikeJwt(std::string_view bearer) {
  Segments s;
  return SplitToken(bearer, &s) && !s.header.empty() && !s.payload.empty() && IsBase64UrlAlphabet(s.header) &&
         IsBase64UrlAlphabet(s.payload) && IsBase64UrlAlphabet(s.signature);
}

}  // namespace warden::security
