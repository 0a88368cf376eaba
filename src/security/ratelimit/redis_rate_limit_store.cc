#include "security/ratelimit/redis_rate_limit_store.h"

#include <sodium.h>

#include <chrono>
#include <vector>

namespace warden::security {

namespace {

// One key × class: apply what an instance admitted (moves the arrival time, also past the
// tolerance: over-admitted cells are paid back by waiting) and refused (counts toward a ban),
// ban when the window's refusals reach ban_after or the instance banned it itself, and return
// {arrival time − now, ban left} in microseconds. Numbers are written with %.0f: Lua's default
// conversion would round microsecond timestamps.
constexpr const char* kGcra = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local allowed = tonumber(ARGV[3])
local limited = tonumber(ARGV[4])
local ban_after = tonumber(ARGV[5])
local ban_us = tonumber(ARGV[6])
local period = tonumber(ARGV[7])
local force = tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 'tat', 'ban', 'win', 'lim')
local tat = tonumber(s[1]) or now
local ban = tonumber(s[2]) or 0
local win = tonumber(s[3]) or now
local lim = tonumber(s[4]) or 0
if tat < now then tat = now end
tat = tat + allowed * interval
if now - win > period then
  win = now
  lim = 0
end
lim = lim + limited
local banned_now = false
if ban <= now and ((ban_after > 0 and lim >= ban_after) or force == 1) then
  ban = now + ban_us
  lim = 0
  banned_now = true
end
local f = function(x) return string.format('%.0f', x) end
redis.call('HSET', KEYS[1], 'tat', f(tat), 'ban', f(ban), 'win', f(win), 'lim', f(lim))
local keep = math.max(tat - now, ban - now, period)
redis.call('PEXPIRE', KEYS[1], f(math.floor(keep / 1000) + 1000))
local ban_left = 0
if ban > now then ban_left = ban - now end
if banned_now then
  redis.call('PUBLISH', ARGV[9], ARGV[10] .. ' ' .. f(ban_left) .. ' ' .. ARGV[11])
end
return {f(tat - now), f(ban_left)}
)lua";

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t ToInt(const redis::Reply& r) {
  if (r.type == redis::Reply::Type::kInteger) return r.integer;
  try {
    return std::stoll(r.str);
  } catch (...) {
    return 0;
  }
}

}  // namespace

RedisRateLimitStore::RedisRateLimitStore(redis::Hub& hub, RateLimitConfig config, RateFailureMode mode)
    : hub_(hub), local_(config), mode_(mode), script_(kGcra) {
  hub_.OnMessage("bans", alive_.Guard([this](const std::string& m) { Banned(m); }));
  hub_.OnConnect(alive_.Guard([this] { hub_.commands().Command({"SCRIPT", "LOAD", script_.source()}, [](Result<redis::Reply>) {}); }));
  hub_.commands().Every(std::chrono::milliseconds(5), alive_.Guard([this] { Flush(); }));
}

void RedisRateLimitStore::Reconfigure(const RateLimitConfig& config) { local_.Reconfigure(config); }

std::string RedisRateLimitStore::RedisKey(size_t cls, const std::string& key) const {
  std::string k = key;
  if (k.size() > 200) {  // long keys by their hash (still the same on every instance)
    unsigned char h[16];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    k = std::string("#") + hex;
  }
  return hub_.Key("rl:" + std::string(RateClassName(cls)) + ":" + k);
}

RateDecision RedisRateLimitStore::Check(std::string_view key, size_t cls, int64_t now_ns) {
  if (!hub_.commands().connected()) {
    counts_.checks_while_away++;
    if (mode_ == RateFailureMode::kClosed && cls < kRateClasses) {
      counts_.refused_while_away++;
      RateDecision d;
      d.allowed = false;
      d.unavailable = true;
      d.retry_after_ns = 1'000'000'000;
      return d;
    }
    return local_.Check(key, cls, now_ns);
  }
  RateDecision d = local_.Check(key, cls, now_ns);
  if (cls >= kRateClasses || (d.banned && !d.new_ban)) return d;  // a known ban: nothing new to tell
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = pending_[{cls, std::string(key)}];
  (d.allowed ? p.allowed : p.limited)++;
  p.new_ban = p.new_ban || d.new_ban;
  return d;
}

