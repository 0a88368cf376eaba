// The event bus of several instances: each instance's events reach the subscribers of every
// instance (`warden monitor` and /v1/events anywhere show the decisions of all).
//
// Events are delivered to this instance's subscribers at once, and published to the others
// through Redis pub/sub in batches (one PUBLISH per 2 ms at most, events joined by newlines),
// only while some other instance has subscribers: each instance with subscribers says so in a
// sorted set (`<prefix>event-listeners`, refreshed every second, gone 3 s after the last), which
// every instance reads every 250 ms. So an instance nobody watches pays nothing per decision,
// and a monitor started anywhere sees the others' events within ~250 ms.
//
// When Redis is away, events reach this instance's subscribers only; at most 10,000 events
// wait for a PUBLISH (more are dropped and counted).
//
// Thread-safety: as EventBus.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>

#include "redis/hub.h"
#include "server/event_bus.h"

namespace warden::server {

struct RedisEventCounts {
  std::atomic<uint64_t> published{0};  // events sent to other instances
  std::atomic<uint64_t> received{0};   // events of other instances delivered here
  std::atomic<uint64_t> dropped{0};    // not sent: the queue was full (Redis away or slow)
  std::atomic<uint64_t> round_trips{0};
};

class RedisEventBus final : public EventBus {
 public:
  explicit RedisEventBus(redis::Hub& hub);  // registers with the hub: before hub.Start()
  ~RedisEventBus() override { alive_.End(); }
  uint64_t Subscribe(Via via, Sink sink) override;
  void Unsubscribe(uint64_t id) override;
  void Publish(const boost::json::object& event) override;
  bool HasListeners() const override { return local_.HasListeners() || remote_listeners_.load(std::memory_order_relaxed); }
  size_t Count(Via via) const override { return local_.Count(via); }
  const RedisEventCounts& counts() const { return counts_; }

 private:
  void Flush();
  void Announce();
  void Poll();
  void Received(const std::string& message);

  redis::Hub& hub_;
  LocalEventBus local_;
  std::atomic<bool> remote_listeners_{false};
  std::mutex mu_;
  std::deque<std::string> queue_;  // GUARDED_BY(mu_)
  RedisEventCounts counts_;
  redis::Alive alive_;  // last: ended first
};

}  // namespace warden::server
