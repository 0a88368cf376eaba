// Rate limits and bans held across instances, in Redis: GCRA evaluated atomically by a script
// (one hash per key × class: theoretical arrival time, ban, limited count in the window), so a
// limit of N per period holds for the sum of the instances' traffic.
//
// Every check is answered at once from a local RateLimiter (the local pre-check), which is kept
// in step with Redis: what each instance admitted and refused is sent every 5 ms in one
// pipeline (one EVALSHA per key touched: one round trip for all of them), and each reply puts
// the key's global arrival time and ban into the local limiter. A ban — made by the global count
// or by one instance's own — is published on `<prefix>bans` and applies on every instance at
// once. So a request costs no Redis round trip of its own (on average far below one), and the
// slack is bounded: an instance knows a key's global state as of its own last request for that
// key (plus one sync), so beyond N per period each *other* instance may admit one request more,
// plus what reaches it within one 5 ms sync interval — (instances − 1) × (1 + that key's
// requests per instance per 5 ms), never more than (instances − 1) × burst. docs/SECURITY.md.
//
// When Redis is away (`mode`): `local` (the default) limits with the local limiter alone (each
// instance its own N: up to instances × N in all), `closed` refuses every rate-limited request
// (503) until Redis is back.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "redis/client.h"
#include "redis/hub.h"
#include "security/ratelimit/rate_limiter.h"

namespace warden::security {

enum class RateFailureMode { kLocal, kClosed };

struct RedisRateCounts {
  std::atomic<uint64_t> round_trips{0};  // pipelines sent (one per flush with anything to send)
  std::atomic<uint64_t> scripts{0};      // EVALSHAs in them
  std::atomic<uint64_t> failed{0};       // replies that were errors
  std::atomic<uint64_t> checks_while_away{0};
  std::atomic<uint64_t> refused_while_away{0};
  std::atomic<uint64_t> bans_received{0};
};

class RedisRateLimitStore final : public RateLimitStore {
 public:
  // Registers with the hub (before hub.Start()).
  RedisRateLimitStore(redis::Hub& hub, RateLimitConfig config, RateFailureMode mode);
  ~RedisRateLimitStore() override { alive_.End(); }

  RateDecision Check(std::string_view key, size_t cls, int64_t now_ns) override;
  void Reconfigure(const RateLimitConfig& config) override;
  size_t keys() const override { return local_.keys(); }
  const RateLimiterCounts& counts() const override { return local_.counts(); }
  RateLimitConfig config() const override { return local_.config(); }
  const RedisRateCounts& redis_counts() const { return counts_; }
  RateFailureMode mode() const { return mode_; }

 private:
  struct Pending {
    uint64_t allowed = 0, limited = 0;
    bool new_ban = false;
  };
  void Flush();
  void Banned(const std::string& message);
  std::string RedisKey(size_t cls, const std::string& key) const;

  redis::Hub& hub_;
  RateLimiter local_;
  RateFailureMode mode_;
  redis::Script script_;
  std::mutex mu_;
  std::map<std::pair<size_t, std::string>, Pending> pending_;  // GUARDED_BY(mu_)
  RedisRateCounts counts_;
  redis::Alive alive_;
};

}  // namespace warden::security
