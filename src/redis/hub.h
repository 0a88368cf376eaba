// One daemon's link to Redis: a client for commands and one in pub/sub mode (Redis wants them
// apart), the channel handlers of every shared store, the periodic work of each (flushes,
// polls), and the resynchronization each store needs after a reconnect (what it may have
// missed while away). Keys and channels start with `prefix` ("warden:" unless configured), so
// several Warden clusters can share one Redis.
//
// Thread-safety: register handlers before Start; everything else from any thread. Handlers
// run on the clients' threads and must not block.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "redis/client.h"

namespace warden::redis {

// Keeps a store's callbacks from running once the store is gone: each store holds one, wraps
// every callback it gives the hub or a client with Guard, and calls End() first thing in its
// destructor (which waits for a callback that is running).
class Alive {
 public:
  Alive() : state_(std::make_shared<State>()) {}
  ~Alive() { End(); }
  void End() {
    std::lock_guard<std::recursive_mutex> lock(state_->mu);
    state_->alive = false;
  }
  template <class F>
  auto Guard(F fn) const {
    return [state = state_, fn = std::move(fn)](auto&&... args) mutable {
      std::lock_guard<std::recursive_mutex> lock(state->mu);
      if (state->alive) fn(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  struct State {
    std::recursive_mutex mu;
    bool alive = true;
  };
  std::shared_ptr<State> state_;
};

class Hub {
 public:
  using Handler = std::function<void(const std::string& message)>;
  Hub(ClientOptions options, std::string instance_id, std::string prefix = "warden:");
  ~Hub();

  void OnMessage(const std::string& channel, Handler handler);  // channel without the prefix
  void OnConnect(std::function<void()> fn);                     // the command client (re)connected
  void Start();
  void Stop();

  Client& commands() { return *commands_; }
  const Client& commands() const { return *commands_; }
  // Both clients connected: what readyz and the stores' failure settings look at.
  bool connected() const { return commands_->connected() && subscriber_->connected(); }
  const std::string& instance_id() const { return instance_id_; }
  std::string Key(const std::string& name) const { return prefix_ + name; }
  const std::string& prefix() const { return prefix_; }
  const Client& subscriber() const { return *subscriber_; }

 private:
  std::string instance_id_;
  std::string prefix_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::function<void()>> on_connect_;
  std::unique_ptr<Client> commands_;
  std::unique_ptr<Client> subscriber_;
};

}  // namespace warden::redis
