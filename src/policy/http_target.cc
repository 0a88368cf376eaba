#include "policy/http_target.h"

#include <arpa/inet.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <charconv>
#include <vector>

#include "core/strings.h"

namespace warden::policy {
namespace {

namespace urls = boost::urls;

constexpr std::string_view kAbsoluteHint = "must be an absolute URL (http://… or https://…)";

Status Fail(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + " " + std::string(why));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int HexValue(char c) { return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

// Checks the raw text and makes it RFC 3986 (see the header); in the path, which starts at
// `path_start` and ends at the first '?' or '#', decodes %2F and merges runs of '/'.
Result<std::string> Prepare(std::string_view text, size_t path_start, std::string_view field) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  static constexpr std::string_view kEncode = "\"<>^`{|}";
  size_t path_end = text.find_first_of("?#", path_start);
  if (path_end == std::string_view::npos) path_end = text.size();
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return Fail(field, "contains whitespace or a control character");
    if (ch == '\\') return Fail(field, "contains a backslash (clients disagree on what it means)");
    if (ch == '%' && (i + 2 >= text.size() || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))) {
      return Fail(field, "has a '%' that is not followed by two hex digits");
    }
    const bool in_path = i >= path_start && i < path_end;
    if (in_path && ch == '%' && text[i + 1] == '2' && (text[i + 2] == 'F' || text[i + 2] == 'f')) {
      // An encoded '/' is a '/', as servers that decode the path (nginx's $uri) see it.
      if (out.empty() || out.back() != '/') out += '/';
      i += 2;
      continue;
    }
    if (ch == '/' && in_path && !out.empty() && out.back() == '/') continue;
    const bool encode = c >= 0x80 || kEncode.find(ch) != std::string_view::npos ||
                        ((ch == '[' || ch == ']') && i >= path_start);
    if (encode) {
      out += '%';
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// WHATWG's "ends in a number": the host is meant as an IPv4 address.
bool EndsInNumber(std::string_view host) {
  size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), IsDigit)) return true;
  return last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
         std::all_of(last.begin() + 2, last.end(), IsHex);
}

// One part of a numeric IPv4 host: decimal, 0x hex or 0-prefixed octal (WHATWG "IPv4 number
// parser", which is also what inet_aton and so getaddrinfo accept). Larger than 2^32: none.
std::optional<uint64_t> Ipv4Number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  unsigned base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  uint64_t v = 0;
  for (char c : part) {
    unsigned d = IsHex(c) ? static_cast<unsigned>(HexValue(c)) : 99;
    if (d >= base) return std::nullopt;
    v = v * base + d;
    if (v > 0xffffffffULL) return std::nullopt;
  }
  return v;
}

// The WHATWG IPv4 parser: up to four parts, the last filling the remaining bytes.
std::optional<IpAddress> ParseIpv4Host(std::string_view host) {
  std::vector<std::string_view> parts = Split(host, '.');
  if (parts.empty() || parts.size() > 4) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto n = Ipv4Number(parts[i]);
    if (!n) return std::nullopt;
    const bool last = i + 1 == parts.size();
    if (!last) {
      if (*n > 255) return std::nullopt;
      value |= *n << (8 * (3 - i));
    } else {
      if (*n >= (1ULL << (8 * (5 - parts.size())))) return std::nullopt;
      value += *n;
    }
  }
  IpAddress ip;
  ip.family = 4;
  for (int i = 0; i < 4; ++i) ip.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value >> (8 * (3 - i)));
  return ip;
}

// Dot segments removed and runs of '/' merged, on an encoded path that starts with '/'.
// (Boost.URL's normalization keeps "/../x" and may decode %2F into a new '/'.)
std::string CleanPath(std::string_view path) {
  std::vector<std::string_view> kept;
  for (std::string_view seg : Split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(seg);
  }
  std::string out;
  for (std::string_view seg : kept) {
    out += '/';
    out += seg;
  }
  const bool dir = path.size() > 1 && (path.back() == '/' || path.ends_with("/.") || path.ends_with("/.."));
  if (out.empty() || dir) out += '/';
  return out;
}

