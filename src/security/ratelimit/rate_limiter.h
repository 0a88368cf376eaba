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
// State is in memory, sharded (64 shards, each a mutex and an open-addressing table) and bounded:
// `max_keys` entries at most. When a shard is full, entries that carry no information (TAT in
// the past, not banned, no recent limits) are swept out — at most once per 100 ms per shard,
// so a flood of new keys cannot make every request pay for a sweep; a new key that finds its
// shard still full is refused (fail closed) and counted. Nothing survives a restart of the
// daemon: limits and bans start afresh (documented in docs/API.md).
//
// Thread-safety: Check and Reconfigure may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
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

// Applies one spec (core/rate_spec.h: default=100/min, ban=5/1h, max-keys=N …) to `config`.
// Errors name the spec and the part that is wrong.
Status ApplyRateLimitSpec(std::string_view spec, RateLimitConfig* config);
bool operator==(const RateClassLimit& a, const RateClassLimit& b);
bool operator==(const RateLimitConfig& a, const RateLimitConfig& b);
// "default=100/min expensive=30/min auth-failure=10/min ban=5/3600s max-keys=1000000", for logs.
std::string DescribeRateLimits(const RateLimitConfig& config);

std::string_view RateClassName(size_t cls);

struct RateDecision {
  bool allowed = true;
  bool banned = false;
  bool table_full = false;  // refused because the key could not be stored
  bool unavailable = false;  // refused because a shared store is away and set to fail closed
  bool new_ban = false;      // this check began the ban
  uint64_t limit = 0;       // the class's count per period
  uint64_t remaining = 0;   // requests that could come right now
  int64_t reset_ns = 0;     // until the key's burst is whole again
  int64_t retry_after_ns = 0;  // when refused: until a request can pass
};

struct RateLimiterCounts {
  std::atomic<uint64_t> allowed{0}, limited{0}, banned{0}, bans{0}, evicted{0}, refused_full{0};
};

// Where limits and bans are kept: RateLimiter (below) in this process; a shared store for
// several instances. Both pass the same interface tests.
class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  virtual RateDecision Check(std::string_view key, size_t cls, int64_t now_ns) = 0;
  // New limits (a policy reload changed them): the state is kept — a key's theoretical arrival
  // time means the same under a new rate, and bans run their course. Thread-safe; a Check
  // running at the same moment may see some old and some new values, never a torn one.
  virtual void Reconfigure(const RateLimitConfig& config) = 0;
  virtual size_t keys() const = 0;  // what this process tracks
  virtual const RateLimiterCounts& counts() const = 0;
  virtual RateLimitConfig config() const = 0;
};

class RateLimiter final : public RateLimitStore {
 public:
  explicit RateLimiter(RateLimitConfig config);
  RateDecision Check(std::string_view key, size_t cls, int64_t now_ns) override;
  void Reconfigure(const RateLimitConfig& config) override;
  size_t keys() const override;
  const RateLimiterCounts& counts() const override { return counts_; }
  RateLimitConfig config() const override;
  // What a shared store learned of a key: its theoretical arrival time is `debt_ns` from now
  // (never moved back), and it is banned for `ban_left_ns` more (0: no ban learned).
  void Adopt(std::string_view key, size_t cls, int64_t now_ns, int64_t debt_ns, int64_t ban_left_ns);

 private:
  struct Entry {
    int64_t tat = 0;
    int64_t ban_until = 0;
    int64_t window_start = 0;
    uint32_t limited = 0;
  };
  // An open-addressing table (linear probing) of hashed keys: one cache line touched per
  // lookup in the common case, where std::unordered_map chased a bucket and then a node (a
  // check on a 100k-key table: 399 → 219 ns, bench/micro/security_bench.cc). Key 0
  // marks an empty slot (a hash of 0 is stored as 1). It grows by doubling at 70 % load;
  // removal happens only in bulk (Sweep), which rebuilds it.
  class KeyTable {
   public:
    Entry* Find(uint64_t key);
    Entry* Insert(uint64_t key, const Entry& e);  // key must be absent
    size_t size() const { return size_; }
    template <class Pred>
    size_t EraseIf(Pred pred);  // returns how many were removed

   private:
    struct Slot {
      uint64_t key = 0;
      Entry e;
    };
    void Grow();
    std::vector<Slot> slots_;
    size_t size_ = 0;
  };
  struct alignas(64) Shard {
    std::mutex mu;
    KeyTable map;                        // GUARDED_BY(mu)
    int64_t last_sweep = INT64_MIN / 2;  // GUARDED_BY(mu)
  };
  static constexpr size_t kShards = 64;

  uint64_t Hash(std::string_view key, size_t cls) const;
  bool Sweep(Shard& shard, int64_t now_ns);
  bool Idle(const Entry& e, int64_t now_ns) const;

  // What Check reads, one relaxed atomic each (plain loads on x86): Reconfigure can change
  // them while requests are being checked.
  struct ClassParams {
    std::atomic<int64_t> interval_ns{1};   // T
    std::atomic<int64_t> tolerance_ns{0};  // burst·T
    std::atomic<uint64_t> count{0};
    std::atomic<int64_t> period_ns{1};
  };
  std::array<ClassParams, kRateClasses> params_;
  std::atomic<uint32_t> ban_after_{0};
  std::atomic<int64_t> ban_ns_{0};
  std::atomic<size_t> shard_cap_{16};
  mutable std::mutex config_mu_;
  RateLimitConfig config_;  // GUARDED_BY(config_mu_): as given, for reports
  unsigned char hash_key_[16];
  std::unique_ptr<Shard[]> shards_;
  RateLimiterCounts counts_;
};

}  // namespace warden::security
