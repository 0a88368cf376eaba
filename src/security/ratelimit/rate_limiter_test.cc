#include "security/ratelimit/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace warden::security {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1000 * kSec;

RateLimitConfig Config(const std::vector<std::string>& specs) {
  RateLimitConfig c;
  for (const auto& s : specs) EXPECT_TRUE(ApplyRateLimitSpec(s, &c).ok()) << s;
  return c;
}

TEST(RateLimiterTest, ABurstOfExactlyTheLimitThenOnePerInterval) {
  RateLimiter rl(Config({"default=60/min", "ban=off"}));
  for (int i = 0; i < 60; ++i) {
    RateDecision d = rl.Check("tok_a", 0, kT0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, static_cast<uint64_t>(59 - i));
    EXPECT_EQ(d.limit, 60u);
  }
  RateDecision d = rl.Check("tok_a", 0, kT0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ns, kSec);  // T = 1 s
  EXPECT_FALSE(rl.Check("tok_a", 0, kT0 + kSec - 1).allowed);
  EXPECT_TRUE(rl.Check("tok_a", 0, kT0 + kSec).allowed);
  EXPECT_FALSE(rl.Check("tok_a", 0, kT0 + kSec).allowed);
  // Other keys and other classes have budgets of their own.
  EXPECT_TRUE(rl.Check("tok_b", 0, kT0).allowed);
  EXPECT_TRUE(rl.Check("tok_a", 1, kT0).allowed);
}

TEST(RateLimiterTest, ReconfigureChangesTheLimitsAndKeepsTheState) {
  RateLimiter rl(Config({"default=2/min", "ban=off"}));
  EXPECT_TRUE(rl.Check("a", 0, kT0).allowed);
  EXPECT_TRUE(rl.Check("a", 0, kT0).allowed);
  EXPECT_FALSE(rl.Check("a", 0, kT0).allowed);
  rl.Reconfigure(Config({"default=120/min", "ban=off"}));
  EXPECT_EQ(rl.config().classes[0].count, 120u);
  // "a" owes 60 s of the old rate (two 30 s intervals): the new burst of 120 × 0.5 s covers it.
  RateDecision d = rl.Check("a", 0, kT0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.limit, 120u);
  EXPECT_TRUE(rl.Check("a", 0, kT0 + kSec).allowed);
  EXPECT_TRUE(rl.Check("b", 0, kT0).allowed);  // a new key gets the new burst at once
  EXPECT_TRUE(Config({"default=120/min", "ban=off"}) == rl.config());
  EXPECT_FALSE(Config({"default=121/min", "ban=off"}) == rl.config());
}

TEST(RateLimiterTest, BurstSmallerThanTheRate) {
  RateLimiter rl(Config({"default=100/s,burst=10", "ban=off"}));
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += rl.Check("k", 0, kT0).allowed;
  EXPECT_EQ(allowed, 10);
  // After a full second the burst is whole again: 10 more, not 100.
  allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += rl.Check("k", 0, kT0 + kSec).allowed;
  EXPECT_EQ(allowed, 10);
}

TEST(RateLimiterTest, ResetSaysWhenTheBurstIsWhole) {
  RateLimiter rl(Config({"default=10/s"}));
  RateDecision d = rl.Check("k", 0, kT0);
  EXPECT_EQ(d.reset_ns, kSec / 10);
  for (int i = 0; i < 4; ++i) d = rl.Check("k", 0, kT0);
  EXPECT_EQ(d.reset_ns, 5 * kSec / 10);
  EXPECT_EQ(d.remaining, 5u);
}

TEST(RateLimiterTest, BannedAfterFiveLimitsWithinThePeriod) {
  RateLimiter rl(Config({"default=2/min", "ban=5/1h"}));
  EXPECT_TRUE(rl.Check("1.2.3.4", 0, kT0).allowed);
  EXPECT_TRUE(rl.Check("1.2.3.4", 0, kT0).allowed);
  for (int i = 0; i < 4; ++i) {
    RateDecision d = rl.Check("1.2.3.4", 0, kT0 + i);
    EXPECT_FALSE(d.allowed);
    EXPECT_FALSE(d.banned) << i;
  }
  RateDecision d = rl.Check("1.2.3.4", 0, kT0 + 5);
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(d.retry_after_ns, 3600 * kSec);
  // Banned even once the rate would allow it again …
  d = rl.Check("1.2.3.4", 0, kT0 + 600 * kSec);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(rl.counts().bans.load(), 1u);
  // … until the hour is over.
  EXPECT_TRUE(rl.Check("1.2.3.4", 0, kT0 + 5 + 3600 * kSec).allowed);
}

