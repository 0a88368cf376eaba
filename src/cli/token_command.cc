// `warden token create|list|revoke`: bearer tokens for the HTTP API (docs/API.md). They live in
// the state DB of the state directory (--state-dir, $WARDEN_STATE_DIR), which the daemon reads
// too: a token created or revoked here takes effect in a running daemon within a millisecond.
// The secret is printed once, by `create`, and stored nowhere (only its keyed hash is kept).
#include <chrono>
#include <cstdio>
#include <iostream>

#include "audit/record.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
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
};

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int Fail(const std::string& message, int code) {
  std::cerr << "warden token: " << message << "\n";
  return code;
}

Result<std::shared_ptr<security::TokenStore>> OpenStore(const DaemonFlags& d) {
  std::string dir = d.StateDir();
  if (Status s = local::PrivateDir(dir); !s.ok()) return s;
  auto store = security::SqliteTokenStore::Open(dir);
  if (!store.ok()) return store.status();
  return std::shared_ptr<security::TokenStore>(*store);
}

std::string When(int64_t unix_s) { return unix_s ? audit::FormatTimestamp(unix_s * 1'000'000) : "never"; }

int RunCreate(const TokenArgs& a) {
  auto ttl = security::ParseTokenTtl(a.ttl);
  if (!ttl.ok()) return Fail(ttl.status().message(), kExitUsage);
  auto store = OpenStore(a.daemon);
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
  auto store = OpenStore(a.daemon);
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
  auto store = OpenStore(a.daemon);
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
)");

  CLI::App* create = cmd->add_subcommand("create", "Create a token and print it (once)");
  AddDaemonFlags(create, &args->daemon);
  create->add_option("--role", args->role, "The role the token acts as (admin, service, metrics or a policy role)")->required();
  create->add_option("--ttl", args->ttl, "Lifetime: 90s, 30m, 24h (default), 7d … or never");
  create->add_option("--name", args->name, "A name to find it by (list, revoke)");
  create->add_flag("--json", args->json, "One JSON object; its `token` field holds the secret");
  create->callback([run, args] { *run = [args] { return RunCreate(*args); }; });

  CLI::App* list = cmd->add_subcommand("list", "List tokens (never their secrets)");
  AddDaemonFlags(list, &args->daemon);
  list->add_flag("--json", args->json, "A JSON array");
  list->callback([run, args] { *run = [args] { return RunList(*args); }; });

  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a token by id or name; takes effect at once");
  AddDaemonFlags(revoke, &args->daemon);
  revoke->add_option("TOKEN", args->target, "The token's id (tok_…) or name")->required();
  revoke->add_flag("--json", args->json, "The revoked token as JSON");
  revoke->callback([run, args] { *run = [args] { return RunRevoke(*args); }; });
}

}  // namespace warden::cli
