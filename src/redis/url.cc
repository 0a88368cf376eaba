#include "redis/url.h"

#include <charconv>

namespace warden::redis {

namespace {

bool ParseInt(std::string_view s, int lo, int hi, int* out) {
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// %XX in user and password (RFC 3986); anything else stays as it is.
Result<std::string> Unescape(std::string_view s, const char* what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
      return Status::InvalidArgument(std::string("redis URL: a bad %-escape in the ") + what);
    }
    out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    i += 2;
  }
  return out;
}

bool Printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x21 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string Address::Describe() const {
  std::string who = user.empty() && password.empty() ? "" : (user + (password.empty() ? "" : ":***") + "@");
  if (!unix_path.empty()) return "unix://" + unix_path + (db ? "?db=" + std::to_string(db) : "");
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "redis://" + who + h + ":" + std::to_string(port) + (db ? "/" + std::to_string(db) : "");
}

Result<Address> ParseUrl(std::string_view url) {
  Address a;
  if (url.size() > 4096) return Status::InvalidArgument("redis URL: longer than 4096 bytes");
  if (!Printable(url)) return Status::InvalidArgument("redis URL: holds blanks or control characters");
  if (url.rfind("unix://", 0) == 0) {
    std::string_view rest = url.substr(7);
    size_t q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    if (path.empty() || path.front() != '/') return Status::InvalidArgument("redis URL: unix:// needs an absolute path, as in unix:///run/redis.sock");
    a.unix_path = std::string(path);
    if (q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      if (query.rfind("db=", 0) != 0 || !ParseInt(query.substr(3), 0, 65535, &a.db)) {
        return Status::InvalidArgument("redis URL: the only query unix:// takes is db=N (0-65535)");
      }
    }
    return a;
  }
  if (url.rfind("redis://", 0) != 0) {
    return Status::InvalidArgument("redis URL: must start with redis:// or unix:// (rediss:// TLS is not supported)");
  }
  std::string_view rest = url.substr(8);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseInt(db, 0, 65535, &a.db)) return Status::InvalidArgument("redis URL: the database after / must be a number 0-65535");
  }
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    auto user = Unescape(userinfo.substr(0, colon), "user");
    if (!user.ok()) return user.status();
    a.user = *user;
    if (colon != std::string_view::npos) {
      auto pw = Unescape(userinfo.substr(colon + 1), "password");
      if (!pw.ok()) return pw.status();
      a.password = *pw;
    }
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("redis URL: an IPv6 host needs its closing ]");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidArgument("redis URL: after the IPv6 host only :PORT may follow");
      port = after.substr(1);
      if (port.empty()) return Status::InvalidArgument("redis URL: the port after : is missing");
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return Status::InvalidArgument("redis URL: the port after : is missing");
    }
  }
  if (host.empty()) return Status::InvalidArgument("redis URL: the host is missing, as in redis://127.0.0.1:6379");
  if (host.find_first_of("/?#@[]") != std::string_view::npos) return Status::InvalidArgument("redis URL: the host has characters a host cannot have");
  a.host = std::string(host);
  if (!port.empty() && !ParseInt(port, 1, 65535, &a.port)) return Status::InvalidArgument("redis URL: the port must be a number 1-65535");
  return a;
}

}  // namespace warden::redis
