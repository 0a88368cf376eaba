// A bounded cache of tokens that passed verification, so a client that presents the same JWT on
// every request pays the signature check (tens of µs for RS256) once.
//
// Entries are keyed by a BLAKE2b-256 hash of the token under a random per-cache key: the token
// itself is not kept, and the key makes hash-table collisions impossible to aim for. Only tokens
// that passed every check are inserted, so presenting garbage cannot evict anything. An entry
// keeps the claims and the token's time window; the caller re-checks exp / nbf / iat against
// the current time on every hit. At capacity the oldest entry is replaced (FIFO).
//
// Thread-safety: all methods may be called concurrently (a shared_mutex: lookups share it,
// inserts take it alone).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "security/jwt/jwt.h"

namespace warden::security {

// The time claims of a token, as NumericDate seconds (rounded towards refusal).
struct TokenWindow {
  std::optional<int64_t> exp;
  std::optional<int64_t> nbf;
  std::optional<int64_t> iat;
};

struct CachedToken {
  JwtClaims claims;
  TokenWindow window;
};

class VerifiedTokenCache {
 public:
  using Digest = std::array<unsigned char, 32>;

  explicit VerifiedTokenCache(size_t capacity);
  ~VerifiedTokenCache();

  Digest DigestOf(std::string_view token) const;
  std::optional<CachedToken> Find(const Digest& digest) const;
  void Insert(const Digest& digest, CachedToken entry);

 private:
  struct DigestHash {
    size_t operator()(const Digest& d) const {
      size_t h;
      std::memcpy(&h, d.data(), sizeof h);  // the digest is keyed and uniform already
      return h;
    }
  };

  const size_t capacity_;
  std::array<unsigned char, 32> key_{};
  mutable std::shared_mutex mu_;
  std::unordered_map<Digest, CachedToken, DigestHash> entries_;  // GUARDED_BY(mu_)
  std::vector<Digest> order_;                                    // GUARDED_BY(mu_): insertion ring
  size_t next_ = 0;                                              // GUARDED_BY(mu_): oldest slot in order_
};

}  // namespace warden::security
