#include "server/http_setup.h"

#include "security/authn/sqlite_token_store.h"
#include "security/ratelimit/rate_limiter.h"
#if WARDEN_HAVE_JWT
#include "security/jwt/jwt.h"
#endif

namespace warden::server {

Result<security::RateLimitConfig> EffectiveRateLimits(const std::vector<std::string>& policy_limits,
                                                      const std::vector<std::string>& flags) {
  security::RateLimitConfig rl;
  for (const auto& spec : policy_limits) {
    if (Status s = security::ApplyRateLimitSpec(spec, &rl); !s.ok()) return Status::InvalidArgument("policy: " + s.message());
  }
  for (const auto& spec : flags) {
    if (Status s = security::ApplyRateLimitSpec(spec, &rl); !s.ok()) return Status::InvalidArgument("--rate-limit: " + s.message());
  }
  return rl;
}

Result<HttpStack> BuildHttpStack(const HttpStackOptions& o, const std::vector<std::string>& policy_limits,
                                 security::AuthzStage::SnapshotFn snapshot, security::AuditStage::AppendFn append) {
  HttpStack stack;
  std::shared_ptr<const security::JwtVerifier> jwt;
  if (!o.jwks_file.empty()) {
#if WARDEN_HAVE_JWT
    security::JwtOptions jo;
    jo.issuer = o.jwt_issuer;
    jo.audiences = o.jwt_audiences;
    auto v = security::JwtVerifier::FromJwksFile(o.jwks_file, jo);
    if (!v.ok()) return Status::InvalidArgument("--jwks: " + v.status().message());
    for (const auto& line : (*v)->skipped_keys()) stack.warnings.push_back("--jwks: " + line);
    stack.warnings.push_back("JWT bearer tokens verified with " + std::to_string((*v)->key_count()) + " key(s) from " +
                             o.jwks_file + (o.jwt_issuer.empty() ? "" : ", issuer " + o.jwt_issuer));
    jwt = *v;
#else
    return Status::InvalidArgument("--jwks " + o.jwks_file + ": this warden was built without JWT support");
#endif
  } else if (!o.jwt_issuer.empty() || !o.jwt_audiences.empty()) {
    return Status::InvalidArgument("--jwt-issuer and --jwt-audience need --jwks FILE");
  }
  if (o.hub && o.state_dir.empty()) return Status::InvalidArgument("shared tokens need a state directory (for token.key)");
  if (o.hub) {
    auto tokens = security::RedisTokenStore::Open(*o.hub, o.state_dir, o.token_failure);
    if (!tokens.ok()) return Status::InvalidArgument("token store: " + tokens.status().message());
    stack.tokens = *tokens;
  } else if (!o.state_dir.empty()) {
    auto tokens = security::SqliteTokenStore::Open(o.state_dir);
    if (!tokens.ok()) return Status::InvalidArgument("token store: " + tokens.status().message());
    stack.tokens = *tokens;
  }
  auto rl = EffectiveRateLimits(policy_limits, o.rate_limits);
  if (!rl.ok()) return rl.status();
  if (o.hub) stack.limiter = std::make_shared<security::RedisRateLimitStore>(*o.hub, *rl, o.rate_failure);
  else stack.limiter = std::make_shared<security::RateLimiter>(*rl);
  std::vector<std::unique_ptr<security::Stage>> stages;
  if (o.stages.authn) stages.push_back(std::make_unique<security::AuthnStage>(stack.tokens, stack.limiter, jwt));
  if (o.stages.ratelimit) stages.push_back(std::make_unique<security::RateLimitStage>(stack.limiter));
  if (o.stages.validate) stages.push_back(std::make_unique<security::ValidateStage>());
  if (o.stages.authz) stages.push_back(std::make_unique<security::AuthzStage>(std::move(snapshot)));
  if (o.stages.audit) stages.push_back(std::make_unique<security::AuditStage>(std::move(append)));
  stack.chain = security::Chain(std::move(stages));
  return stack;
}

void AddStackGauges(const HttpStack& stack, std::vector<GaugeValue>* out) {
  if (stack.limiter) {
    const auto& c = stack.limiter->counts();
    out->push_back({"warden_ratelimit_keys", "Keys the rate limiter tracks.", static_cast<double>(stack.limiter->keys())});
    out->push_back({"warden_ratelimit_limited_total", "Requests refused by the rate limiter (429).", static_cast<double>(c.limited.load()), true});
    out->push_back({"warden_ratelimit_banned_total", "Requests refused because their key is banned.", static_cast<double>(c.banned.load()), true});
    out->push_back({"warden_ratelimit_bans_total", "Bans imposed.", static_cast<double>(c.bans.load()), true});
    out->push_back({"warden_ratelimit_evicted_total", "Idle rate-limit keys evicted.", static_cast<double>(c.evicted.load()), true});
    out->push_back({"warden_ratelimit_full_total", "New keys refused because the table was full.", static_cast<double>(c.refused_full.load()), true});
  }
  if (stack.tokens) out->push_back({"warden_tokens", "Tokens in the store (revoked and expired included).", static_cast<double>(stack.tokens->size())});
}

}  // namespace warden::server
