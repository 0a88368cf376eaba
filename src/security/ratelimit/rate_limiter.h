// Rate limiting for the HTTP API: GCRA (the generic cell rate algorithm) per key × endpoint
// class, with bans for repeated offenders.
//
// A class allows `count` requests per `period` on average, and up to `burst` at once
// (default: burst = count, a full period's worth). Each (key, class) keeps one number, its
// theoretical arrival time (TAT): a request at `now` is allowed when
// max(TAT, now) + T − now ≤ burst·T, with T = period / count, and then moves TAT by T.
// A key limited `ban_after` times within one period of its class is banned for `ban_for`
// (default 5 times → 1 h); while banned, every check of that key in that class is refused.
// A third class, `auth-failure` (default 10/min), is charged by the authentication stage for
// each bad credential from a client address: a client brute-forcing tokens is limited, then
// banned, even though it never gets far enough to be rate-limited as a caller.
//
// Keys are the caller's strings (a token id, or the client's address when anonymous) mixed
// with the class and hashed with SipHash-2-4 under a random per-process key to 64 bits: with
// n keys the chance that any two collide is about n²/2⁶⁵ (10⁻⁹ for 200k keys), and an outsider
// cannot aim for a collision without the key.
//
// State is in memory, sharded (64 shards, each a mutex and a hash map) and bounded:
// `max_keys` entries at most. When a shard is full, entries that carry no information (TAT in
// the past, not banned, no recent limits) are swept out — at most once per 100 ms per shard,
// so a flood of new keys cannot make every request pay for a sweep; a new key that finds its
// shard still full is refused (fail closed) and counted. Nothing survives a restart of the
// daemon: limits and bans start afresh (documented in docs/API.md).
//
// Thread-safety: Check may be called from any thread; the configuration is fixed at
// construction (a reload of the limits builds a new limiter).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace warden::security {

inline constexpr size_t kRateClasses = 3;  // default, expensive, auth-failure (stage.h RateClass)

struct RateClassLimit {
  uint64_t count = 100;
  int64_t period_ns = 60'000'000'000;
  uint64_t burst = 0;  // 0: = count
};

struct RateLimitConfig {
  std::array<RateClassLimit, kRateClasses> classes{RateClassLimit{100, 60'000'000'000, 0}, RateClassLimit{30, 60'000'000'000, 0},
                                                   RateClassLimit{10, 60'000'000'000, 0}};
  uint32_t ban_after = 5;                 // 0: never ban
  int64_t ban_ns = 3600'000'000'000;
  size_t max_keys = 1'000'000;
};

// Applies one spec to `config`:
//   CLASS=N/UNIT[,burst=B]   CLASS default|expensive|auth-failure, UNIT s|sec|second|m|min|minute|h|hour
//   ban=N/DURATION           ban after N limits within the class period, for DURATION (30m, 1h, 2d)
//   ban=off
//   max-keys=N
// Errors name the spec and the part that is wrong.
Status ApplyRateLimitSpec(std::string_view spec, RateLimitConfig* config);

std::string_view RateClassName(size_t cls);

struct RateDecision {
  bool allowed = true;
  bool banned = false;
  bool table_full = false;  // refused because the key could not be stored
  uint64_t limit = 0;       // the class's count per period
  uint64_t remaining = 0;   // requests that could come right now
  int64_t reset_ns = 0;     // until the key's burst is whole again
  int64_t retry_after_ns = 0;  // when refused: until a request can pass
};

struct RateLimiterCounts {
  std::atomic<uint64_t> allowed{0}, limited{0}, banned{0}, bans{0}, evicted{0}, refused_full{0};
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitConfig config);
  RateDecision Check(std::string_view key, size_t cls, int64_t now_ns);
  size_t keys() const;
  const RateLimiterCounts& counts() const { return counts_; }
  const RateLimitConfig& config() const { return config_; }

 private:
  struct Entry {
    int64_t tat = 0;
    int64_t ban_until = 0;
    int64_t window_start = 0;
    uint32_t limited = 0;
  };
  struct alignas(64) Shard {
    std::mutex mu;
    std::unordered_map<uint64_t, Entry> map;  // GUARDED_BY(mu)
    int64_t last_sweep = INT64_MIN / 2;       // GUARDED_BY(mu)
  };
  static constexpr size_t kShards = 64;

  uint64_t Hash(std::string_view key, size_t cls) const;
  bool Sweep(Shard& shard, int64_t now_ns);
  bool Idle(const Entry& e, int64_t now_ns) const;

  RateLimitConfig config_;
  std::array<int64_t, kRateClasses> interval_ns_{};  // T
  std::array<int64_t, kRateClasses> tolerance_ns_{};  // burst·T
  size_t shard_cap_;
  unsigned char hash_key_[16];
  std::unique_ptr<Shard[]> shards_;
  RateLimiterCounts counts_;
};

}  // namespace warden::security
