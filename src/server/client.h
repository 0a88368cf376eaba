// A blocking client of the local protocol (server/protocol.h), for the short-lived commands
// that talk to the daemon (`status`, `exec`, `hook`, …): connect, send one message, read one
// reply line. Timeouts apply to each call. Not thread-safe; one connection per object.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "core/status.h"

namespace warden::server {

class Client {
 public:
  // Fails fast (NotFound) when no daemon listens on `socket_path`.
  static Result<Client> Connect(const std::string& socket_path);
  Client(Client&& o) noexcept;
  Client& operator=(Client&& o) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Sends `message` as one line and returns the reply object. A reply with "ok": false is
  // returned as it is (the caller reads "error"); transport failures are errors.
  Result<boost::json::object> Call(const boost::json::object& message, int timeout_ms = 10000);
  // Reads the next line the daemon sends (events after "subscribe").
  Result<boost::json::object> Next(int timeout_ms);
  // The next line if one has arrived, without waiting: empty when none has (yet).
  Result<std::optional<boost::json::object>> Poll();
  int fd() const { return fd_; }

 private:
  explicit Client(int fd) : fd_(fd) {}
  Status WriteAll(const std::string& data, int timeout_ms);
  int fd_ = -1;
  std::string pending_;  // bytes read past the last line
};

}  // namespace warden::server
