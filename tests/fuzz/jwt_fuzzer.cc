// JWT verification and JWK Set loading on arbitrary bytes. The first byte picks the mode:
//   byte % 3 == 0  the rest is a bearer token, verified against a fixed key set (an HS256,
//                  an RS256 and an EdDSA key)
//   byte % 3 == 1  the rest is a JWK Set document; when it loads, a fixed token is verified
//   byte % 3 == 2  the rest is "<header JSON>\n<payload JSON>", signed here (HS256, or EdDSA
//                  when the second byte is odd) so that the claim checks behind the signature
//                  are reached as well
//
// Checks that nothing crashes; that a refusal's detail is non-empty printable ASCII without
// '"' or '\' and never holds the signature; that an accepted token has a subject, a known
// alg and the shape LooksLikeJwt recognizes; that the verified-token cache answers exactly
// as a verifier without a cache does (twice, so the second answer comes from the cache); and
// that a JWK Set load error names its source.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "security/jwt/base64url.h"
#include "security/jwt/jwt.h"
#include "security/jwt/test_keys.h"

namespace warden::security {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr std::string_view kHmacSecret = "jwt_fuzzer's HMAC secret, 32 bytes or more";

struct Verifiers {
  std::shared_ptr<JwtVerifier> cached;
  std::shared_ptr<JwtVerifier> uncached;
};

std::shared_ptr<JwtVerifier> Build(const std::string& jwks, size_t cache_entries) {
  JwtOptions options;
  options.issuer = "https://idp.example";
  options.audiences = {"warden"};
  options.cache_entries = cache_entries;
  auto v = JwtVerifier::FromJwks(jwks, options, "fuzz.jwks");
  if (!v.ok()) __builtin_trap();
  return *v;
}

const Verifiers& Fixed() {
  static const Verifiers v = [] {
    testing::RsaTestKey rsa(2048);
    std::string jwks = R"({"keys":[{"kty":"oct","kid":"hs","k":")" + testing::B64(kHmacSecret) + R"("},)" +
                       rsa.Jwk("rs") + R"(,{"kty":"OKP","crv":"Ed25519","kid":"ed","x":")" +
                       std::string(testing::kRfc8037X) + R"("}]})";
    return Verifiers{Build(jwks, 64), Build(jwks, 0)};
  }();
  return v;
}

void CheckDetail(const JwtResult& r, std::string_view token) {
  if (r.ok()) {
    if (r.claims.subject.empty() || (r.claims.alg != "HS256" && r.claims.alg != "RS256" && r.claims.alg != "EdDSA") ||
        !LooksLikeJwt(token)) {
      __builtin_trap();
    }
    return;
  }
  if (r.detail.empty()) __builtin_trap();
  for (char c : r.detail) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') __builtin_trap();
  }
  // The detail may quote the kid, which an input can make equal to its own signature text.
  size_t dot = token.rfind('.');
  std::string_view sig = dot == std::string_view::npos ? "" : token.substr(dot + 1);
  auto header = DecodeBase64Url(token.substr(0, token.find('.')));
  bool quotable = header && header->find(sig) != std::string::npos;
  if (sig.size() >= 12 && !quotable && r.detail.find(sig) != std::string::npos) __builtin_trap();
}

bool Same(const JwtResult& a, const JwtResult& b) {
  return a.problem == b.problem && a.detail == b.detail && a.claims.subject == b.claims.subject &&
         a.claims.role == b.claims.role && a.claims.issuer == b.claims.issuer && a.claims.key_id == b.claims.key_id &&
         a.claims.alg == b.claims.alg && a.claims.exp == b.claims.exp;
}

void VerifyToken(const Verifiers& v, std::string_view token) {
  JwtResult plain = v.uncached->Verify(token, kNow);
  CheckDetail(plain, token);
  for (int i = 0; i < 2; ++i) {
    if (!Same(plain, v.cached->Verify(token, kNow))) __builtin_trap();
  }
  // Later, from the cache when it was accepted: the time window must still be applied.
  if (!Same(v.uncached->Verify(token, kNow + 86400 * 365), v.cached->Verify(token, kNow + 86400 * 365))) {
    __builtin_trap();
  }
}

void LoadJwks(std::string_view doc) {
  JwtOptions options;
  options.cache_entries = 0;  // a 4096-entry cache per input would only slow the run down
  auto v = JwtVerifier::FromJwks(doc, options, "fuzz.jwks");
  if (!v.ok()) {
    if (v.status().message().rfind("fuzz.jwks: ", 0) != 0) __builtin_trap();
    return;
  }
  if ((*v)->key_count() == 0) __builtin_trap();
  CheckDetail((*v)->Verify("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.AAAA", kNow), "");
}

void SignAndVerify(std::string_view rest) {
  bool ed = !rest.empty() && (static_cast<unsigned char>(rest[0]) & 1);
  if (!rest.empty()) rest.remove_prefix(1);
  size_t nl = rest.find('\n');
  std::string_view header = rest.substr(0, nl);
  std::string_view payload = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
  std::string input = testing::B64(header) + "." + testing::B64(payload);
  std::string sig = ed ? testing::Ed25519Sign(input) : testing::HmacSha256(kHmacSecret, input);
  VerifyToken(Fixed(), input + "." + testing::B64(sig));
}

}  // namespace
}  // namespace warden::security

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      warden::security::VerifyToken(warden::security::Fixed(), rest);
      break;
    case 1:
      warden::security::LoadJwks(rest);
      break;
    default:
      warden::security::SignAndVerify(rest);
      break;
  }
  return 0;
}
