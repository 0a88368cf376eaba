#include "redis/hub.h"

namespace warden::redis {

Hub::Hub(ClientOptions options, std::string instance_id, std::string prefix)
    : instance_id_(std::move(instance_id)), prefix_(std::move(prefix)) {
  ClientOptions c = options;
  c.name = "warden-" + instance_id_;
  c.on_connect = [this] {
    for (const auto& fn : on_connect_) fn();
  };
  commands_ = std::make_unique<Client>(c);
  ClientOptions s = options;
  s.name = c.name + "-sub";
  s.on_connect = nullptr;
  s.on_disconnect = nullptr;
  subscriber_ = std::make_unique<Client>(s);
}

Hub::~Hub() { Stop(); }

void Hub::OnMessage(const std::string& channel, Handler handler) { handlers_[prefix_ + channel] = std::move(handler); }

void Hub::OnConnect(std::function<void()> fn) { on_connect_.push_back(std::move(fn)); }

void Hub::Start() {
  std::vector<std::string> channels;
  for (const auto& [ch, h] : handlers_) channels.push_back(ch);
  if (!channels.empty()) {
    subscriber_->Subscribe(channels, [this](const std::string& channel, const std::string& message) {
      auto it = handlers_.find(channel);
      if (it != handlers_.end()) it->second(message);
    });
  }
  commands_->Start();
  subscriber_->Start();
}

void Hub::Stop() {
  subscriber_->Stop();
  commands_->Stop();
}

}  // namespace warden::redis
