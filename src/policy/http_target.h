// The target of an `http` request, normalized for matching: the URL an agent wants to fetch,
// or the method and path a client sends to an API. `http` rules match its parts.
//
// ParseHttpUrl takes an absolute http or https URL (RFC 3986, parsed and normalized with
// Boost.URL) and normalizes it so that a policy cannot be dodged by spelling:
//   scheme  lowercased; only http and https
//   host    lowercased, percent-decoded, one trailing dot removed. A DNS name (letters,
//           digits, '-', '_', '.') or an IP address: the numeric IPv4 spellings resolvers
//           accept (127.1, 0x7f.0.0.1, 2130706433, 0177.0.0.1) become dotted decimal; IPv6 is
//           written without brackets in its canonical form (RFC 5952), and an IPv4-mapped one
//           (::ffff:10.0.0.1) as its IPv4 address. Non-ASCII (IDN) hosts are refused: write
//           the xn-- form.
//   port    the explicit one (1–65535), else 80 or 443
//   path    %2F decoded (as servers that decode the path see it), runs of '/' merged, dot
//           segments removed, percent-encoding normalized; "/" if empty
//   query   kept apart, without the '?'
//   user:password@ and the #fragment are dropped: never matched, never recorded.
// Characters that clients send although RFC 3986 wants them encoded (non-ASCII bytes,
// " < > ^ ` { | }, and [ ] after the host) are percent-encoded first. Refused, with a message
// naming the field (never repeating the URL, which may hold a token): other schemes, relative
// URLs, whitespace and control characters, backslashes (clients disagree on what they mean),
// a '%' without two hex digits, IPv6 zone ids, IPvFuture, a bad port.
//
// ParseHttpPath does the same for an origin-form target, "/path?query" (an API request: no
// scheme, host or port).
//
// Pure functions over plain data; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace warden::policy {

inline constexpr size_t kMaxUrlBytes = 8192;
inline constexpr size_t kMaxMethodBytes = 32;

struct IpAddress {
  uint8_t family = 0;               // 0: not an address; 4 or 6
  std::array<uint8_t, 16> bytes{};  // network order; an IPv4 address in the first four
};

struct HttpTarget {
  std::string method = "GET";
  std::string scheme;  // "http" or "https"; "" when the request gave only a path
  std::string host;    // "" when the request gave only a path
  IpAddress ip;        // the host, when it is an IP address
  uint16_t port = 0;   // 0 when the request gave only a path
  std::string path = "/";
  std::string query;   // without the '?'
  // The whole target, normalized: scheme://host[:port]path[?query] (the port only when it is
  // not the scheme's default; IPv6 hosts in brackets), or path[?query] for a path alone.
  std::string url;

  bool has_host() const { return !host.empty(); }
};

// `field` names the value in messages ("'url'", "tool_input.url").
Result<HttpTarget> ParseHttpUrl(std::string_view text, std::string_view field);
Result<HttpTarget> ParseHttpPath(std::string_view text, std::string_view field);

// A method is an uppercase token: A–Z, 0–9, '-', '_' (GET, POST, PROPFIND, …).
Status CheckHttpMethod(std::string_view method, std::string_view field);

// A strict IPv4 (dotted decimal) or IPv6 address, without brackets.
std::optional<IpAddress> ParseIpAddress(std::string_view text);
// Canonical text: dotted decimal, or RFC 5952 IPv6 (no brackets).
std::string FormatIpAddress(const IpAddress& ip);

// A network in CIDR notation: "10.0.0.0/8", "fc00::/7" (brackets allowed around IPv6).
struct IpNetwork {
  IpAddress base;  // host bits cleared
  int prefix = 0;
  bool Contains(const IpAddress& ip) const;
};
std::optional<IpNetwork> ParseIpNetwork(std::string_view text);

}  // namespace warden::policy
