#include "security/ratelimit/rate_limiter.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "core/rate_spec.h"

namespace warden::security {

namespace {

constexpr std::string_view kClassNames[kRateClasses] = {"default", "expensive", "auth-failure"};
constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kSweepEveryNs = 100'000'000;

}  // namespace

std::string_view RateClassName(size_t cls) { return cls < kRateClasses ? kClassNames[cls] : "none"; }

Status ApplyRateLimitSpec(std::string_view text, RateLimitConfig* config) {
  auto spec = ParseRateSpec(text);
  if (!spec.ok()) return spec.status();
  switch (spec->kind) {
    case RateSpec::Kind::kMaxKeys: config->max_keys = spec->count; break;
    case RateSpec::Kind::kBanOff: config->ban_after = 0; break;
    case RateSpec::Kind::kBan:
      config->ban_after = static_cast<uint32_t>(spec->count);
      config->ban_ns = spec->period_ns;
      break;
    case RateSpec::Kind::kClass:
      for (size_t i = 0; i < kRateClasses; ++i) {
        if (spec->name == kClassNames[i]) config->classes[i] = RateClassLimit{spec->count, spec->period_ns, spec->burst};
      }
      break;
  }
  return Status::Ok();
}

bool operator==(const RateClassLimit& a, const RateClassLimit& b) {
  return a.count == b.count && a.period_ns == b.period_ns && a.burst == b.burst;
}
bool operator==(const RateLimitConfig& a, const RateLimitConfig& b) {
  return a.classes == b.classes && a.ban_after == b.ban_after && a.ban_ns == b.ban_ns && a.max_keys == b.max_keys;
}

std::string DescribeRateLimits(const RateLimitConfig& c) {
  std::string out;
  for (size_t i = 0; i < kRateClasses; ++i) {
    const auto& l = c.classes[i];
    int64_t p = l.period_ns;  // specs only give s, min or h
    std::string unit = p == 3600 * kSecond ? "h" : p == 60 * kSecond ? "min" : p == kSecond ? "s" : std::to_string(p) + "ns";
    out += std::string(kClassNames[i]) + "=" + std::to_string(l.count) + "/" + unit;
    if (l.burst) out += ",burst=" + std::to_string(l.burst);
    out += " ";
  }
  out += c.ban_after ? "ban=" + std::to_string(c.ban_after) + "/" + std::to_string(c.ban_ns / kSecond) + "s" : "ban=off";
  out += " max-keys=" + std::to_string(c.max_keys);
  return out;
}

// ---- KeyTable -------------------------------------------------------------------------------

RateLimiter::Entry* RateLimiter::KeyTable::Find(uint64_t key) {
  if (slots_.empty()) return nullptr;
  if (key == 0) key = 1;
  size_t mask = slots_.size() - 1;
  for (size_t i = (key >> 6) & mask;; i = (i + 1) & mask) {  // the low 6 bits chose the shard
    if (slots_[i].key == key) return &slots_[i].e;
    if (slots_[i].key == 0) return nullptr;
  }
}

RateLimiter::Entry* RateLimiter::KeyTable::Insert(uint64_t key, const Entry& e) {
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
  if (key == 0) key = 1;
  size_t mask = slots_.size() - 1;
  size_t i = (key >> 6) & mask;
  while (slots_[i].key != 0) i = (i + 1) & mask;
  slots_[i] = Slot{key, e};
  ++size_;
  return &slots_[i].e;
}

void RateLimiter::KeyTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
  size_ = 0;
  for (const Slot& s : old) {
    if (s.key != 0) Insert(s.key, s.e);
  }
}

template <class Pred>
size_t RateLimiter::KeyTable::EraseIf(Pred pred) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size(), Slot{});
  size_t before = size_;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.key != 0 && !pred(s.e)) Insert(s.key, s.e);
  }
  return before - size_;
}

// ---- RateLimiter ----------------------------------------------------------------------------

RateLimiter::RateLimiter(RateLimitConfig config) : shards_(new Shard[kShards]) {
  Reconfigure(config);
  if (sodium_init() < 0) std::memset(hash_key_, 0x5a, sizeof hash_key_);
  randombytes_buf(hash_key_, sizeof hash_key_);
}

