#include "security/authn/sqlite_token_store.h"
#include "security/authn/token_secret.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace warden::security {

namespace {

constexpr int kSchemaVersion = 1;
constexpr int64_t kRecheckNs = 1'000'000;  // data_version at most once per millisecond

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() { return s_; }
  bool ok() const { return ok_; }
  void Text(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Blob(int i, const void* p, size_t n) { sqlite3_bind_blob(s_, i, p, static_cast<int>(n), SQLITE_TRANSIENT); }
  int Step() { return sqlite3_step(s_); }
  std::string Col(int i) {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

Status DbError(sqlite3* db, const std::string& what) {
  return Status::IoError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

TokenInfo RowInfo(Stmt& q, int first) {
  TokenInfo t;
  t.id = q.Col(first);
  t.name = q.Col(first + 1);
  t.role = q.Col(first + 2);
  t.created = sqlite3_column_int64(q.get(), first + 3);
  t.expires = sqlite3_column_int64(q.get(), first + 4);
  t.revoked = sqlite3_column_int64(q.get(), first + 5);
  return t;
}

}  // namespace

Result<int64_t> ParseTokenTtl(std::string_view text) {
  if (text == "never") return int64_t{0};
  auto bad = [&] {
    return Status::InvalidArgument("--ttl \"" + std::string(text.substr(0, 32)) + "\": use a duration such as 90s, 30m, 24h or 7d, or never");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
  }
  int64_t unit = text.back() == 's' ? 1 : text.back() == 'm' ? 60 : text.back() == 'h' ? 3600 : text.back() == 'd' ? 86400 : 0;
  if (unit == 0 || n <= 0 || n > 3650 * 86400 / unit) return bad();
  return n * unit;
}

Result<std::shared_ptr<SqliteTokenStore>> SqliteTokenStore::Open(const std::string& state_dir) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not initialize");
  std::shared_ptr<SqliteTokenStore> s(new SqliteTokenStore());
  auto key = LoadTokenKey(state_dir);
  if (!key.ok()) return key.status();
  s->key_ = *key;
  s->path_ = state_dir + "/warden.db";
  int rc = sqlite3_open_v2(s->path_.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) return DbError(s->db_, "cannot open " + s->path_);
  ::chmod(s->path_.c_str(), 0600);
  sqlite3_busy_timeout(s->db_, 5000);
  if (Status st = s->Migrate(); !st.ok()) return st;
  if (Status st = s->LoadIndex(); !st.ok()) return st;
  return s;
}

SqliteTokenStore::~SqliteTokenStore() {
  sqlite3_finalize(data_version_stmt_);
  sqlite3_close(db_);
}

Status SqliteTokenStore::Migrate() {
  char* err = nullptr;
  const char* sql =
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE IF NOT EXISTS tokens ("
      "  id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,"
      "  created INTEGER NOT NULL, expires INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);";
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "?";
    sqlite3_free(err);
    return Status::IoError(path_ + ": cannot create the tokens table: " + m);
  }
  Stmt v(db_, "PRAGMA user_version");
  int version = v.ok() && v.Step() == SQLITE_ROW ? sqlite3_column_int(v.get(), 0) : 0;
  if (version > kSchemaVersion) {
    return Status::InvalidArgument(path_ + " has schema version " + std::to_string(version) + ", newer than this warden's (" +
                                   std::to_string(kSchemaVersion) + ")");
  }
  if (version < kSchemaVersion && sqlite3_exec(db_, "PRAGMA user_version=1", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return DbError(db_, path_);
  }
  return Status::Ok();
}

// Prepared once and kept: compiling the pragma was ~8k instructions, run every millisecond
// under load. Called with db_mu_ held.
int64_t SqliteTokenStore::DataVersion() {
  if (!data_version_stmt_ && sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &data_version_stmt_, nullptr) != SQLITE_OK) {
    data_version_stmt_ = nullptr;
    return -1;
  }
  int64_t v = sqlite3_step(data_version_stmt_) == SQLITE_ROW ? sqlite3_column_int64(data_version_stmt_, 0) : -1;
  sqlite3_reset(data_version_stmt_);
  return v;
}

Status SqliteTokenStore::LoadIndex() {
  std::unordered_map<std::string, TokenInfo> fresh;
  {
    std::lock_guard<std::mutex> lock(db_mu_);
    Stmt q(db_, "SELECT hash, id, name, role, created, expires, revoked FROM tokens");
    if (!q.ok()) return DbError(db_, path_);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      const void* h = sqlite3_column_blob(q.get(), 0);
      int n = sqlite3_column_bytes(q.get(), 0);
      if (n != 32 || !h) continue;
      fresh.emplace(std::string(static_cast<const char*>(h), 32), RowInfo(q, 1));
    }
    if (rc != SQLITE_DONE) return DbError(db_, path_);
    data_version_ = DataVersion();
  }
  std::unique_lock<std::shared_mutex> lock(index_mu_);
  index_.swap(fresh);
  return Status::Ok();
}

void SqliteTokenStore::RefreshIfChanged() {
  int64_t now = SteadyNs();
  int64_t last = last_check_ns_.load(std::memory_order_relaxed);
  if (now - last < kRecheckNs || !last_check_ns_.compare_exchange_strong(last, now)) return;
  bool changed;
  {
    std::lock_guard<std::mutex> lock(db_mu_);
    changed = DataVersion() != data_version_;
  }
  if (changed) (void)LoadIndex();  // on failure the old index stays: revocations seen so far hold
}

std::array<unsigned char, 32> SqliteTokenStore::HashOf(std::string_view token) const { return HashToken(key_, token); }

Result<CreatedToken> SqliteTokenStore::Create(const std::string& role, const std::string& name, int64_t ttl_s, int64_t now) {
  if (Status s = CheckNewToken(role, name, ttl_s); !s.ok()) return s;
  CreatedToken out;
  out.secret = NewTokenSecret();
  auto h = HashOf(out.secret);
  out.info.id = TokenIdOf(h);
  out.info.name = name;
  out.info.role = role;
  out.info.created = now;
  out.info.expires = ttl_s == 0 ? 0 : now + ttl_s;
  {
    std::lock_guard<std::mutex> lock(db_mu_);
    Stmt q(db_, "INSERT INTO tokens (id, hash, name, role, created, expires) VALUES (?, ?, ?, ?, ?, ?)");
    if (!q.ok()) return DbError(db_, path_);
    q.Text(1, out.info.id);
    q.Blob(2, h.data(), h.size());
    q.Text(3, name);
    q.Text(4, role);
    q.Int(5, out.info.created);
    q.Int(6, out.info.expires);
    if (q.Step() != SQLITE_DONE) return DbError(db_, "cannot store the token in " + path_);
    data_version_ = DataVersion();
  }
  std::unique_lock<std::shared_mutex> lock(index_mu_);
  index_.emplace(std::string(reinterpret_cast<const char*>(h.data()), h.size()), out.info);
  return out;
}

Result<std::vector<TokenInfo>> SqliteTokenStore::List() {
  std::lock_guard<std::mutex> lock(db_mu_);
  Stmt q(db_, "SELECT id, name, role, created, expires, revoked FROM tokens ORDER BY created, id");
  if (!q.ok()) return DbError(db_, path_);
  std::vector<TokenInfo> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(RowInfo(q, 0));
  if (rc != SQLITE_DONE) return DbError(db_, path_);
  return out;
}

Result<TokenInfo> SqliteTokenStore::Revoke(std::string_view id_or_name, int64_t now) {
  std::string target;
  {
    std::lock_guard<std::mutex> lock(db_mu_);
    Stmt q(db_, "SELECT id FROM tokens WHERE (id = ?1 OR name = ?1) AND revoked = 0");
    if (!q.ok()) return DbError(db_, path_);
    q.Text(1, id_or_name);
    std::vector<std::string> ids;
    while (q.Step() == SQLITE_ROW) ids.push_back(q.Col(0));
    std::string shown(id_or_name.substr(0, 64));
    if (ids.empty()) return Status::NotFound("no live token with id or name \"" + shown + "\" (warden token list)");
    if (ids.size() > 1) return Status::InvalidArgument(std::to_string(ids.size()) + " live tokens are named \"" + shown + "\": revoke by id");
    target = ids.front();
    Stmt u(db_, "UPDATE tokens SET revoked = ? WHERE id = ?");
    if (!u.ok()) return DbError(db_, path_);
    u.Int(1, now);
    u.Text(2, target);
    if (u.Step() != SQLITE_DONE) return DbError(db_, "cannot revoke in " + path_);
  }
  if (Status s = LoadIndex(); !s.ok()) return s;
  std::shared_lock<std::shared_mutex> lock(index_mu_);
  for (const auto& [h, info] : index_) {
    if (info.id == target) return info;
  }
  return Status::Internal("the revoked token vanished from " + path_);
}

VerifyResult SqliteTokenStore::Verify(std::string_view presented, int64_t now) {
  VerifyResult r;
  if (!TokenWellFormed(presented)) {
    r.problem = TokenProblem::kMalformed;
    return r;
  }
  RefreshIfChanged();
  auto h = HashOf(presented);
  std::string key(reinterpret_cast<const char*>(h.data()), h.size());
  std::shared_lock<std::shared_mutex> lock(index_mu_);
  auto it = index_.find(key);
  // The map lookup compares hashes of the secret, not the secret; the constant-time compare
  // below keeps even that free of early exits.
  if (it == index_.end() || sodium_memcmp(it->first.data(), h.data(), h.size()) != 0) {
    r.problem = TokenProblem::kUnknown;
    return r;
  }
  r.info = it->second;
  r.problem = ProblemAt(r.info, now);
  return r;
}

size_t SqliteTokenStore::size() const {
  std::shared_lock<std::shared_mutex> lock(index_mu_);
  return index_.size();
}

}  // namespace warden::security