TEST(RateLimiterTest, LimitsSpreadOverLongerThanThePeriodDoNotBan) {
  RateLimiter rl(Config({"default=1/min", "ban=5/1h"}));
  for (int round = 0; round < 10; ++round) {
    int64_t t = kT0 + round * 61 * kSec;
    EXPECT_TRUE(rl.Check("k", 0, t).allowed) << round;
    RateDecision d = rl.Check("k", 0, t + 1);
    EXPECT_FALSE(d.allowed);
    EXPECT_FALSE(d.banned) << round;
  }
}

TEST(RateLimiterTest, TheTableStaysBoundedAndIdleKeysAreSwept) {
  RateLimiter rl(Config({"default=10/s", "max-keys=1024"}));
  // 64 shards × 16 keys. Fill it with keys that are busy (TAT in the future).
  int refused = 0;
  for (int i = 0; i < 5000; ++i) refused += rl.Check("k" + std::to_string(i), 0, kT0).table_full;
  EXPECT_LE(rl.keys(), 1024u);
  EXPECT_GT(refused, 0);  // fail closed for new keys while everything is busy
  EXPECT_EQ(rl.counts().refused_full.load(), static_cast<uint64_t>(refused));
  // A second later every key has drained: new keys get room again. 200 new keys over 64
  // shards of 16 (the hash key is random): the fullest shard gets 16 or fewer but for ~1e-9.
  int later_refused = 0;
  for (int i = 0; i < 200; ++i) later_refused += rl.Check("n" + std::to_string(i), 0, kT0 + 2 * kSec).table_full;
  EXPECT_EQ(later_refused, 0);
  EXPECT_GT(rl.counts().evicted.load(), 0u);
  EXPECT_LE(rl.keys(), 1024u);
}

TEST(RateLimiterTest, ConcurrentChecksAddUp) {
  RateLimiter rl(Config({"default=1000/min", "ban=off"}));
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += rl.Check("shared", 0, kT0).allowed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
  EXPECT_EQ(rl.counts().allowed.load() + rl.counts().limited.load(), 4000u);
}

TEST(RateLimiterTest, SpecErrorsNameWhatIsWrong) {
  RateLimitConfig c;
  auto err = [&](const char* spec) {
    Status s = ApplyRateLimitSpec(spec, &c);
    EXPECT_FALSE(s.ok()) << spec;
    return s.message();
  };
  EXPECT_NE(err("default=10/fortnight").find("unknown unit \"fortnight\""), std::string::npos);
  EXPECT_NE(err("premium=10/min").find("unknown name \"premium\""), std::string::npos);
  EXPECT_NE(err("default").find("NAME=VALUE"), std::string::npos);
  EXPECT_NE(err("default=0/min").find("> 0"), std::string::npos);
  EXPECT_NE(err("default=ten/min").find("whole number"), std::string::npos);
  EXPECT_NE(err("default=10/min,bust=3").find("burst=N"), std::string::npos);
  EXPECT_NE(err("ban=5/1y").find("unknown duration"), std::string::npos);
  EXPECT_NE(err("max-keys=3").find("1024"), std::string::npos);
  ASSERT_TRUE(ApplyRateLimitSpec("default=1000000/min", &c).ok());
  EXPECT_EQ(c.classes[0].count, 1000000u);
  ASSERT_TRUE(ApplyRateLimitSpec("expensive=5/hour,burst=2", &c).ok());
  EXPECT_EQ(c.classes[1].burst, 2u);
  EXPECT_EQ(c.classes[1].period_ns, 3600 * kSec);
}

}  // namespace
}  // namespace warden::security
