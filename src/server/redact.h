// Redacts what looks like a secret from text bound for the audit log or an event stream:
// credentials given on a command line (`-p…`, `--password=…`, `token=…`, `Authorization:
// Bearer …`, URLs with a password, URL query parameters such as `?key=…` or `&sig=…`) and well-known token formats (AWS access keys, GitHub,
// GitLab and Slack tokens, JWTs, private-key blocks). Each becomes `[REDACTED]`. A best effort
// for records: the content scanner of src/scan (issue #5) will be the thorough one.
// Thread-safe (the patterns are compiled once, immutable).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace warden::server {

std::string RedactSecrets(std::string_view text);

// False when no pattern can match `text`: every pattern needs '=' or '@', a credential word
// (auth, pass, pwd, token, secret, key, in any case), "-p", or a token format's marker (AKIA,
// ASIA, gh, glpat-, xox, wdn_, eyJ, -----). A plain scan, so that identifiers, decision
// reasons and most commands skip the regular expressions (most of the audit path's cost).
bool MayHoldSecret(std::string_view text);

// Every string in `v`, redacted in place.
void RedactJson(boost::json::value& v);
// Whether RedactJson would change anything in `v` (so a caller can avoid copying it).
bool JsonMayHoldSecret(const boost::json::value& v);

}  // namespace warden::server
