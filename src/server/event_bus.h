// The stream of decision and approval events that `warden monitor` (socket `subscribe`) and
// GET /v1/events show. Events are JSON objects, already redacted by whoever publishes them.
//
// LocalEventBus reaches the subscribers of this process. A shared implementation (several
// instances) publishes to every instance's subscribers; both pass the same interface tests.
//
// Thread-safety: every method may be called from any thread. A sink is called from the
// publishing thread, must not block, and is not called any more once Unsubscribe returns.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace warden::server {

class EventBus {
 public:
  using Sink = std::function<void(const std::string& event)>;  // one JSON object, no newline
  // Who listens: counted apart in `warden status`.
  enum class Via { kSocket, kHttp };

  virtual ~EventBus() = default;
  virtual uint64_t Subscribe(Via via, Sink sink) = 0;
  virtual void Unsubscribe(uint64_t id) = 0;
  virtual void Publish(const boost::json::object& event) = 0;
  // Whether anyone may want an event: checked per decision, so cheap and without a lock.
  virtual bool HasListeners() const = 0;
  virtual size_t Count(Via via) const = 0;
};

class LocalEventBus final : public EventBus {
 public:
  uint64_t Subscribe(Via via, Sink sink) override;
  void Unsubscribe(uint64_t id) override;
  void Publish(const boost::json::object& event) override;
  bool HasListeners() const override { return listeners_.load(std::memory_order_relaxed) > 0; }
  size_t Count(Via via) const override;
  // An event already serialized (one line of JSON): what a shared bus received from elsewhere.
  void PublishText(const std::string& line);

 private:
  struct Entry {
    Via via;
    Sink sink;
  };
  mutable std::mutex mu_;
  std::map<uint64_t, Entry> sinks_;  // GUARDED_BY(mu_)
  uint64_t next_ = 1;                // GUARDED_BY(mu_)
  std::atomic<size_t> listeners_{0};
};

}  // namespace warden::server
