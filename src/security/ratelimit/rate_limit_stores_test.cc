// The interface tests of RateLimitStore: the in-memory RateLimiter and the Redis store (on a
// real redis-server of the test's own) pass the same tests.
#include <gtest/gtest.h>

#include <thread>

#include "redis/hub.h"
#include "redis/test_server.h"
#include "security/ratelimit/rate_limiter.h"
#include "security/ratelimit/redis_rate_limit_store.h"

namespace warden::security {
namespace {

using namespace std::chrono_literals;

RateLimitConfig FivePerMinute() {
  RateLimitConfig c;
  c.classes[0] = {5, 60'000'000'000, 0};
  c.ban_after = 3;
  c.ban_ns = 3600'000'000'000;
  return c;
}

struct LocalFactory {
  std::unique_ptr<RateLimitStore> Make(const RateLimitConfig& c) { return std::make_unique<RateLimiter>(c); }
};

struct RedisFactory {
  redis::testing::TestServer server;
  std::unique_ptr<redis::Hub> hub;
  std::unique_ptr<RateLimitStore> Make(const RateLimitConfig& c) {
    if (!redis::testing::TestServer::Available() || !server.Start()) return nullptr;
    redis::ClientOptions o;
    o.address = *redis::ParseUrl(server.Url());
    hub = std::make_unique<redis::Hub>(o, "t", "wt:");
    auto s = std::make_unique<RedisRateLimitStore>(*hub, c, RateFailureMode::kLocal);
    hub->Start();
    for (int i = 0; i < 400 && !hub->connected(); ++i) std::this_thread::sleep_for(5ms);
    return s;
  }
  ~RedisFactory() {
    if (hub) hub->Stop();
  }
};

template <class F>
class RateLimitStoreTest : public ::testing::Test {
 protected:
  F factory_;
};
using Factories = ::testing::Types<LocalFactory, RedisFactory>;
TYPED_TEST_SUITE(RateLimitStoreTest, Factories);

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TYPED_TEST(RateLimitStoreTest, ALimitThenABan) {
  auto store = this->factory_.Make(FivePerMinute());
  if (!store) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  int allowed = 0;
  for (int i = 0; i < 5; ++i) {
    auto d = store->Check("tok_a", 0, Now());
    allowed += d.allowed;
    EXPECT_EQ(d.limit, 5u);
  }
  EXPECT_EQ(allowed, 5);
  auto refused = store->Check("tok_a", 0, Now());
  EXPECT_FALSE(refused.allowed);
  EXPECT_FALSE(refused.banned);
  EXPECT_GT(refused.retry_after_ns, 0);
  EXPECT_TRUE(store->Check("tok_b", 0, Now()).allowed) << "another key has its own budget";
  EXPECT_TRUE(store->Check("tok_a", 1, Now()).allowed) << "another class has its own budget";
  store->Check("tok_a", 0, Now());
  auto banned = store->Check("tok_a", 0, Now());  // the third refusal
  EXPECT_TRUE(banned.banned);
  std::this_thread::sleep_for(20ms);  // a shared store syncs meanwhile
  EXPECT_TRUE(store->Check("tok_a", 0, Now()).banned);
  EXPECT_GE(store->counts().bans.load(), 1u);
  EXPECT_GE(store->keys(), 2u);
}

TYPED_TEST(RateLimitStoreTest, AReconfigureKeepsWhatWasCounted) {
  auto store = this->factory_.Make(FivePerMinute());
  if (!store) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  for (int i = 0; i < 5; ++i) store->Check("tok_a", 0, Now());
  RateLimitConfig more = FivePerMinute();
  more.classes[0] = {5, 60'000'000'000, 10};  // a burst of 10: five more now, not ten
  store->Reconfigure(more);
  EXPECT_EQ(store->config().classes[0].burst, 10u);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += store->Check("tok_a", 0, Now()).allowed;
  EXPECT_EQ(allowed, 5) << "the five counted before the change were forgotten, or the new burst not applied";
}

}  // namespace
}  // namespace warden::security