void RateLimiter::Reconfigure(const RateLimitConfig& config) {
  {
    std::lock_guard<std::mutex> lock(config_mu_);
    config_ = config;
  }
  for (size_t i = 0; i < kRateClasses; ++i) {
    const auto& c = config.classes[i];
    int64_t t = std::max<int64_t>(1, c.period_ns / static_cast<int64_t>(std::max<uint64_t>(1, c.count)));
    uint64_t burst = c.burst ? c.burst : c.count;
    params_[i].interval_ns.store(t, std::memory_order_relaxed);
    params_[i].tolerance_ns.store(t * static_cast<int64_t>(std::min<uint64_t>(burst, INT64_MAX / t)), std::memory_order_relaxed);
    params_[i].count.store(c.count, std::memory_order_relaxed);
    params_[i].period_ns.store(c.period_ns, std::memory_order_relaxed);
  }
  ban_after_.store(config.ban_after, std::memory_order_relaxed);
  ban_ns_.store(config.ban_ns, std::memory_order_relaxed);
  shard_cap_.store(std::max<size_t>(16, config.max_keys / kShards), std::memory_order_relaxed);
}

RateLimitConfig RateLimiter::config() const {
  std::lock_guard<std::mutex> lock(config_mu_);
  return config_;
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
  return e.tat <= now_ns && e.ban_until <= now_ns &&
         (e.limited == 0 || now_ns - e.window_start > ban_ns_.load(std::memory_order_relaxed));
}

bool RateLimiter::Sweep(Shard& shard, int64_t now_ns) {
  if (now_ns - shard.last_sweep < kSweepEveryNs) return false;
  shard.last_sweep = now_ns;
  size_t removed = shard.map.EraseIf([&](const Entry& e) { return Idle(e, now_ns); });
  counts_.evicted.fetch_add(removed, std::memory_order_relaxed);
  return shard.map.size() < shard_cap_.load(std::memory_order_relaxed);
}

RateDecision RateLimiter::Check(std::string_view key, size_t cls, int64_t now_ns) {
  RateDecision d;
  if (cls >= kRateClasses) return d;  // a class without limits
  const ClassParams& p = params_[cls];
  const int64_t t = p.interval_ns.load(std::memory_order_relaxed), tau = p.tolerance_ns.load(std::memory_order_relaxed);
  d.limit = p.count.load(std::memory_order_relaxed);
  uint64_t h = Hash(key, cls);
  Shard& shard = shards_[h % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  Entry* found = shard.map.Find(h);
  if (found == nullptr) {
    if (shard.map.size() >= shard_cap_.load(std::memory_order_relaxed) && !Sweep(shard, now_ns)) {
      counts_.refused_full.fetch_add(1, std::memory_order_relaxed);
      d.allowed = false;
      d.table_full = true;
      d.retry_after_ns = kSecond;
      return d;
    }
    found = shard.map.Insert(h, Entry{now_ns, 0, now_ns, 0});
  }
  Entry& e = *found;
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
  uint32_t ban_after = ban_after_.load(std::memory_order_relaxed);
  if (ban_after > 0) {
    if (now_ns - e.window_start > p.period_ns.load(std::memory_order_relaxed)) {
      e.window_start = now_ns;
      e.limited = 0;
    }
    if (++e.limited >= ban_after) {
      int64_t ban_ns = ban_ns_.load(std::memory_order_relaxed);
      e.ban_until = now_ns + ban_ns;
      e.limited = 0;
      counts_.bans.fetch_add(1, std::memory_order_relaxed);
      d.banned = true;
      d.new_ban = true;
      d.retry_after_ns = ban_ns;
      d.reset_ns = ban_ns;
    }
  }
  return d;
}

void RateLimiter::Adopt(std::string_view key, size_t cls, int64_t now_ns, int64_t debt_ns, int64_t ban_left_ns) {
  if (cls >= kRateClasses) return;
  uint64_t h = Hash(key, cls);
  Shard& shard = shards_[h % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  Entry* e = shard.map.Find(h);
  if (e == nullptr) {
    if (shard.map.size() >= shard_cap_.load(std::memory_order_relaxed) && !Sweep(shard, now_ns)) return;
    e = shard.map.Insert(h, Entry{now_ns, 0, now_ns, 0});
  }
  e->tat = std::max(e->tat, now_ns + std::max<int64_t>(debt_ns, 0));
  if (ban_left_ns > 0) e->ban_until = std::max(e->ban_until, now_ns + ban_left_ns);
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
