#include <chrono>
#include <cstdio>

#include "security/authn/token_store.h"
#if WARDEN_HAVE_JWT
#include "security/jwt/jwt.h"
#endif
#include "security/ratelimit/rate_limiter.h"
#include "security/stages.h"

namespace warden::security {

namespace {
int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "Bearer X" (the scheme is case-insensitive, RFC 7235) → X; "" when it is not a bearer header.
std::string_view BearerOf(std::string_view header) {
  if (header.size() < 8) return {};
  static constexpr std::string_view kBearer = "bearer ";
  for (size_t i = 0; i < kBearer.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBearer[i]) return {};
  }
  std::string_view t = header.substr(kBearer.size());
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}
}  // namespace

AuthnStage::AuthnStage(std::shared_ptr<TokenStore> tokens, std::shared_ptr<RateLimitStore> failures,
                       std::shared_ptr<const JwtVerifier> jwt)
    : tokens_(std::move(tokens)), failures_(std::move(failures)), jwt_(std::move(jwt)) {}

StageStatus AuthnStage::Refuse(Exchange& ex, std::string_view error, const std::string& description) const {
  if (failures_ && !ex.authorization.empty()) {
    RateDecision d = failures_->Check(ex.client_address, static_cast<size_t>(RateClass::kAuthFailure), ex.now_ns);
    if (!d.allowed) {
      int64_t s = std::max<int64_t>(1, (d.retry_after_ns + 999'999'999) / 1'000'000'000);
      ex.headers.emplace_back("Retry-After", std::to_string(s));
      ex.error = {429, d.banned ? "banned" : "rate-limited",
                  d.banned ? "too many failed authentications from this address: banned for " + std::to_string(s) + " s"
                           : "too many failed authentications from this address; retry in " + std::to_string(s) + " s",
                  ""};
      return StageStatus::kDeny;
    }
  }
  ex.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"warden\", error=\"" + std::string(error) +
                                                  "\", error_description=\"" + description + "\"");
  ex.error = {401, std::string(error), description, ""};
  return StageStatus::kDeny;
}

StageStatus AuthnStage::Run(Exchange& ex) const {
  if (ex.authorization.empty()) {
    if (ex.endpoint && ex.endpoint->anonymous) return StageStatus::kContinue;
    ex.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"warden\"");
    ex.error = {401, "unauthenticated", "this endpoint needs a bearer token in the Authorization header (warden token create)", ""};
    return StageStatus::kDeny;
  }
  std::string_view token = BearerOf(ex.authorization);
  if (token.empty()) return Refuse(ex, "invalid_request", "the Authorization header must be Bearer <token>");
#if WARDEN_HAVE_JWT
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix && LooksLikeJwt(token)) {
    if (!jwt_) return Refuse(ex, "invalid_token", "this server does not accept JWTs (warden serve --jwks)");
    return VerifyJwt(ex, token);
  }
#endif
  if (!tokens_) return Refuse(ex, "invalid_token", "this server has no token store");
  VerifyResult v = tokens_->Verify(token, UnixNow());
  if (v.problem == TokenProblem::kUnavailable) {  // not the caller's fault: no failure charged
    ex.headers.emplace_back("Retry-After", "1");
    ex.error = {503, "token-store-unavailable", "tokens cannot be verified now (the shared token store is unavailable); retry", ""};
    return StageStatus::kDeny;
  }
  if (!v.ok()) return Refuse(ex, "invalid_token", "the token is " + std::string(TokenProblemText(v.problem)));
  ex.principal.authenticated = true;
  ex.principal.id = v.info.id;
  ex.principal.name = v.info.name;
  ex.principal.role = v.info.role;
  ex.principal.method = "token";
  return StageStatus::kContinue;
}

StageStatus AuthnStage::VerifyJwt(Exchange& ex, std::string_view token) const {
#if WARDEN_HAVE_JWT
  JwtResult r = jwt_->Verify(token, UnixNow());
  if (!r.ok()) {
    std::string why = "JWT refused (" + std::string(JwtProblemText(r.problem)) + ")";
    if (!r.detail.empty()) why += ": " + r.detail;
    return Refuse(ex, "invalid_token", why);
  }
  ex.principal.authenticated = true;
  ex.principal.id = "jwt:" + r.claims.subject;  // never mistaken for a tok_ id (rate limits, audit)
  ex.principal.role = r.claims.role;
  ex.principal.method = "jwt";
  return StageStatus::kContinue;
#else
  (void)token;
  return Refuse(ex, "invalid_token", "this warden was built without JWT support");
#endif
}

}  // namespace warden::security
