// The token store of several instances, in Redis: created, listed and revoked from any
// instance; verified from an in-memory index on each (never a Redis round trip for a token).
//
// Each token is one field of the hash `<prefix>tokens` (the keyed hash of the token as hex →
// its TokenInfo as JSON); the key of the hash is each instance's token.key, which must be the
// same file on every instance (a Kubernetes Secret, deploy/). Every change is published on
// `<prefix>tokens` with the new TokenInfo, so a revocation reaches every instance's index with
// one pub/sub hop (tests/e2e/cluster_test.sh: within 100 ms). After each (re)connect the whole
// index is read again: nothing published while an instance was away is missed.
//
// When Redis is away (`on_failure`): `closed` (the default) verifies no token at all —
// kUnavailable, a 503 — because a revocation made meanwhile could not reach this instance;
// `cached` keeps verifying from the index as it was (revocations made elsewhere meanwhile are
// not seen until Redis is back). Create, list and revoke need Redis either way.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "redis/hub.h"
#include "security/authn/token_secret.h"
#include "security/authn/token_store.h"

namespace warden::security {

enum class TokenFailureMode { kClosed, kCached };

struct RedisTokenCounts {
  std::atomic<uint64_t> refused_unavailable{0};  // verifications refused because Redis was away
  std::atomic<uint64_t> changes_received{0};
  std::atomic<uint64_t> reloads{0};
};

class RedisTokenStore final : public TokenStore {
 public:
  // Registers with the hub (before hub.Start()); the key from <state_dir>/token.key.
  static Result<std::shared_ptr<RedisTokenStore>> Open(redis::Hub& hub, const std::string& state_dir, TokenFailureMode mode);

  Result<CreatedToken> Create(const std::string& role, const std::string& name, int64_t ttl_s, int64_t now) override;
  Result<std::vector<TokenInfo>> List() override;
  Result<TokenInfo> Revoke(std::string_view id_or_name, int64_t now) override;
  VerifyResult Verify(std::string_view presented, int64_t now) override;
  size_t size() const override;

  ~RedisTokenStore() override { alive_.End(); }
  bool loaded() const { return loaded_.load(); }
  const RedisTokenCounts& counts() const { return counts_; }

 private:
  RedisTokenStore(redis::Hub& hub, TokenKey key, TokenFailureMode mode) : hub_(hub), key_(key), mode_(mode) {}
  void Reload();
  void Changed(const std::string& message);
  Status Put(const std::string& hash_hex, const TokenInfo& info);

  redis::Hub& hub_;
  TokenKey key_;
  TokenFailureMode mode_;
  std::atomic<bool> loaded_{false};
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, TokenInfo> index_;  // GUARDED_BY(mu_): hash as hex → token
  RedisTokenCounts counts_;
  redis::Alive alive_;
};

}  // namespace warden::security