Status NameHost(std::string host, std::string_view field, HttpTarget* t) {
  for (char& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return Fail(field, "has no host");
  if (std::any_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return Fail(field, "has a non-ASCII host: write it in its xn-- (punycode) form");
  }
  if (host.size() > 253) return Fail(field, "has a host longer than 253 bytes");
  for (std::string_view label : Split(host, '.')) {
    if (label.empty() || label.size() > 63) return Fail(field, "has a host with an empty or overlong label");
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_') {
        return Fail(field, "has a host with characters a DNS name cannot have");
      }
    }
  }
  if (EndsInNumber(host)) {
    auto ip = ParseIpv4Host(host);
    if (!ip) return Fail(field, "has a host that looks like an IPv4 address but is not one");
    t->ip = *ip;
    t->host = FormatIpAddress(t->ip);
    return Status::Ok();
  }
  t->host = std::move(host);
  return Status::Ok();
}

// "%41" → 'A' (the text went through Prepare: every '%' has two hex digits).
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Status Ipv6Host(std::string_view text, std::string_view field, HttpTarget* t) {
  auto ip = text.find(':') == std::string_view::npos ? std::nullopt : ParseIpAddress(text);
  if (!ip) return Fail(field, "has a bad IPv6 address (zone ids and IPvFuture are not accepted)");
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped, kMapped + 12, ip->bytes.begin())) {  // ::ffff:a.b.c.d is a.b.c.d
    t->ip.family = 4;
    std::copy(ip->bytes.begin() + 12, ip->bytes.end(), t->ip.bytes.begin());
  } else {
    t->ip = *ip;
  }
  t->host = FormatIpAddress(t->ip);
  return Status::Ok();
}

Status Port(std::string_view p, std::string_view field, HttpTarget* t) {
  if (p.empty()) {
    t->port = DefaultPort(t->scheme);
    return Status::Ok();
  }
  int v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.size() > 5 || ec != std::errc() || end != p.data() + p.size() || v < 1 || v > 65535) {
    return Fail(field, "has a bad port (use 1 to 65535)");
  }
  t->port = static_cast<uint16_t>(v);
  return Status::Ok();
}

// The authority, read here rather than by Boost.URL (1.81 reads "1.2.3.4.5" as the IPv4 host
// 1.2.3.4 followed by a path): user information dropped, then host and port.
Status Authority(std::string_view authority, std::string_view field, HttpTarget* t) {
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Fail(field, "has a '[' without ']' in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Fail(field, "has text after its IPv6 host");
    if (!after.empty()) port = after.substr(1);
    if (Status s = Ipv6Host(host, field, t); !s.ok()) return s;
  } else {
    if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (Status s = NameHost(PercentDecode(host), field, t); !s.ok()) return s;
  }
  return Port(port, field, t);
}

// "/path?query" (fragment cut off) into the target's path and query, normalized by Boost.URL
// and CleanPath; then the normalized whole into t->url.
Status PathAndQuery(std::string_view origin, std::string_view field, HttpTarget* t) {
  origin = origin.substr(0, origin.find('#'));
  std::string text = origin.empty() || origin.front() != '/' ? "/" + std::string(origin) : std::string(origin);
  auto parsed = urls::parse_origin_form(urls::string_view(text.data(), text.size()));  // not via strlen
  if (!parsed) return Fail(field, t->has_host() ? "is not a valid URL" : "is not a valid path");
  urls::url u(*parsed);
  u.normalize();
  t->path = CleanPath(u.encoded_path());
  if (u.has_query()) t->query = std::string(u.encoded_query());
  std::string& s = t->url;
  if (t->has_host()) {
    s = t->scheme + "://";
    s += t->ip.family == 6 ? "[" + t->host + "]" : t->host;
    if (t->port != DefaultPort(t->scheme)) s += ":" + std::to_string(t->port);
  }
  s += t->path;
  if (!t->query.empty()) {
    s += '?';
    s += t->query;
  }
  return Status::Ok();
}

}  // namespace

