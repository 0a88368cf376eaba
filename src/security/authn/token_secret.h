// What every token store shares: the hash key (<state_dir>/token.key, or the same 64 hex digits
// given to each instance of a cluster), the keyed hash of a token, a new token, the token's shape.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/status.h"
#include "security/authn/token_store.h"

namespace warden::security {

using TokenKey = std::array<unsigned char, 32>;
using TokenHash = std::array<unsigned char, 32>;

// The key in <dir>/token.key: 32 random bytes as hex, 0600, created once (O_EXCL: two processes
// starting together agree on one key). A key file of another user or readable by others is refused.
Result<TokenKey> LoadTokenKey(const std::string& dir);
// BLAKE2b-256 of the token under the key.
TokenHash HashToken(const TokenKey& key, std::string_view token);
// wdn_ + base64url of 32 random bytes.
std::string NewTokenSecret();
bool TokenWellFormed(std::string_view token);
std::string HexOf(const unsigned char* p, size_t n);
// The public id of a token: tok_ + the first 6 bytes of its hash as hex.
std::string TokenIdOf(const TokenHash& h);
// Checks shared by every store's Create.
Status CheckNewToken(const std::string& role, const std::string& name, int64_t ttl_s);
// The state of a token at `now`, or kNone.
TokenProblem ProblemAt(const TokenInfo& info, int64_t now);

}  // namespace warden::security
