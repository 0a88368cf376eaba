#include "local/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/json_text.h"
#include "local/protocol.h"

namespace warden::local {

namespace json = boost::json;

Result<Client> Client::Connect(const std::string& socket_path) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) return Status::InvalidArgument("socket path too long: " + socket_path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    if (err == ENOENT || err == ECONNREFUSED) return Status::NotFound("no daemon on " + socket_path);
    return Status::IoError("cannot connect to " + socket_path + ": " + std::strerror(err));
  }
  return Client(fd, socket_path);
}

Client::Client(Client&& o) noexcept
    : fd_(o.fd_), socket_path_(std::move(o.socket_path_)), pending_(std::move(o.pending_)) {
  o.fd_ = -1;
}

Client& Client::operator=(Client&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    socket_path_ = std::move(o.socket_path_);
    pending_ = std::move(o.pending_);
    o.fd_ = -1;
  }
  return *this;
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

Status Client::WriteAll(const std::string& data, int timeout_ms) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return Status::IoError("the daemon does not read (timeout)");
      continue;
    }
    return Status::IoError(std::string("write to the daemon: ") + std::strerror(errno));
  }
  return Status::Ok();
}

Result<json::object> Client::Next(int timeout_ms) {
  for (;;) {
    size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      std::error_code ec;
      json::value v = json::parse(line, ec);
      if (ec || !v.is_object()) return Status::ParseError("the daemon sent a line that is not a JSON object");
      return std::move(v.as_object());
    }
    if (pending_.size() > kMaxMessageBytes * 4) return Status::TooLarge("the daemon's reply is too large");
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r == 0) return Status::IoError("no reply from the daemon within " + std::to_string(timeout_ms) + " ms");
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("poll: ") + std::strerror(errno));
    }
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return Status::IoError("the daemon closed the connection");
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("read from the daemon: ") + std::strerror(errno));
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
}

Result<std::optional<json::object>> Client::Poll() {
  for (;;) {
    if (pending_.find('\n') != std::string::npos) {
      auto r = Next(0);
      if (!r.ok()) return r.status();
      return std::optional<json::object>(std::move(*r));
    }
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return Status::IoError("the daemon closed the connection");
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<json::object>();
      return Status::IoError(std::string("read from the daemon: ") + std::strerror(errno));
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
}

// The daemon has closed its end and sent nothing we have not read.
bool Client::ClosedByPeer() const {
  char c;
  ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

Result<json::object> Client::Call(const json::object& message, int timeout_ms) {
  std::string line = JsonText(message);
  line += '\n';
  if (pending_.empty() && ClosedByPeer()) {  // closed while idle: connect again
    auto fresh = Connect(socket_path_);
    if (!fresh.ok()) return fresh.status();
    *this = std::move(*fresh);
  }
  if (Status s = WriteAll(line, timeout_ms); !s.ok()) return s;
  return Next(timeout_ms);
}

}  // namespace warden::local
