#include "security/ratelimit/rate_limiter.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace warden::security {

namespace {

constexpr std::string_view kClassNames[kRateClasses] = {"default", "expensive", "auth-failure"};
constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kSweepEveryNs = 100'000'000;

std::string Quote(std::string_view s) { return "\"" + std::string(s.substr(0, 80)) + "\""; }

bool ParseCount(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 12) return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = n;
  return true;
}

bool ParseUnit(std::string_view u, int64_t* ns) {
  if (u == "s" || u == "sec" || u == "second") *ns = kSecond;
  else if (u == "m" || u == "min" || u == "minute") *ns = 60 * kSecond;
  else if (u == "h" || u == "hour") *ns = 3600 * kSecond;
  else return false;
  return true;
}

// "30m", "1h", "2d", "90s"
bool ParseDuration(std::string_view s, int64_t* ns) {
  if (s.size() < 2) return false;
  uint64_t n;
  if (!ParseCount(s.substr(0, s.size() - 1), &n) || n == 0 || n > 1'000'000) return false;
  int64_t unit;
  switch (s.back()) {
    case 's': unit = kSecond; break;
    case 'm': unit = 60 * kSecond; break;
    case 'h': unit = 3600 * kSecond; break;
    case 'd': unit = 86400 * kSecond; break;
    default: return false;
  }
  *ns = static_cast<int64_t>(n) * unit;
  return true;
}

}  // namespace

std::string_view RateClassName(size_t cls) { return cls < kRateClasses ? kClassNames[cls] : "none"; }

Status ApplyRateLimitSpec(std::string_view spec, RateLimitConfig* config) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument("rate limit " + Quote(spec) + ": " + why); };
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos) return bad("expected NAME=VALUE, e.g. default=100/min");
  std::string_view name = spec.substr(0, eq), value = spec.substr(eq + 1);
  if (name == "max-keys") {
    uint64_t n;
    if (!ParseCount(value, &n) || n < 1024) return bad("max-keys must be a number ≥ 1024");
    config->max_keys = n;
    return Status::Ok();
  }
  if (name == "ban") {
    if (value == "off") {
      config->ban_after = 0;
      return Status::Ok();
    }
    size_t slash = value.find('/');
    uint64_t n;
    int64_t ns;
    if (slash == std::string_view::npos || !ParseCount(value.substr(0, slash), &n) || n == 0 || n > 1000000) {
      return bad("ban needs TIMES/DURATION (e.g. 5/1h) or off");
    }
    if (!ParseDuration(value.substr(slash + 1), &ns)) return bad("unknown duration " + Quote(value.substr(slash + 1)) + " (use 90s, 30m, 1h or 2d)");
    config->ban_after = static_cast<uint32_t>(n);
    config->ban_ns = ns;
    return Status::Ok();
  }
  size_t cls = kRateClasses;
  for (size_t i = 0; i < kRateClasses; ++i) {
    if (name == kClassNames[i]) cls = i;
  }
  if (cls == kRateClasses) return bad("unknown class " + Quote(name) + " (default, expensive, auth-failure, ban, max-keys)");
  std::string_view burst_part;
  if (size_t comma = value.find(','); comma != std::string_view::npos) {
    burst_part = value.substr(comma + 1);
    value = value.substr(0, comma);
  }
  size_t slash = value.find('/');
  if (slash == std::string_view::npos) return bad("expected COUNT/UNIT, e.g. 100/min");
  RateClassLimit limit;
  if (!ParseCount(value.substr(0, slash), &limit.count) || limit.count == 0) return bad("the count must be a whole number > 0");
  if (!ParseUnit(value.substr(slash + 1), &limit.period_ns)) {
    return bad("unknown unit " + Quote(value.substr(slash + 1)) + " (use s, min or h)");
  }
  if (limit.count > static_cast<uint64_t>(limit.period_ns)) return bad("more than one request per nanosecond");
  if (!burst_part.empty()) {
    if (burst_part.substr(0, 6) != "burst=" || !ParseCount(burst_part.substr(6), &limit.burst) || limit.burst == 0) {
      return bad("expected burst=N (N > 0) after the comma");
    }
  }
  config->classes[cls] = limit;
  return Status::Ok();
}

