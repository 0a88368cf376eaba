#include "clients/mcp_pins.h"

#include <sodium.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include <algorithm>

namespace warden::mcp {
namespace {

namespace json = boost::json;

void Canonical(const json::value& v, std::string* out) {
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      std::vector<std::pair<std::string_view, const json::value*>> items;
      items.reserve(o.size());
      for (const auto& [k, x] : o) items.emplace_back(k, &x);
      std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out->push_back(',');
        *out += json::serialize(json::string(items[i].first));
        out->push_back(':');
        Canonical(*items[i].second, out);
      }
      out->push_back('}');
      break;
    }
    case json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& x : v.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        Canonical(x, out);
      }
      out->push_back(']');
      break;
    }
    default: *out += json::serialize(v);
  }
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return ok_; }
  Stmt& Text(int i, std::string_view t) {
    sqlite3_bind_text(s_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }
  std::string Col(int i) {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }
  int64_t ColInt(int i) { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

Status DbError(sqlite3* db, const std::string& what) {
  return Status::IoError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

constexpr const char* kColumns =
    "server, tool, hash, description, first_seen, accepted, changed, seen_hash, seen_description, changed_at";

Pin ReadPin(Stmt& q) {
  Pin p;
  p.server = q.Col(0);
  p.tool = q.Col(1);
  p.hash = q.Col(2);
  p.description = q.Col(3);
  p.first_seen = q.ColInt(4);
  p.accepted = q.ColInt(5);
  p.changed = q.ColInt(6) != 0;
  p.seen_hash = q.Col(7);
  p.seen_description = q.Col(8);
  p.changed_at = q.ColInt(9);
  return p;
}

}  // namespace

std::string ToolHash(const json::value& tool) {
  json::object id;
  if (tool.is_object()) {
    const auto& o = tool.get_object();
    for (const char* k : {"name", "description", "inputSchema"}) {
      if (const json::value* v = o.if_contains(k)) id[k] = *v;
    }
  }
  std::string text;
  Canonical(id, &text);
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

Result<std::unique_ptr<PinStore>> PinStore::Open(const std::string& state_dir) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not initialize");
  ::mkdir(state_dir.c_str(), 0700);
  std::unique_ptr<PinStore> s(new PinStore());
  s->path_ = state_dir + "/warden.db";
  if (sqlite3_open_v2(s->path_.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return DbError(s->db_, "cannot open " + s->path_);
  }
  ::chmod(s->path_.c_str(), 0600);
  sqlite3_busy_timeout(s->db_, 5000);
  char* err = nullptr;
  const char* sql =
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE IF NOT EXISTS mcp_pins ("
      "  server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, description TEXT NOT NULL,"
      "  first_seen INTEGER NOT NULL, accepted INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0,"
      "  seen_hash TEXT NOT NULL DEFAULT '', seen_description TEXT NOT NULL DEFAULT '',"
      "  changed_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (server, tool));";
  if (sqlite3_exec(s->db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "?";
    sqlite3_free(err);
    return Status::IoError(s->path_ + ": cannot create the mcp_pins table: " + m);
  }
  return s;
}

PinStore::~PinStore() { sqlite3_close(db_); }

Result<PinCheck> PinStore::Observe(std::string_view server, std::string_view tool, std::string_view hash,
                                   std::string_view description, int64_t now) {
  Stmt q(db_, "SELECT hash, changed, seen_hash FROM mcp_pins WHERE server = ?1 AND tool = ?2");
  if (!q.ok()) return DbError(db_, path_);
  q.Text(1, server).Text(2, tool);
  int rc = q.Step();
  if (rc == SQLITE_DONE) {
    Stmt ins(db_, "INSERT INTO mcp_pins (server, tool, hash, description, first_seen) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!ins.ok()) return DbError(db_, path_);
    ins.Text(1, server).Text(2, tool).Text(3, hash).Text(4, description).Int(5, now);
    if (ins.Step() != SQLITE_DONE) return DbError(db_, path_);
    return PinCheck::kNew;
  }
  blocked_read_ = {};  // re-read on the next Blocked
  if (rc != SQLITE_ROW) return DbError(db_, path_);
  std::string pinned = q.Col(0);
  bool changed = q.ColInt(1) != 0;
  std::string seen = q.Col(2);
  if (pinned == hash) {
    if (changed) {
      Stmt up(db_, "UPDATE mcp_pins SET changed = 0, seen_hash = '', seen_description = '' WHERE server = ?1 AND tool = ?2");
      if (!up.ok()) return DbError(db_, path_);
      up.Text(1, server).Text(2, tool);
      if (up.Step() != SQLITE_DONE) return DbError(db_, path_);
    }
    return PinCheck::kSame;
  }
  if (!changed || seen != hash) {
    Stmt up(db_,
            "UPDATE mcp_pins SET changed = 1, seen_hash = ?3, seen_description = ?4, changed_at = ?5 "
            "WHERE server = ?1 AND tool = ?2");
    if (!up.ok()) return DbError(db_, path_);
    up.Text(1, server).Text(2, tool).Text(3, hash).Text(4, description).Int(5, now);
    if (up.Step() != SQLITE_DONE) return DbError(db_, path_);
  }
  return PinCheck::kChanged;
}

Status PinStore::RefreshBlocked() {
  Stmt q(db_, "SELECT server, tool FROM mcp_pins WHERE changed = 1");
  if (!q.ok()) return DbError(db_, path_);
  std::set<std::pair<std::string, std::string>, std::less<>> fresh;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) fresh.emplace(q.Col(0), q.Col(1));
  if (rc != SQLITE_DONE) return DbError(db_, path_);
  blocked_ = std::move(fresh);
  blocked_read_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

Result<bool> PinStore::Blocked(std::string_view server, std::string_view tool) {
  if (std::chrono::steady_clock::now() - blocked_read_ > std::chrono::seconds(1)) {
    if (Status s = RefreshBlocked(); !s.ok()) return s;
  }
  return blocked_.count(std::pair<std::string, std::string>(server, tool)) > 0;
}

Result<std::vector<Pin>> PinStore::List(std::string_view server) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM mcp_pins" + (server.empty() ? "" : " WHERE server = ?1") +
                    " ORDER BY server, tool";
  Stmt q(db_, sql.c_str());
  if (!q.ok()) return DbError(db_, path_);
  if (!server.empty()) q.Text(1, server);
  std::vector<Pin> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadPin(q));
  if (rc != SQLITE_DONE) return DbError(db_, path_);
  return out;
}

Result<Pin> PinStore::Accept(std::string_view server, std::string_view tool, int64_t now) {
  Stmt up(db_,
          "UPDATE mcp_pins SET hash = seen_hash, description = seen_description, accepted = ?3, changed = 0, "
          "seen_hash = '', seen_description = '' WHERE server = ?1 AND tool = ?2 AND changed = 1");
  if (!up.ok()) return DbError(db_, path_);
  up.Text(1, server).Text(2, tool).Int(3, now);
  if (up.Step() != SQLITE_DONE) return DbError(db_, path_);
  blocked_read_ = {};
  if (sqlite3_changes(db_) == 0) {
    auto all = List(server);
    bool known = all.ok() && std::any_of(all->begin(), all->end(), [&](const Pin& p) { return p.tool == tool; });
    return Status::NotFound(known ? "tool '" + std::string(tool) + "' of server '" + std::string(server) +
                                        "' has no change waiting to be accepted"
                                  : "no pin for tool '" + std::string(tool) + "' of server '" + std::string(server) + "'");
  }
  auto all = List(server);
  if (!all.ok()) return all.status();
  for (auto& p : *all) {
    if (p.tool == tool) return p;
  }
  return Status::Internal("the accepted pin vanished");
}

Status PinStore::Forget(std::string_view server, std::string_view tool) {
  Stmt del(db_, "DELETE FROM mcp_pins WHERE server = ?1 AND tool = ?2");
  if (!del.ok()) return DbError(db_, path_);
  del.Text(1, server).Text(2, tool);
  if (del.Step() != SQLITE_DONE) return DbError(db_, path_);
  blocked_read_ = {};
  if (sqlite3_changes(db_) == 0) return Status::NotFound("no pin for tool '" + std::string(tool) + "' of server '" + std::string(server) + "'");
  return Status::Ok();
}

}  // namespace warden::mcp
