// Builds the HTTP security stack from the daemon's options: the token store (in the state
// dir), the rate limiter (defaults plus --rate-limit specs), and the chain of the stages that
// are switched on, in the order of DESIGN.md §2. Errors name the option that is wrong.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "security/chain.h"
#include "security/stages.h"
#include "server/http_api.h"
#include "server/http_metrics.h"

#include "redis/hub.h"
#include "security/authn/redis_token_store.h"
#include "security/ratelimit/redis_rate_limit_store.h"
#include "security/ratelimit/rate_limiter.h"

namespace warden::server {

struct HttpStackOptions {
  std::string state_dir;
  StageSwitches stages;
  std::vector<std::string> rate_limits;
  std::string jwks_file;
  std::string jwt_issuer;
  std::vector<std::string> jwt_audiences;
  // Shared stores in Redis instead of the SQLite token store and the in-memory limiter.
  redis::Hub* hub = nullptr;
  security::TokenFailureMode token_failure = security::TokenFailureMode::kClosed;
  security::RateFailureMode rate_failure = security::RateFailureMode::kLocal;
};

struct HttpStack {
  std::vector<std::string> warnings;  // for the daemon's log (JWKS keys left out)
  std::shared_ptr<security::TokenStore> tokens;
  std::shared_ptr<security::RateLimitStore> limiter;
  security::Chain chain;
};

// `policy_limits`: the rate_limits of the loaded policy (Snapshot::rate_limits); the
// options' --rate-limit flags are applied after them and win.
Result<HttpStack> BuildHttpStack(const HttpStackOptions& options, const std::vector<std::string>& policy_limits,
                                 security::AuthzStage::SnapshotFn snapshot, security::AuditStage::AppendFn append);

// The defaults, then the policy's specs, then the flags'.
Result<security::RateLimitConfig> EffectiveRateLimits(const std::vector<std::string>& policy_limits,
                                                      const std::vector<std::string>& flags);

// Rate-limit keys and counters, tokens: for /metrics.
void AddStackGauges(const HttpStack& stack, std::vector<GaugeValue>* out);

}  // namespace warden::server