RateLimiter::RateLimiter(RateLimitConfig config) : config_(config), shards_(new Shard[kShards]) {
  for (size_t i = 0; i < kRateClasses; ++i) {
    const auto& c = config_.classes[i];
    interval_ns_[i] = std::max<int64_t>(1, c.period_ns / static_cast<int64_t>(c.count));
    uint64_t burst = c.burst ? c.burst : c.count;
    tolerance_ns_[i] = interval_ns_[i] * static_cast<int64_t>(std::min<uint64_t>(burst, INT64_MAX / interval_ns_[i]));
  }
  shard_cap_ = std::max<size_t>(16, config_.max_keys / kShards);
  if (sodium_init() < 0) std::memset(hash_key_, 0x5a, sizeof hash_key_);
  randombytes_buf(hash_key_, sizeof hash_key_);
  for (size_t i = 0; i < kShards; ++i) shards_[i].map.reserve(std::min<size_t>(shard_cap_, 1024));
}

uint64_t RateLimiter::Hash(std::string_view key, size_t cls) const {
  // The class goes into the hash: one key has an independent budget per class.
  unsigned char buf[256];
  size_t n = std::min(key.size(), sizeof buf - 1);
  std::memcpy(buf, key.data(), n);
  buf[n] = static_cast<unsigned char>(cls);
  uint64_t h;
  if (key.size() < sizeof buf) {
    crypto_shorthash(reinterpret_cast<unsigned char*>(&h), buf, n + 1, hash_key_);
  } else {
    std::string long_key(key);
    long_key.push_back(static_cast<char>(cls));
    crypto_shorthash(reinterpret_cast<unsigned char*>(&h), reinterpret_cast<const unsigned char*>(long_key.data()),
                     long_key.size(), hash_key_);
  }
  return h;
}

bool RateLimiter::Idle(const Entry& e, int64_t now_ns) const {
  return e.tat <= now_ns && e.ban_until <= now_ns && (e.limited == 0 || now_ns - e.window_start > config_.ban_ns);
}

bool RateLimiter::Sweep(Shard& shard, int64_t now_ns) {
  if (now_ns - shard.last_sweep < kSweepEveryNs) return false;
  shard.last_sweep = now_ns;
  size_t before = shard.map.size();
  std::erase_if(shard.map, [&](const auto& kv) { return Idle(kv.second, now_ns); });
  counts_.evicted.fetch_add(before - shard.map.size(), std::memory_order_relaxed);
  return shard.map.size() < shard_cap_;
}

RateDecision RateLimiter::Check(std::string_view key, size_t cls, int64_t now_ns) {
  RateDecision d;
  if (cls >= kRateClasses) return d;  // a class without limits
  const RateClassLimit& limit = config_.classes[cls];
  const int64_t t = interval_ns_[cls], tau = tolerance_ns_[cls];
  d.limit = limit.count;
  uint64_t h = Hash(key, cls);
  Shard& shard = shards_[h % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.map.find(h);
  if (it == shard.map.end()) {
    if (shard.map.size() >= shard_cap_ && !Sweep(shard, now_ns)) {
      counts_.refused_full.fetch_add(1, std::memory_order_relaxed);
      d.allowed = false;
      d.table_full = true;
      d.retry_after_ns = kSecond;
      return d;
    }
    it = shard.map.emplace(h, Entry{now_ns, 0, now_ns, 0}).first;
  }
  Entry& e = it->second;
  if (e.ban_until > now_ns) {
    counts_.banned.fetch_add(1, std::memory_order_relaxed);
    d.allowed = false;
    d.banned = true;
    d.retry_after_ns = e.ban_until - now_ns;
    d.reset_ns = d.retry_after_ns;
    return d;
  }
  int64_t tat = std::max(e.tat, now_ns);
  int64_t next = tat + t;
  if (next - now_ns <= tau) {
    e.tat = next;
    counts_.allowed.fetch_add(1, std::memory_order_relaxed);
    d.remaining = static_cast<uint64_t>((tau - (next - now_ns)) / t);
    d.reset_ns = next - now_ns;
    return d;
  }
  counts_.limited.fetch_add(1, std::memory_order_relaxed);
  d.allowed = false;
  d.retry_after_ns = next - now_ns - tau;
  d.reset_ns = tat - now_ns;
  if (config_.ban_after > 0) {
    if (now_ns - e.window_start > limit.period_ns) {
      e.window_start = now_ns;
      e.limited = 0;
    }
    if (++e.limited >= config_.ban_after) {
      e.ban_until = now_ns + config_.ban_ns;
      e.limited = 0;
      counts_.bans.fetch_add(1, std::memory_order_relaxed);
      d.banned = true;
      d.retry_after_ns = config_.ban_ns;
      d.reset_ns = config_.ban_ns;
    }
  }
  return d;
}

size_t RateLimiter::keys() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].map.size();
  }
  return n;
}

}  // namespace warden::security
