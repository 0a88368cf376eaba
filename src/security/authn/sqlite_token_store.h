// Bearer tokens for the HTTP API: `wdn_` + base64url (no padding) of 32 random bytes.
//
// Only a keyed hash of each token is stored — BLAKE2b-256 under a 32-byte key kept in
// <state_dir>/token.key (mode 0600, created on first use) — in the SQLite state DB
// <state_dir>/warden.db (WAL mode, schema versioned by PRAGMA user_version). Someone who
// reads the DB alone learns names, roles and lifetimes, not a usable token; with the key file
// too they still need to invert BLAKE2b over 256 random bits.
//
// Verify hashes the presented token, looks the hash up in an in-memory index and compares it
// in constant time; no SQLite query runs per request. Revocation takes effect at once in this
// process, and within 1 ms when another process (`warden token revoke`) changes the DB: Verify
// checks SQLite's data_version at most once per millisecond and reloads the index when it
// moved. Errors never contain the presented token.
//
// Thread-safety: every method may be called from any thread (the index is behind a
// shared_mutex, the connection behind a mutex).
#pragma once

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "security/authn/token_store.h"

namespace warden::security {

class SqliteTokenStore final : public TokenStore {
 public:
  static Result<std::shared_ptr<SqliteTokenStore>> Open(const std::string& state_dir);
  ~SqliteTokenStore() override;
  SqliteTokenStore(const SqliteTokenStore&) = delete;
  SqliteTokenStore& operator=(const SqliteTokenStore&) = delete;

  // ttl_s 0: the token never expires (only when asked for explicitly).
  Result<CreatedToken> Create(const std::string& role, const std::string& name, int64_t ttl_s, int64_t now) override;
  Result<std::vector<TokenInfo>> List() override;
  // By id, or by name when exactly one live token has it.
  Result<TokenInfo> Revoke(std::string_view id_or_name, int64_t now) override;
  VerifyResult Verify(std::string_view presented, int64_t now) override;
  size_t size() const override;

 private:
  SqliteTokenStore() = default;
  Status Migrate();
  Status LoadIndex();
  void RefreshIfChanged();
  int64_t DataVersion();
  std::array<unsigned char, 32> HashOf(std::string_view token) const;

  std::string path_;
  std::array<unsigned char, 32> key_{};

  std::mutex db_mu_;
  sqlite3* db_ = nullptr;                         // GUARDED_BY(db_mu_)
  sqlite3_stmt* data_version_stmt_ = nullptr;     // GUARDED_BY(db_mu_)
  int64_t data_version_ = -1;                     // GUARDED_BY(db_mu_)
  std::atomic<int64_t> last_check_ns_{0};
  mutable std::shared_mutex index_mu_;
  std::unordered_map<std::string, TokenInfo> index_;  // GUARDED_BY(index_mu_): raw hash → token
};

}  // namespace warden::security
