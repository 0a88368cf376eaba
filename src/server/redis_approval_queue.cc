#include "server/redis_approval_queue.h"

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <future>

#include "core/json_text.h"
#include "server/redact.h"
#include "server/request_summary.h"

namespace warden::server {

namespace json = boost::json;

namespace {

// Removes the approval (one answer wins), records its "remember", publishes the answer.
// KEYS: approvals, approval-keys. ARGV: id, allow (0/1), remember_s, reason, remembered prefix, channel.
constexpr const char* kAnswer = R"lua(
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
local rk = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local remember = tonumber(ARGV[3])
if ARGV[2] == '1' and remember > 0 and rk then
  redis.call('SET', ARGV[5] .. rk, '1', 'PX', string.format('%.0f', remember * 1000))
end
redis.call('PUBLISH', ARGV[6], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4])
return 1
)lua";

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string HashOfKey(const std::string& key) {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace

RedisApprovalQueue::RedisApprovalQueue(boost::asio::io_context& io, redis::Hub& hub) : io_(io), hub_(hub), answer_(kAnswer) {
  hub_.OnMessage("approvals", alive_.Guard([this](const std::string& m) { Received(m); }));
}

RedisApprovalQueue::~RedisApprovalQueue() {
  alive_.End();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, w] : waiting_) w->timer->cancel();
}

std::string RedisApprovalQueue::Open(ApprovalAsk ask) {
  auto w = std::make_shared<Waiting>();
  int64_t wait_ms = ask.wait_ms;
  int64_t now = UnixMs();
  w->remember_hash = HashOfKey(RememberKey(ask.req));
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = hub_.instance_id() + "-a" + std::to_string(next_++);
  }
  w->listing = json::object{{"approval_id", id},
                            {"request", RequestSummary(ask.req)},
                            {"reason", RedactSecrets(std::string_view(ask.outcome.at("reason").as_string()))},
                            {"rule", ask.outcome.at("rule")},
                            {"pid", ask.pid},
                            {"created", now / 1000},
                            {"deadline_ms", now + wait_ms},
                            {"instance", hub_.instance_id()}};
  w->ask = std::move(ask);
  w->timer = std::make_unique<boost::asio::steady_timer>(io_, std::chrono::milliseconds(wait_ms));
  w->shared = hub_.commands().connected();
  if (!w->shared) counts_.opened_locally_only++;
  {
    std::lock_guard<std::mutex> lock(mu_);
    waiting_[id] = w;
  }
  if (w->shared) {
    hub_.commands().Pipeline({{"HSET", hub_.Key("approvals"), id, JsonText(w->listing)},
                              {"HSET", hub_.Key("approval-keys"), id, w->remember_hash}},
                             alive_.Guard([this](std::vector<Result<redis::Reply>> r) {
                               for (const auto& x : r) counts_.failed += !x.ok();
                             }));
  }
  w->timer->async_wait(alive_.Guard([this, id, wait_ms](const boost::system::error_code& ec) {
    if (!ec) Expire(id, wait_ms);
  }));
  return id;
}

// The wait is over: a deny — through Redis (so no other instance can still answer it), or
// here when Redis is away.
void RedisApprovalQueue::Expire(const std::string& id, int64_t wait_ms) {
  ApprovalAnswer deny{false, "nobody approved it within " + std::to_string(wait_ms / 1000) + " s"};
  bool shared = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    shared = it->second->shared;
  }
  if (!shared || !hub_.commands().connected()) {
    Deliver(id, deny, 0);
    return;
  }
  answer_.Run(hub_.commands(), {hub_.Key("approvals"), hub_.Key("approval-keys")},
              {id, "0", "0", deny.reason, hub_.Key("remembered:"), hub_.Key("approvals")},
              alive_.Guard([this, id, deny](Result<redis::Reply> r) {
                // 1: the published deny comes back to Received. 0: an answer won the race and is
                // on its way. An error: Redis went away meanwhile: deny here.
                if (!r.ok()) {
                  counts_.failed++;
                  boost::asio::post(io_, alive_.Guard([this, id, deny] { Deliver(id, deny, 0); }));
                }
              }));
}

void RedisApprovalQueue::Deliver(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) {
  std::shared_ptr<Waiting> w;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;  // delivered already, or not this instance's client
    w = std::move(it->second);
    waiting_.erase(it);
    if (answer.allow && remember_s > 0) remembered_[w->remember_hash] = UnixMs() + remember_s * 1000;
  }
  w->timer->cancel();
  if (w->ask.deliver) w->ask.deliver(id, answer);
}

