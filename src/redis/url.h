// Where Redis is: `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (IPv6 hosts in brackets) or
// `unix:///PATH[?db=DB]`. The password may also come from $WARDEN_REDIS_PASSWORD, so that it
// need not be on a command line. Errors name the part that is wrong and never echo a password.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace warden::redis {

struct Address {
  std::string host;       // empty for a Unix socket
  int port = 6379;
  std::string unix_path;  // set for unix://
  std::string user;
  std::string password;
  int db = 0;
  // For logs and status: the URL without its password.
  std::string Describe() const;
};

Result<Address> ParseUrl(std::string_view url);

}  // namespace warden::redis
