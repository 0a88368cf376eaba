// An asynchronous Redis client on Boost.Asio, over hiredis's protocol code (async.h): hiredis
// encodes commands and parses replies; the socket's readiness comes from Asio (the adapter
// below is the ~60 lines hiredis leaves to each event loop). Each client runs its own
// io_context on one thread, so hiredis is only ever touched from that thread, and callers on
// any thread — the daemon's I/O threads included — can wait for a reply without stalling the
// loop that delivers it.
//
// It connects at Start and again whenever the connection is lost (backoff 50 ms → 2 s), sends
// AUTH and SELECT first when the address says so, and tells `on_connect` each time it is
// (re)connected and `on_disconnect` each time it is lost, so stores can resynchronize. A command
// gets its reply, or an error when the client is not connected, Redis answers with an error,
// the connection is lost before the reply, or the reply takes longer than the timeout.
//
// A client is either for commands or for subscriptions (Subscribe: pub/sub mode, channels
// subscribed again after each reconnect), as Redis requires.
//
// Thread-safety: every public method may be called from any thread. Callbacks run on the
// client's thread and must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "redis/url.h"

namespace warden::redis {

struct Reply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<Reply> elements;  // kArray
};

struct ClientOptions {
  Address address;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{500};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2000};
  std::string name;  // CLIENT SETNAME, for `redis-cli client list`
  std::function<void(const std::string&)> log = [](const std::string&) {};
  std::function<void()> on_connect;
  std::function<void()> on_disconnect;
};

struct ClientCounts {
  std::atomic<uint64_t> commands{0};      // sent
  std::atomic<uint64_t> errors{0};        // answered with an error, lost, or timed out
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> connects{0};      // connections made (the first included)
  std::atomic<uint64_t> disconnects{0};   // connections lost
};

class Client {
 public:
  using Done = std::function<void(Result<Reply>)>;
  using OnMessage = std::function<void(const std::string& channel, const std::string& message)>;

  explicit Client(ClientOptions options);
  ~Client();  // stops, and fails what is pending
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void Start();
  void Stop();

  void Command(std::vector<std::string> args, Done done);
  // Several commands in one write (a pipeline); `done` gets one result per command, in order.
  void Pipeline(std::vector<std::vector<std::string>> commands, std::function<void(std::vector<Result<Reply>>)> done);
  // Waits for the reply (at most the command timeout, plus a margin).
  Result<Reply> CommandSync(std::vector<std::string> args);

  // Pub/sub mode: `on_message` gets every message of `channels` (subscribed again after each reconnect).
  void Subscribe(std::vector<std::string> channels, OnMessage on_message);

  // Calls `fn` every `interval` on the client's thread, from Start until Stop (connected or not).
  void Every(std::chrono::milliseconds interval, std::function<void()> fn);

  bool connected() const { return connected_.load(); }
  const ClientCounts& counts() const { return counts_; }
  const Address& address() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::atomic<bool> connected_{false};
  ClientCounts counts_;
};

// Scripts are sent by their SHA-1 (EVALSHA) and loaded when Redis does not have them (after a
// restart or SCRIPT FLUSH): one round trip in the common case.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }
  // EVALSHA, and EVAL when Redis answers NOSCRIPT.
  void Run(Client& client, std::vector<std::string> keys, std::vector<std::string> args, Client::Done done) const;
  // The commands of one run, for a pipeline (EVALSHA only; a NOSCRIPT reply means: Load, again).
  std::vector<std::string> EvalSha(const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
  static bool IsNoScript(const Result<Reply>& r);

 private:
  std::string source_;
  std::string sha_;
};

}  // namespace warden::redis