// "<id> <allow 0|1> <remember_s> <reason>": an answer given on some instance.
void RedisApprovalQueue::Received(const std::string& message) {
  size_t a = message.find(' ');
  size_t b = a == std::string::npos ? a : message.find(' ', a + 1);
  size_t c = b == std::string::npos ? b : message.find(' ', b + 1);
  if (c == std::string::npos) return;
  std::string id = message.substr(0, a);
  ApprovalAnswer answer{message.substr(a + 1, b - a - 1) == "1", message.substr(c + 1)};
  int64_t remember_s = 0;
  try {
    remember_s = std::stoll(message.substr(b + 1, c - b - 1));
  } catch (...) {
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!waiting_.count(id)) return;
  }
  counts_.answers_received++;
  boost::asio::post(io_, alive_.Guard([this, id, answer, remember_s] { Deliver(id, answer, remember_s); }));
}

Status RedisApprovalQueue::Answer(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) {
  bool local_only = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = waiting_.find(id);
    local_only = it != waiting_.end() && !it->second->shared;
  }
  if (local_only || !hub_.commands().connected()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!waiting_.count(id)) {
      return Status::NotFound("no pending approval " + id.substr(0, 64) + " on this instance (answered, expired, or never asked; the shared store is unavailable)");
    }
  }
  if (local_only || !hub_.commands().connected()) {
    Deliver(id, answer, remember_s);
    return Status::Ok();
  }
  auto promise = std::make_shared<std::promise<Result<redis::Reply>>>();
  auto future = promise->get_future();
  answer_.Run(hub_.commands(), {hub_.Key("approvals"), hub_.Key("approval-keys")},
              {id, answer.allow ? "1" : "0", std::to_string(remember_s), answer.reason, hub_.Key("remembered:"), hub_.Key("approvals")},
              [promise](Result<redis::Reply> r) { promise->set_value(std::move(r)); });
  Result<redis::Reply> r = future.get();
  if (!r.ok()) {
    counts_.failed++;
    return Status::IoError("approvals: " + r.status().message());
  }
  if (r->integer == 0) return Status::NotFound("no pending approval " + id.substr(0, 64) + " (answered, expired, or never asked)");
  return Status::Ok();
}

json::array RedisApprovalQueue::List() {
  json::array out;
  int64_t now = UnixMs();
  auto add = [&](json::object o) {
    int64_t deadline = o.contains("deadline_ms") && o["deadline_ms"].is_int64() ? o["deadline_ms"].as_int64() : now;
    if (deadline <= now) return false;
    o["expires_in_s"] = static_cast<double>(deadline - now) / 1000.0;
    o.erase("deadline_ms");
    out.push_back(std::move(o));
    return true;
  };
  std::vector<std::string> expired;
  bool from_redis = false;
  if (hub_.commands().connected()) {
    auto r = hub_.commands().CommandSync({"HGETALL", hub_.Key("approvals")});
    if (r.ok() && r->type == redis::Reply::Type::kArray) {
      from_redis = true;
      for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
        boost::system::error_code ec;
        json::value v = json::parse(r->elements[i + 1].str, ec);
        if (ec || !v.is_object() || !add(v.as_object())) expired.push_back(r->elements[i].str);
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, w] : waiting_) {
      if (!from_redis || !w->shared) add(w->listing);
    }
  }
  for (const auto& id : expired) {  // orphans past their deadline (their instance died)
    hub_.commands().Pipeline({{"HDEL", hub_.Key("approvals"), id}, {"HDEL", hub_.Key("approval-keys"), id}},
                             [](std::vector<Result<redis::Reply>>) {});
  }
  return out;
}

bool RedisApprovalQueue::Remembered(const policy::Request& req) {
  std::string hash = HashOfKey(RememberKey(req));
  int64_t now = UnixMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = remembered_.find(hash);
    if (it != remembered_.end()) {
      if (it->second > now) return true;
      remembered_.erase(it);
    }
  }
  if (!hub_.commands().connected()) return false;
  auto r = hub_.commands().CommandSync({"PTTL", hub_.Key("remembered:" + hash)});
  if (!r.ok() || r->integer <= 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  remembered_[hash] = now + r->integer;
  return true;
}

size_t RedisApprovalQueue::pending() {
  if (hub_.commands().connected()) {
    auto r = hub_.commands().CommandSync({"HLEN", hub_.Key("approvals")});
    if (r.ok()) return static_cast<size_t>(r->integer);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

size_t RedisApprovalQueue::remembered() {
  std::lock_guard<std::mutex> lock(mu_);
  return remembered_.size();
}

}  // namespace warden::server
