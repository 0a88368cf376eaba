// What `warden status` and /metrics say of the shared state: the link to Redis, each store's
// setting for when Redis fails, and the counters of each (docs/SECURITY.md "When Redis fails").
#pragma once

#include <boost/json/object.hpp>

#include <vector>

#include "redis/hub.h"
#include "security/authn/redis_token_store.h"
#include "security/ratelimit/redis_rate_limit_store.h"
#include "server/http_metrics.h"
#include "server/redis_approval_queue.h"
#include "server/redis_event_bus.h"

namespace warden::server {

struct SharedStores {
  const redis::Hub* hub = nullptr;
  const RedisEventBus* events = nullptr;
  const RedisApprovalQueue* approvals = nullptr;
  const security::RedisTokenStore* tokens = nullptr;      // null without --http
  const security::RedisRateLimitStore* limiter = nullptr;  // null without --http
  security::TokenFailureMode token_failure = security::TokenFailureMode::kClosed;
  security::RateFailureMode rate_failure = security::RateFailureMode::kLocal;
};

boost::json::object SharedStatusJson(const SharedStores& s);
void AddSharedGauges(const SharedStores& s, std::vector<GaugeValue>* out);
// Redis round trips made so far: the rate limiter's pipelines and the event bus's publishes
// (approvals, token changes and polls are rare and not counted here).
uint64_t SharedRoundTrips(const SharedStores& s);

}  // namespace warden::server
