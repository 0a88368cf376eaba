#include "security/jwt/verified_cache.h"

#include <sodium.h>

#include <mutex>

namespace warden::security {

VerifiedTokenCache::VerifiedTokenCache(size_t capacity) : capacity_(capacity) {
  randombytes_buf(key_.data(), key_.size());
  entries_.reserve(capacity);
  order_.reserve(capacity);
}

VerifiedTokenCache::~VerifiedTokenCache() {
  sodium_memzero(key_.data(), key_.size());
}

VerifiedTokenCache::Digest VerifiedTokenCache::DigestOf(std::string_view token) const {
  Digest d;
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     key_.data(), key_.size());
  return d;
}

std::optional<CachedToken> VerifiedTokenCache::Find(const Digest& digest) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::Insert(const Digest& digest, CachedToken entry) {
  std::unique_lock lock(mu_);
  if (entries_.contains(digest)) return;  // another thread verified the same token meanwhile
  if (order_.size() < capacity_) {
    order_.push_back(digest);
  } else {
    entries_.erase(order_[next_]);
    order_[next_] = digest;
    next_ = (next_ + 1) % capacity_;
  }
  entries_.emplace(digest, std::move(entry));
}

}  // namespace warden::security
