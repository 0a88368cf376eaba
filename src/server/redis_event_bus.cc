#include "server/redis_event_bus.h"

#include <chrono>

#include "core/json_text.h"

namespace warden::server {

namespace {
constexpr size_t kMaxQueued = 10000;
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

RedisEventBus::RedisEventBus(redis::Hub& hub) : hub_(hub) {
  hub_.OnMessage("events", alive_.Guard([this](const std::string& m) { Received(m); }));
  hub_.commands().Every(std::chrono::milliseconds(2), alive_.Guard([this] { Flush(); }));
  hub_.commands().Every(std::chrono::milliseconds(1000), alive_.Guard([this] { Announce(); }));
  hub_.commands().Every(std::chrono::milliseconds(250), alive_.Guard([this] { Poll(); }));
}

uint64_t RedisEventBus::Subscribe(Via via, Sink sink) {
  uint64_t id = local_.Subscribe(via, std::move(sink));
  Announce();  // the others start publishing within one poll
  return id;
}

void RedisEventBus::Unsubscribe(uint64_t id) { local_.Unsubscribe(id); }

void RedisEventBus::Publish(const boost::json::object& event) {
  std::string line = JsonText(event);
  local_.PublishText(line);
  if (!remote_listeners_.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= kMaxQueued) {
    counts_.dropped++;
    return;
  }
  queue_.push_back(std::move(line));
}

// One PUBLISH for what queued since the last: "<instance id> <event>\n<event>…".
void RedisEventBus::Flush() {
  std::string message;
  size_t n = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.empty()) return;
    if (!hub_.commands().connected()) {
      counts_.dropped += queue_.size();
      queue_.clear();
      return;
    }
    message = hub_.instance_id() + " ";
    for (auto& line : queue_) {
      if (n++) message += '\n';
      message += line;
    }
    queue_.clear();
  }
  counts_.published += n;
  counts_.round_trips++;
  hub_.commands().Command({"PUBLISH", hub_.Key("events"), std::move(message)}, [](Result<redis::Reply>) {});
}

void RedisEventBus::Announce() {
  if (!local_.HasListeners() || !hub_.commands().connected()) return;
  hub_.commands().Command({"ZADD", hub_.Key("event-listeners"), std::to_string(NowMs() + 3000), hub_.instance_id()},
                          [](Result<redis::Reply>) {});
}

void RedisEventBus::Poll() {
  if (!hub_.commands().connected()) {
    remote_listeners_ = false;
    return;
  }
  int64_t now = NowMs();
  hub_.commands().Pipeline({{"ZREMRANGEBYSCORE", hub_.Key("event-listeners"), "-inf", std::to_string(now)},
                            {"ZRANGEBYSCORE", hub_.Key("event-listeners"), std::to_string(now), "+inf"}},
                           alive_.Guard([this](std::vector<Result<redis::Reply>> r) {
                             bool others = false;
                             if (r.size() == 2 && r[1].ok()) {
                               for (const auto& e : r[1]->elements) others = others || e.str != hub_.instance_id();
                             }
                             remote_listeners_ = others;
                           }));
}

void RedisEventBus::Received(const std::string& message) {
  size_t space = message.find(' ');
  if (space == std::string::npos || message.compare(0, space, hub_.instance_id()) == 0) return;  // our own
  size_t start = space + 1;
  while (start < message.size()) {
    size_t nl = message.find('\n', start);
    if (nl == std::string::npos) nl = message.size();
    local_.PublishText(message.substr(start, nl - start));
    counts_.received++;
    start = nl + 1;
  }
}

}  // namespace warden::server
