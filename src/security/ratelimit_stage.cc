#include "security/ratelimit/rate_limiter.h"
#include "security/stages.h"

namespace warden::security {

namespace {
int64_t CeilSeconds(int64_t ns) { return (ns + 999'999'999) / 1'000'000'000; }
}  // namespace

RateLimitStage::RateLimitStage(std::shared_ptr<RateLimitStore> limiter) : limiter_(std::move(limiter)) {}

StageStatus RateLimitStage::Run(Exchange& ex) const {
  if (!ex.endpoint || ex.endpoint->rate_class == RateClass::kNone) return StageStatus::kContinue;
  // The token when there is one (a caller keeps its budget across addresses), else the address.
  std::string_view key = ex.principal.authenticated ? std::string_view(ex.principal.id) : std::string_view(ex.client_address);
  RateDecision d = limiter_->Check(key, static_cast<size_t>(ex.endpoint->rate_class), ex.now_ns);
  ex.headers.emplace_back("RateLimit-Limit", std::to_string(d.limit));
  ex.headers.emplace_back("RateLimit-Remaining", std::to_string(d.remaining));
  ex.headers.emplace_back("RateLimit-Reset", std::to_string(CeilSeconds(d.reset_ns)));
  if (d.allowed) return StageStatus::kContinue;
  int64_t retry = std::max<int64_t>(1, CeilSeconds(d.retry_after_ns));
  ex.headers.emplace_back("Retry-After", std::to_string(retry));
  if (d.unavailable) {
    ex.error = {503, "rate-limiter-unavailable", "the shared rate limiter is unavailable and set to refuse meanwhile; retry in " + std::to_string(retry) + " s", ""};
  } else if (d.table_full) {
    ex.error = {429, "rate-limiter-full", "the rate limiter is tracking too many clients; retry in " + std::to_string(retry) + " s", ""};
  } else if (d.banned) {
    ex.error = {429, "banned", "rate limit exceeded repeatedly: refused for " + std::to_string(retry) + " s", ""};
  } else {
    ex.error = {429, "rate-limited",
                "over " + std::to_string(d.limit) + " requests per period for this endpoint class (" +
                    std::string(RateClassName(static_cast<size_t>(ex.endpoint->rate_class))) + "); retry in " +
                    std::to_string(retry) + " s",
                ""};
  }
  return StageStatus::kDeny;
}

}  // namespace warden::security
