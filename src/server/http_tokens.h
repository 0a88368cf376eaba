// The token endpoints of the HTTP API (admin:tokens):
//   GET /v1/tokens                   {"tokens":[{id,name,role,created,expires,state}]}
//   POST /v1/tokens {role,name,ttl}  201 {"token":"wdn_…",id,…} — the secret, once
//   DELETE /v1/tokens/{id or name}   {"revoked":{…}}
#pragma once

#include <string_view>

#include "security/stage.h"
#include "server/http_api.h"

namespace warden::security {
class TokenStore;
struct TokenInfo;
}

namespace warden::server {

void TokenEndpoint(security::TokenStore& tokens, security::Exchange& ex, std::string_view rest, HttpOut* out);

// The JSON of a token (never its secret); also `warden token list --json`.
boost::json::object TokenJson(const security::TokenInfo& t, int64_t now);

}  // namespace warden::server
