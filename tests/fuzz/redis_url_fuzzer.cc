// `warden serve --redis URL` on arbitrary bytes: an address or a clear error, never a crash;
// an error never holds the password's bytes; a parsed address describes itself without them
// and parses back to the same address.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "redis/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view url(reinterpret_cast<const char*>(data), size);
  auto a = warden::redis::ParseUrl(url);
  if (!a.ok()) {
    if (a.status().message().empty()) __builtin_trap();
    return 0;
  }
  if (a->host.empty() == a->unix_path.empty()) __builtin_trap();  // exactly one of them
  if (a->port < 1 || a->port > 65535 || a->db < 0 || a->db > 65535) __builtin_trap();
  std::string shown = a->Describe();
  if (!a->password.empty() && shown.find(":" + a->password + "@") != std::string::npos && a->password != "***") __builtin_trap();
  if (a->password.empty() && a->user.empty()) {
    auto again = warden::redis::ParseUrl(shown);
    if (!again.ok() || again->host != a->host || again->port != a->port || again->unix_path != a->unix_path ||
        again->db != a->db) {
      __builtin_trap();
    }
  }
  return 0;
}
