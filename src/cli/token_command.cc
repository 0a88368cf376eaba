// `warden token create|list|revoke`: bearer tokens for the HTTP API (docs/API.md). They live in
// the state DB of the state directory (--state-dir, $WARDEN_STATE_DIR), which the daemon reads
// too: a token created or revoked here takes effect in a running daemon within a millisecond.
// The secret is printed once, by `create`, and stored nowhere (only its keyed hash is kept).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "audit/record.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "redis/hub.h"
#include "security/authn/redis_token_store.h"
#include "security/authn/sqlite_token_store.h"
#include "server/http_tokens.h"
#include "local/paths.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct TokenArgs {
  DaemonFlags daemon;
  std::string role;
  std::string name;
  std::string ttl = "24h";
  std::string target;
  bool json = false;
  std::string redis;  // the shared store of several instances, instead of STATE_DIR/warden.db
  std::string redis_prefix = "warden:";
};

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int Fail(const std::string& message, int code) {
  std::cerr << "warden token: " << message << "\n";
  return code;
}

// The shared store: a link to Redis of its own, held as long as the store.
Result<std::shared_ptr<security::TokenStore>> OpenShared(const TokenArgs& a, const std::string& dir) {
  std::string url = a.redis;
  if (const char* pw = std::getenv("WARDEN_REDIS_PASSWORD"); pw && *pw && url.rfind("redis://", 0) == 0 && url.find('@') == std::string::npos) {
    url = "redis://:" + std::string(pw) + "@" + url.substr(8);
  }
  auto address = redis::ParseUrl(url);
  if (!address.ok()) return Status::InvalidArgument("--redis: " + address.status().message());
  struct Held {
    std::unique_ptr<redis::Hub> hub;
    std::shared_ptr<security::RedisTokenStore> store;
    ~Held() {
      hub->Stop();  // before the store it calls back
    }
  };
  auto held = std::make_shared<Held>();
  redis::ClientOptions o;
  o.address = *address;
  held->hub = std::make_unique<redis::Hub>(o, "cli", a.redis_prefix);
  auto store = security::RedisTokenStore::Open(*held->hub, dir, security::TokenFailureMode::kClosed);
  if (!store.ok()) return store.status();
  held->store = *store;
  held->hub->Start();
  for (int i = 0; i < 300 && !(held->hub->connected() && held->store->loaded()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!held->hub->connected()) return Status::IoError("cannot reach Redis at " + address->Describe());
  return std::shared_ptr<security::TokenStore>(held, held->store.get());
}

Result<std::shared_ptr<security::TokenStore>> OpenStore(const TokenArgs& a) {
  const DaemonFlags& d = a.daemon;
  std::string dir = d.StateDir();
  if (Status s = local::PrivateDir(dir); !s.ok()) return s;
  if (!a.redis.empty()) return OpenShared(a, dir);
  auto store = security::SqliteTokenStore::Open(dir);
  if (!store.ok()) return store.status();
  return std::shared_ptr<security::TokenStore>(*store);
}

std::string When(int64_t unix_s) { return unix_s ? audit::FormatTimestamp(unix_s * 1'000'000) : "never"; }

int RunCreate(const TokenArgs& a) {
  auto ttl = security::ParseTokenTtl(a.ttl);
  if (!ttl.ok()) return Fail(ttl.status().message(), kExitUsage);
  auto store = OpenStore(a);
  if (!store.ok()) return Fail(store.status().message(), kExitInternal);
  auto made = (*store)->Create(a.role, a.name, *ttl, UnixNow());
  if (!made.ok()) {
    int code = made.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitInternal;
    return Fail(made.status().message(), code);
  }
  if (a.json) {
    json::object o = server::TokenJson(made->info, UnixNow());
    o["token"] = made->secret;
    PrintJson(o);
    return 0;
  }
  std::cout << made->secret << "\n";
  std::cerr << "warden token: created " << made->info.id << " (role " << made->info.role
            << (made->info.name.empty() ? "" : ", name " + made->info.name) << ", expires " << When(made->info.expires)
            << ").\nThe token above is shown this once; Warden keeps only a hash of it.\n";
  return 0;
}

int RunList(const TokenArgs& a) {
  auto store = OpenStore(a);
  if (!store.ok()) return Fail(store.status().message(), kExitInternal);
  auto list = (*store)->List();
  if (!list.ok()) return Fail(list.status().message(), kExitInternal);
  int64_t now = UnixNow();
  if (a.json) {
    json::array out;
    for (const auto& t : *list) out.push_back(server::TokenJson(t, now));
    PrintJson(out);
    return 0;
  }
  if (list->empty()) {
    std::cout << "no tokens (warden token create --role ROLE)\n";
    return 0;
  }
  std::printf("%-16s %-8s %-12s %-20s %-26s %s\n", "ID", "STATE", "ROLE", "NAME", "EXPIRES", "CREATED");
  for (const auto& t : *list) {
    std::string state = server::TokenJson(t, now).at("state").as_string().c_str();
    std::printf("%-16s %-8s %-12s %-20s %-26s %s\n", t.id.c_str(), state.c_str(), t.role.c_str(),
                t.name.empty() ? "-" : t.name.c_str(), When(t.expires).c_str(), When(t.created).c_str());
  }
  return 0;
}

int RunRevoke(const TokenArgs& a) {
  auto store = OpenStore(a);
  if (!store.ok()) return Fail(store.status().message(), kExitInternal);
  auto r = (*store)->Revoke(a.target, UnixNow());
  if (!r.ok()) {
    int code = r.status().code() == Status::Code::kIoError ? kExitInternal : kExitUsage;
    return Fail(r.status().message(), code);
  }
  if (a.json) {
    PrintJson(server::TokenJson(*r, UnixNow()));
  } else {
    std::cout << "revoked " << r->id << (r->name.empty() ? "" : " (" + r->name + ")") << "\n";
  }
  return 0;
}

void AddRedisFlags(CLI::App* cmd, TokenArgs* args) {
  cmd->add_option("--redis", args->redis,
                  "The shared token store of several `warden serve --redis` instances (the same URL; the same "
                  "token.key in the state directory)");
  cmd->add_option("--redis-prefix", args->redis_prefix, "With --redis: the instances' --redis-prefix (default warden:)");
}

}  // namespace

