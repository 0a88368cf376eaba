#include "security/authn/redis_token_store.h"

#include <sodium.h>

#include <boost/json.hpp>

#include <algorithm>
#include <future>
#include <tuple>

namespace warden::security {

namespace json = boost::json;

namespace {

std::string InfoJson(const TokenInfo& t) {
  return json::serialize(json::object{{"id", t.id}, {"name", t.name}, {"role", t.role},
                                      {"created", t.created}, {"expires", t.expires}, {"revoked", t.revoked}});
}

bool ParseInfo(std::string_view text, TokenInfo* t) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.as_object();
  auto str = [&](const char* k, std::string* out) {
    auto* p = o.if_contains(k);
    if (!p || !p->is_string()) return false;
    *out = std::string(p->as_string());
    return true;
  };
  auto num = [&](const char* k, int64_t* out) {
    auto* p = o.if_contains(k);
    if (!p || !p->is_int64()) return false;
    *out = p->as_int64();
    return true;
  };
  return str("id", &t->id) && str("name", &t->name) && str("role", &t->role) && num("created", &t->created) &&
         num("expires", &t->expires) && num("revoked", &t->revoked);
}

}  // namespace

Result<std::shared_ptr<RedisTokenStore>> RedisTokenStore::Open(redis::Hub& hub, const std::string& state_dir,
                                                               TokenFailureMode mode) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not initialize");
  auto key = LoadTokenKey(state_dir);
  if (!key.ok()) return key.status();
  std::shared_ptr<RedisTokenStore> s(new RedisTokenStore(hub, *key, mode));
  RedisTokenStore* raw = s.get();
  hub.OnMessage("tokens", s->alive_.Guard([raw](const std::string& m) { raw->Changed(m); }));
  hub.OnConnect(s->alive_.Guard([raw] { raw->Reload(); }));
  return s;
}

// The whole index, again: after each (re)connect.
void RedisTokenStore::Reload() {
  hub_.commands().Command({"HGETALL", hub_.Key("tokens")}, alive_.Guard([this](Result<redis::Reply> r) {
    if (!r.ok() || r->type != redis::Reply::Type::kArray) return;  // the next reconnect tries again
    std::unordered_map<std::string, TokenInfo> fresh;
    for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
      TokenInfo t;
      if (ParseInfo(r->elements[i + 1].str, &t)) fresh.emplace(r->elements[i].str, std::move(t));
    }
    {
      std::unique_lock<std::shared_mutex> lock(mu_);
      index_.swap(fresh);
    }
    counts_.reloads++;
    loaded_ = true;
  }));
}

// "<hash hex> <TokenInfo JSON>": one token created or changed on some instance.
void RedisTokenStore::Changed(const std::string& message) {
  size_t space = message.find(' ');
  if (space == std::string::npos) return;
  TokenInfo t;
  if (!ParseInfo(std::string_view(message).substr(space + 1), &t)) return;
  counts_.changes_received++;
  std::unique_lock<std::shared_mutex> lock(mu_);
  index_[message.substr(0, space)] = std::move(t);
}

// Stores the token and tells every instance, in one transaction.
Status RedisTokenStore::Put(const std::string& hash_hex, const TokenInfo& info) {
  std::string body = InfoJson(info);
  std::promise<Status> done;
  auto future = done.get_future();
  hub_.commands().Pipeline({{"MULTI"},
                            {"HSET", hub_.Key("tokens"), hash_hex, body},
                            {"PUBLISH", hub_.Key("tokens"), hash_hex + " " + body},
                            {"EXEC"}},
                           [&done](std::vector<Result<redis::Reply>> r) {
                             for (const auto& x : r) {
                               if (!x.ok()) {
                                 done.set_value(Status::IoError("token store: " + x.status().message()));
                                 return;
                               }
                             }
                             done.set_value(Status::Ok());
                           });
  Status s = future.get();
  if (s.ok()) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    index_[hash_hex] = info;
  }
  return s;
}

Result<CreatedToken> RedisTokenStore::Create(const std::string& role, const std::string& name, int64_t ttl_s, int64_t now) {
  if (Status s = CheckNewToken(role, name, ttl_s); !s.ok()) return s;
  CreatedToken out;
  out.secret = NewTokenSecret();
  TokenHash h = HashToken(key_, out.secret);
  out.info.id = TokenIdOf(h);
  out.info.name = name;
  out.info.role = role;
  out.info.created = now;
  out.info.expires = ttl_s == 0 ? 0 : now + ttl_s;
  if (Status s = Put(HexOf(h.data(), h.size()), out.info); !s.ok()) return s;
  return out;
}

Result<std::vector<TokenInfo>> RedisTokenStore::List() {
  auto r = hub_.commands().CommandSync({"HVALS", hub_.Key("tokens")});
  if (!r.ok()) return Status::IoError("token store: " + r.status().message());
  std::vector<TokenInfo> out;
  for (const auto& e : r->elements) {
    TokenInfo t;
    if (ParseInfo(e.str, &t)) out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const TokenInfo& a, const TokenInfo& b) { return std::tie(a.created, a.id) < std::tie(b.created, b.id); });
  return out;
}

Result<TokenInfo> RedisTokenStore::Revoke(std::string_view id_or_name, int64_t now) {
  auto r = hub_.commands().CommandSync({"HGETALL", hub_.Key("tokens")});
  if (!r.ok()) return Status::IoError("token store: " + r.status().message());
  std::vector<std::pair<std::string, TokenInfo>> live;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    TokenInfo t;
    if (!ParseInfo(r->elements[i + 1].str, &t) || t.revoked != 0) continue;
    if (t.id == id_or_name || t.name == id_or_name) live.emplace_back(r->elements[i].str, std::move(t));
  }
  std::string shown(id_or_name.substr(0, 64));
  if (live.empty()) return Status::NotFound("no live token with id or name \"" + shown + "\" (warden token list)");
  if (live.size() > 1) return Status::InvalidArgument(std::to_string(live.size()) + " live tokens are named \"" + shown + "\": revoke by id");
  live[0].second.revoked = now;
  if (Status s = Put(live[0].first, live[0].second); !s.ok()) return s;
  return live[0].second;
}

VerifyResult RedisTokenStore::Verify(std::string_view presented, int64_t now) {
  VerifyResult v;
  if (!TokenWellFormed(presented)) {
    v.problem = TokenProblem::kMalformed;
    return v;
  }
  if (!loaded_.load() || (mode_ == TokenFailureMode::kClosed && !hub_.connected())) {
    counts_.refused_unavailable++;
    v.problem = TokenProblem::kUnavailable;
    return v;
  }
  TokenHash h = HashToken(key_, presented);
  std::string hex = HexOf(h.data(), h.size());
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = index_.find(hex);
  // The lookup compares hashes of the secret, not the secret; the constant-time compare keeps
  // even that free of early exits.
  if (it == index_.end() || sodium_memcmp(it->first.data(), hex.data(), hex.size()) != 0) {
    v.problem = TokenProblem::kUnknown;
    return v;
  }
  v.info = it->second;
  v.problem = ProblemAt(v.info, now);
  return v;
}

size_t RedisTokenStore::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return index_.size();
}

}  // namespace warden::security