// Runs on the Redis client's thread every 5 ms: one pipeline for every key touched since.
void RedisRateLimitStore::Flush() {
  std::map<std::pair<size_t, std::string>, Pending> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.empty()) return;
    batch.swap(pending_);
  }
  if (!hub_.commands().connected()) return;  // the local limiter holds what was counted
  RateLimitConfig cfg = local_.config();
  std::vector<std::vector<std::string>> cmds;
  std::vector<std::pair<size_t, std::string>> order;
  cmds.reserve(batch.size());
  for (const auto& [k, p] : batch) {
    const RateClassLimit& c = cfg.classes[k.first];
    int64_t interval_us = std::max<int64_t>(1, c.period_ns / static_cast<int64_t>(std::max<uint64_t>(1, c.count)) / 1000);
    int64_t tolerance_us = interval_us * static_cast<int64_t>(c.burst ? c.burst : c.count);
    cmds.push_back(script_.EvalSha({RedisKey(k.first, k.second)},
                                   {std::to_string(interval_us), std::to_string(tolerance_us), std::to_string(p.allowed),
                                    std::to_string(p.limited), std::to_string(cfg.ban_after), std::to_string(cfg.ban_ns / 1000),
                                    std::to_string(c.period_ns / 1000), p.new_ban ? "1" : "0", hub_.Key("bans"),
                                    std::to_string(k.first), k.second}));
    order.push_back(k);
  }
  counts_.round_trips++;
  counts_.scripts += cmds.size();
  hub_.commands().Pipeline(std::move(cmds), alive_.Guard([this, order = std::move(order), batch = std::move(batch)](std::vector<Result<redis::Reply>> replies) mutable {
    bool reload = false;
    int64_t now = SteadyNs();
    RateLimitConfig cfg = local_.config();
    for (size_t i = 0; i < replies.size() && i < order.size(); ++i) {
      const auto& r = replies[i];
      if (!r.ok() || r->type != redis::Reply::Type::kArray || r->elements.size() != 2) {
        counts_.failed++;
        if (redis::Script::IsNoScript(r)) {  // Redis restarted or flushed: load it, count again
          reload = true;
          std::lock_guard<std::mutex> lock(mu_);
          Pending& p = pending_[order[i]];
          p.allowed += batch[order[i]].allowed;
          p.limited += batch[order[i]].limited;
          p.new_ban = p.new_ban || batch[order[i]].new_ban;
        }
        continue;
      }
      int64_t debt_ns = ToInt(r->elements[0]) * 1000;
      int64_t ban_ns = ToInt(r->elements[1]) * 1000;
      // What this instance admitted since the batch left is not in Redis's answer yet.
      const RateClassLimit& c = cfg.classes[order[i].first];
      int64_t interval_ns = c.period_ns / static_cast<int64_t>(std::max<uint64_t>(1, c.count));
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_.find(order[i]);
        if (it != pending_.end()) debt_ns += static_cast<int64_t>(it->second.allowed) * interval_ns;
      }
      local_.Adopt(order[i].second, order[i].first, now, debt_ns, ban_ns);
    }
    if (reload) hub_.commands().Command({"SCRIPT", "LOAD", script_.source()}, [](Result<redis::Reply>) {});
  }));
}

// "<class> <ban left µs> <key>": a ban made on some instance.
void RedisRateLimitStore::Banned(const std::string& message) {
  size_t a = message.find(' ');
  size_t b = a == std::string::npos ? a : message.find(' ', a + 1);
  if (b == std::string::npos) return;
  try {
    size_t cls = std::stoul(message.substr(0, a));
    int64_t left_us = std::stoll(message.substr(a + 1, b - a - 1));
    counts_.bans_received++;
    local_.Adopt(message.substr(b + 1), cls, SteadyNs(), 0, left_us * 1000);
  } catch (...) {
  }
}

}  // namespace warden::security
