// Redacts what looks like a secret from text bound for the audit log or an event stream:
// credentials given on a command line (`-p…`, `--password=…`, `token=…`, `Authorization:
// Bearer …`, URLs with a password, URL query parameters such as `?key=…` or `&sig=…`) and well-known token formats (AWS access keys, GitHub,
// GitLab and Slack tokens, JWTs, private-key blocks). Each becomes `[REDACTED]`. A best effort
// for records: the content scanner of src/scan (issue #5) will be the thorough one.
// Thread-safe (the patterns are compiled once, immutable).
#pragma once

#include <string>
#include <string_view>

namespace warden::server {

std::string RedactSecrets(std::string_view text);

}  // namespace warden::server
