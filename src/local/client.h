// A blocking client of the local protocol (local/protocol.h), for the short-lived commands
// that talk to the daemon (`status`, `exec`, `hook`, …): connect, send one message, read one
// reply line. Timeouts apply to each call. Not thread-safe; one connection per object.
//
// The daemon closes a connection that stays idle (--idle-timeout) without a word; a Call on a
// connection found closed that way before anything is sent connects again (nothing was sent,
// so nothing is repeated), so a client may keep one connection however long it waits.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "core/status.h"

namespace warden::local {

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
  Client(int fd, std::string socket_path) : fd_(fd), socket_path_(std::move(socket_path)) {}
  Status WriteAll(const std::string& data, int timeout_ms);
  bool ClosedByPeer() const;
  int fd_ = -1;
  std::string socket_path_;
  std::string pending_;  // bytes read past the last line
};

}  // namespace warden::local
