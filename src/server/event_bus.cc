#include "server/event_bus.h"

#include "core/json_text.h"

namespace warden::server {

uint64_t LocalEventBus::Subscribe(Via via, Sink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_++;
  sinks_.emplace(id, Entry{via, std::move(sink)});
  listeners_ = sinks_.size();
  return id;
}

void LocalEventBus::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  sinks_.erase(id);
  listeners_ = sinks_.size();
}

void LocalEventBus::Publish(const boost::json::object& event) { PublishText(JsonText(event)); }

void LocalEventBus::PublishText(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, e] : sinks_) e.sink(line);
}

size_t LocalEventBus::Count(Via via) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [id, e] : sinks_) n += e.via == via;
  return n;
}

}  // namespace warden::server
