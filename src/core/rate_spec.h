// The rate-limit settings of the HTTP API, as written by people — `--rate-limit NAME=VALUE`
// flags and the `rate_limits:` section of a policy file — parsed into values. Only the grammar
// lives here (core depends on nothing), so that the policy reader can point at a bad value
// with its line and column and the rate limiter (security/ratelimit) can apply it.
//
//   default=COUNT/UNIT[,burst=B]        the endpoint classes: default, expensive, auth-failure
//   expensive=…  auth-failure=…         UNIT: s|sec|second, m|min|minute, h|hour
//   ban=TIMES/DURATION | ban=off        banned for DURATION (90s, 30m, 1h, 2d) after TIMES limits
//                                       within one period of the class
//   max-keys=N                          keys tracked at most (N ≥ 1024)
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace warden {

struct RateSpec {
  enum class Kind { kClass, kBan, kBanOff, kMaxKeys };
  Kind kind = Kind::kClass;
  std::string name;        // "default", "expensive", "auth-failure", "ban", "max-keys"
  uint64_t count = 0;      // kClass: requests per period; kBan: times; kMaxKeys: keys
  int64_t period_ns = 0;   // kClass: the period; kBan: how long a ban lasts
  uint64_t burst = 0;      // kClass: 0 = count
};

// "NAME=VALUE" → the setting. Errors quote the spec and say what is accepted.
Result<RateSpec> ParseRateSpec(std::string_view spec);

// The names a spec may have, for messages and "did you mean" hints.
inline constexpr std::string_view kRateSpecNames[] = {"default", "expensive", "auth-failure", "ban", "max-keys"};

}  // namespace warden
