// Bearer tokens for the HTTP API: `wdn_` + base64url (no padding) of 32 random bytes. Stores keep
// only a keyed hash of each token (BLAKE2b-256 under the 32-byte key in <state_dir>/token.key):
// who reads a store alone learns names, roles and lifetimes, not a usable token. Errors never
// contain the presented token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden::security {

struct TokenInfo {
  std::string id;    // "tok_" + 12 hex digits: safe to show and log
  std::string name;  // "" when none was given
  std::string role;
  int64_t created = 0;  // unix seconds
  int64_t expires = 0;  // unix seconds; 0 = never
  int64_t revoked = 0;  // unix seconds; 0 = not revoked
};

struct CreatedToken {
  std::string secret;  // shown once, stored nowhere
  TokenInfo info;
};

// kUnavailable: a shared store that cannot vouch for any token now (Redis away, fail-closed).
enum class TokenProblem { kNone, kMalformed, kUnknown, kExpired, kRevoked, kUnavailable };

struct VerifyResult {
  TokenProblem problem = TokenProblem::kNone;
  TokenInfo info;  // when problem is kNone (and for expired/revoked: whose token it was)
  bool ok() const { return problem == TokenProblem::kNone; }
};

// "expired", … — for messages and audit records.
std::string_view TokenProblemText(TokenProblem p);

inline constexpr std::string_view kTokenPrefix = "wdn_";
inline constexpr size_t kTokenLength = 4 + 43;  // prefix + base64url of 32 bytes

// A store of bearer tokens: created, listed and revoked by admins, verified on every
// authenticated request. SqliteTokenStore (sqlite_token_store.h) is the local one; a shared one
// serves several instances. Both pass the same interface tests.
//
// Thread-safety: every method may be called from any thread.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // ttl_s 0: the token never expires (only when asked for explicitly).
  virtual Result<CreatedToken> Create(const std::string& role, const std::string& name, int64_t ttl_s, int64_t now) = 0;
  virtual Result<std::vector<TokenInfo>> List() = 0;
  // By id, or by name when exactly one live token has it.
  virtual Result<TokenInfo> Revoke(std::string_view id_or_name, int64_t now) = 0;
  // Never a store round trip for a valid token; errors fail closed (kUnknown and friends).
  virtual VerifyResult Verify(std::string_view presented, int64_t now) = 0;
  virtual size_t size() const = 0;
};

// "30m", "24h", "7d", "90s" → seconds; "never" → 0. Errors say what is accepted.
Result<int64_t> ParseTokenTtl(std::string_view text);

}  // namespace warden::security