void RegisterToken(CLI::App& app, Runner* run) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* cmd = app.add_subcommand("token", "Create, list and revoke bearer tokens for the HTTP API");
  cmd->require_subcommand(1);
  cmd->footer(R"(Tokens are `wdn_` + 43 base64url characters (32 random bytes). Only a keyed hash of each is
stored, in STATE_DIR/warden.db; a running daemon sees new and revoked tokens at once.
A token's role must be granted the endpoint's permission by the policy's roles (docs/API.md):
the built-in roles are admin (everything), service (check, authz) and metrics.

Examples:
  warden token create --role service --name billing-api          # prints the token once
  TOKEN=$(warden token create --role admin --ttl 1h 2>/dev/null)
  warden token create --role service --json | jq -r .token
  warden token list
  warden token revoke billing-api          # by name, or by id (tok_…)
  # several instances sharing state: the same Redis, the same STATE_DIR/token.key
  warden token create --role admin --redis redis://10.0.0.5:6379 --state-dir /etc/warden
)");

  CLI::App* create = cmd->add_subcommand("create", "Create a token and print it (once)");
  AddDaemonFlags(create, &args->daemon);
  create->add_option("--role", args->role, "The role the token acts as (admin, service, metrics or a policy role)")->required();
  create->add_option("--ttl", args->ttl, "Lifetime: 90s, 30m, 24h (default), 7d … or never");
  create->add_option("--name", args->name, "A name to find it by (list, revoke)");
  create->add_flag("--json", args->json, "One JSON object; its `token` field holds the secret");
  AddRedisFlags(create, args.get());
  create->callback([run, args] { *run = [args] { return RunCreate(*args); }; });

  CLI::App* list = cmd->add_subcommand("list", "List tokens (never their secrets)");
  AddDaemonFlags(list, &args->daemon);
  list->add_flag("--json", args->json, "A JSON array");
  AddRedisFlags(list, args.get());
  list->callback([run, args] { *run = [args] { return RunList(*args); }; });

  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a token by id or name; takes effect at once");
  AddDaemonFlags(revoke, &args->daemon);
  revoke->add_option("TOKEN", args->target, "The token's id (tok_…) or name")->required();
  revoke->add_flag("--json", args->json, "The revoked token as JSON");
  AddRedisFlags(revoke, args.get());
  revoke->callback([run, args] { *run = [args] { return RunRevoke(*args); }; });
}

}  // namespace warden::cli