Result<HttpTarget> ParseHttpUrl(std::string_view text, std::string_view field) {
  if (text.empty()) return Fail(field, "is empty");
  if (text.size() > kMaxUrlBytes) return Fail(field, "is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  size_t colon = text.find(':');
  std::string_view scheme = colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
  if (scheme.empty() || !IsAlpha(scheme[0]) || !std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
      })) {
    return Fail(field, kAbsoluteHint);
  }
  HttpTarget t;
  t.scheme = ToLower(scheme);
  if (t.scheme != "http" && t.scheme != "https") {
    return Fail(field, "must be an http or https URL, not " + Printable(scheme, 20) + ":");
  }
  if (text.substr(colon + 1, 2) != "//") return Fail(field, kAbsoluteHint);
  const size_t authority_start = colon + 3;
  size_t path_start = text.find_first_of("/?#", authority_start);
  if (path_start == std::string_view::npos) path_start = text.size();
  auto authority = Prepare(text.substr(authority_start, path_start - authority_start), std::string_view::npos, field);
  if (!authority.ok()) return authority.status();
  auto rest = Prepare(text.substr(path_start), 0, field);
  if (!rest.ok()) return rest.status();
  if (Status s = Authority(*authority, field, &t); !s.ok()) return s;
  if (Status s = PathAndQuery(*rest, field, &t); !s.ok()) return s;
  return t;
}

Result<HttpTarget> ParseHttpPath(std::string_view text, std::string_view field) {
  if (text.empty()) return Fail(field, "is empty");
  if (text.size() > kMaxUrlBytes) return Fail(field, "is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  if (text.front() != '/') return Fail(field, "must start with '/'");
  if (text.find('#') != std::string_view::npos) return Fail(field, "has a '#' (a request path has no fragment)");
  auto prepared = Prepare(text, 0, field);
  if (!prepared.ok()) return prepared.status();
  HttpTarget t;
  if (Status s = PathAndQuery(*prepared, field, &t); !s.ok()) return s;
  return t;
}

Status CheckHttpMethod(std::string_view method, std::string_view field) {
  if (method.empty()) return Fail(field, "is empty");
  if (method.size() > kMaxMethodBytes) {
    return Fail(field, "is longer than " + std::to_string(kMaxMethodBytes) + " bytes");
  }
  for (char c : method) {
    if (c >= 'a' && c <= 'z') return Fail(field, "must be uppercase (GET, POST, …)");
    if (!(c >= 'A' && c <= 'Z') && !IsDigit(c) && c != '-' && c != '_') {
      return Fail(field, "must be an HTTP method: A-Z, 0-9, '-' or '_'");
    }
  }
  return Status::Ok();
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 6;
  } else {
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 4;
  }
  return ip;
}

std::string FormatIpAddress(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ip.family == 0 || inet_ntop(ip.family == 6 ? AF_INET6 : AF_INET, ip.bytes.data(), buf, sizeof buf) == nullptr) {
    return std::string();
  }
  return buf;
}

bool IpNetwork::Contains(const IpAddress& ip) const {
  if (ip.family != base.family) return false;
  int whole = prefix / 8;
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + whole, ip.bytes.begin())) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[static_cast<size_t>(whole)] & mask) == base.bytes[static_cast<size_t>(whole)];
}

std::optional<IpNetwork> ParseIpNetwork(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view addr = text.substr(0, slash), bits = text.substr(slash + 1);
  if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  auto ip = ParseIpAddress(addr);
  if (!ip) return std::nullopt;
  int prefix = -1;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  const int max = ip->family == 4 ? 32 : 128;
  if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > max) {
    return std::nullopt;
  }
  IpNetwork net{*ip, prefix};
  for (int i = prefix; i < max; ++i) {
    net.base.bytes[static_cast<size_t>(i / 8)] &= static_cast<uint8_t>(~(0x80u >> (i % 8)));
  }
  return net;
}

}  // namespace warden::policy
