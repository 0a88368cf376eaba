// `warden serve`: the daemon, in the foreground. Built into its own executable, warden-serve
// (serve_main.cc), which `warden serve` execs: the daemon links OpenSSL (TLS, RS256) and the
// HTTP stack, and the `warden` that hooks and `warden exec` start once per agent command does
// not carry them (docs/DEPENDENCIES.md).
#include <grp.h>
#include <pwd.h>

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <iostream>

#include "audit/retention.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "cli/decide_client.h"
#include "local/client.h"
#include "server/daemon.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct ServeArgs {
  DaemonFlags daemon;
  PolicyFlags policy;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string audit_sync = "batch";
  bool no_watch = false;
  bool no_audit = false;
  // Audit retention (audit/retention.h)
  std::string audit_max_age = "0", audit_max_bytes = "0", audit_segment_bytes;
  bool no_audit_compress = false;
  uint64_t audit_compress_after = audit::kRetentionKeepNewest;
  int audit_retention_interval_s = 60;
  std::vector<std::string> allow_uids;
  std::string socket_group;
  // HTTP API
  std::string http;
  std::string tls_cert, tls_key;
  std::vector<std::string> rate_limits;
  std::vector<std::string> stages_off;
  std::string anonymous_role;
  bool timing_always = false;
  size_t max_body = 64 * 1024;
  size_t max_connections = 4096;
  double request_timeout_s = 10;
  // The Unix socket's connections (server::SocketLimits)
  double read_timeout_s = 10, idle_timeout_s = 300, write_timeout_s = 30;
  std::string jwks;
  std::string jwt_issuer;
  std::vector<std::string> jwt_audiences;
  // Several instances sharing state (docs/API.md "Several instances")
  std::string redis;
  std::string redis_prefix = "warden:";
  std::string instance_id;
  std::string redis_tokens = "closed";
  std::string redis_rate_limits = "local";
};

// A uid given as a number or a user name.
bool ResolveUid(const std::string& s, unsigned* uid) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (!s.empty() && end && *end == '\0' && v < (1ul << 31)) {
    *uid = static_cast<unsigned>(v);
    return true;
  }
  const passwd* pw = getpwnam(s.c_str());
  if (pw == nullptr) return false;
  *uid = pw->pw_uid;
  return true;
}

bool ResolveGid(const std::string& s, int* gid) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (!s.empty() && end && *end == '\0' && v < (1ul << 31)) {
    *gid = static_cast<int>(v);
    return true;
  }
  const group* gr = getgrnam(s.c_str());
  if (gr == nullptr) return false;
  *gid = static_cast<int>(gr->gr_gid);
  return true;
}

// --audit-max-age, --audit-max-bytes, --audit-segment-bytes, --no-audit-compress, --audit-compress-after.
Status RetentionFromFlags(const ServeArgs& a, server::DaemonOptions* o) {
  audit::RetentionPolicy& p = o->audit_retention;
  auto age = audit::ParseRetentionAge(a.audit_max_age);
  if (!age.ok()) return Status::InvalidArgument("--audit-max-age: " + age.status().message());
  auto bytes = audit::ParseRetentionBytes(a.audit_max_bytes);
  if (!bytes.ok()) return Status::InvalidArgument("--audit-max-bytes: " + bytes.status().message());
  p.max_age_micros = *age;
  p.max_bytes = *bytes;
  p.compress = !a.no_audit_compress;
  p.keep_uncompressed = a.audit_compress_after;
  p.interval = std::chrono::seconds(a.audit_retention_interval_s);
  if (!a.audit_segment_bytes.empty()) {
    auto segment = audit::ParseRetentionBytes(a.audit_segment_bytes);
    if (!segment.ok() || *segment < 4096) {
      return Status::InvalidArgument("--audit-segment-bytes: at least 4096 bytes (4K), e.g. 64M");
    }
    o->audit_segment_bytes = *segment;
  }
  uint64_t segment = o->audit_segment_bytes ? o->audit_segment_bytes : uint64_t{64} << 20;
  if (p.max_bytes > 0 && p.max_bytes < 2 * segment) {
    std::cerr << "warden serve: note: --audit-max-bytes " << a.audit_max_bytes << " is less than two segments ("
              << 2 * segment << " bytes); the newest two are never removed, so the log stays above the limit\n";
  }
  return Status::Ok();
}

int RunServe(const ServeArgs& a) {
  server::DaemonOptions o;
  o.socket_path = a.daemon.Socket();
  o.state_dir = a.daemon.StateDir();
  o.policy_files = a.policy.files;
  o.profile = a.policy.profile.empty() ? "default" : a.policy.profile;
  o.user_layer = !a.policy.isolated;
  o.repository_layer = !a.policy.isolated;
  o.home = HomeDir();
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') o.config_home = x;
  o.threads = a.threads;
  o.watch_files = !a.no_watch;
  o.audit_always = a.audit_sync == "always";
  o.audit = !a.no_audit;
  if (Status s = RetentionFromFlags(a, &o); !s.ok()) {
    std::cerr << "warden serve: " << s.message() << "\n";
    return kExitUsage;
  }
  for (const auto& u : a.allow_uids) {
    unsigned uid = 0;
    if (!ResolveUid(u, &uid)) {
      std::cerr << "warden serve: --allow-uid " << u << ": no such user\n";
      return kExitUsage;
    }
    o.allow_uids.push_back(uid);
  }
  if (!a.socket_group.empty() && !ResolveGid(a.socket_group, &o.socket_gid)) {
    std::cerr << "warden serve: --socket-group " << a.socket_group << ": no such group\n";
    return kExitUsage;
  }
  if (!o.allow_uids.empty() && o.socket_gid < 0) {
    std::cerr << "warden serve: note: --allow-uid without --socket-group: the socket stays 0600 in a 0700 directory, so "
                 "other users cannot reach it\n";
  }
  o.http.listen = a.http;
  o.http.tls_cert = a.tls_cert;
  o.http.tls_key = a.tls_key;
  o.http.max_body_bytes = a.max_body;
  o.http.max_connections = a.max_connections;
  o.http.request_timeout = std::chrono::milliseconds(static_cast<int64_t>(a.request_timeout_s * 1000));
  auto ms = [](double s) { return std::chrono::milliseconds(static_cast<int64_t>(s * 1000)); };
  o.socket_limits.read_timeout = ms(a.read_timeout_s);
  o.socket_limits.idle_timeout = ms(a.idle_timeout_s);
  o.socket_limits.write_timeout = ms(a.write_timeout_s);
  o.rate_limits = a.rate_limits;
  o.jwks_file = a.jwks;
  o.jwt_issuer = a.jwt_issuer;
  o.jwt_audiences = a.jwt_audiences;
  o.http_api.timing_always = a.timing_always;
  if (!a.redis.empty()) {
    o.shared.redis_url = a.redis;
    if (const char* pw = std::getenv("WARDEN_REDIS_PASSWORD"); pw && *pw && a.redis.find('@') == std::string::npos) {
      // redis://HOST… + the password from the environment, kept off the command line
      o.shared.redis_url = a.redis.rfind("redis://", 0) == 0 ? "redis://:" + std::string(pw) + "@" + a.redis.substr(8) : a.redis;
    }
    o.shared.prefix = a.redis_prefix;
    o.shared.instance_id = a.instance_id;
    o.shared.tokens = a.redis_tokens == "cached" ? security::TokenFailureMode::kCached : security::TokenFailureMode::kClosed;
    o.shared.rate_limits = a.redis_rate_limits == "closed" ? security::RateFailureMode::kClosed : security::RateFailureMode::kLocal;
  } else if (a.redis_prefix != "warden:" || !a.instance_id.empty() || a.redis_tokens != "closed" || a.redis_rate_limits != "local") {
    std::cerr << "warden serve: --redis-prefix, --instance-id, --redis-tokens and --redis-rate-limits need --redis URL\n";
    return kExitUsage;
  }
  o.http_api.anonymous_role = a.anonymous_role;
  for (const auto& st : a.stages_off) {
    auto& sw = o.http_api.stages;
    if (st == "authn") sw.authn = false;
    else if (st == "ratelimit") sw.ratelimit = false;
    else if (st == "validate") sw.validate = false;
    else if (st == "authz") sw.authz = false;
    else if (st == "audit") sw.audit = false;
    else if (st == "all") sw = server::StageSwitches{false, false, false, false, false};
  }
  bool http_flags = !a.tls_cert.empty() || !a.tls_key.empty() || !a.rate_limits.empty() || !a.stages_off.empty() ||
                    !a.jwks.empty() || !a.anonymous_role.empty() || a.timing_always;
  if (o.http.listen.empty() && http_flags) {
    std::cerr << "warden serve: --tls-cert, --rate-limit, --stage-off, --jwks, --anonymous-role and --server-timing "
                 "need --http ADDRESS:PORT\n";
    return kExitUsage;
  }
  if (!a.anonymous_role.empty() && o.http_api.stages.authn) {
    std::cerr << "warden serve: --anonymous-role only applies with --stage-off authn\n";
    return kExitUsage;
  }
  if (!o.http.listen.empty() && !o.http_api.stages.authn) {
    std::cerr << "warden serve: WARNING: --stage-off authn: the HTTP API does not check credentials; every caller gets "
              << (a.anonymous_role.empty() ? "no role" : "role \"" + a.anonymous_role + "\"")
              << " (for measurements, not for real use)\n";
  }
  if (!o.http.listen.empty() && !o.http_api.stages.audit) {
    std::cerr << "warden serve: WARNING: --stage-off audit: HTTP requests and their decisions are NOT recorded\n";
  }
  if (a.no_audit) std::cerr << "warden serve: --no-audit: decisions are NOT recorded (for measuring the audit stage only)\n";
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);  // a file size limit is a write error (the audit writer recovers), not death
  server::Daemon d(o);
  if (Status s = d.Start(); !s.ok()) {
    std::cerr << "warden serve: " << s.message() << "\n";
    return s.code() == Status::Code::kInvalidArgument && s.message().find("policy") != std::string::npos ? kExitPolicy
                                                                                                        : kExitUnavailable;
  }
  d.Run();
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, Runner* run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the daemon in the foreground (for systemd and tests)");
  AddDaemonFlags(cmd, &args->daemon);
  AddPolicyFlags(cmd, &args->policy);
  cmd->add_option("--threads", args->threads, "I/O threads for the socket and HTTP (default: one per core)")->check(CLI::Range(1, 64));
  cmd->add_option("--audit-sync", args->audit_sync, "batch (default): answer once the decision's record is written "
                                                     "(write(2): survives a crash of the daemon), fsync at least every 10 ms; "
                                                     "always: answer only once it is fsynced (survives a crash of the machine)")
      ->check(CLI::IsMember({"batch", "always"}));
  cmd->add_flag("--no-audit", args->no_audit, "Do not write the audit log (to measure what the audit stage costs; not for real use)");
  cmd->add_option("--audit-max-age", args->audit_max_age,
                  "Remove audit segments whose records are all older than this (30d, 12h; default 0: keep). The "
                  "removal is recorded in the log and in audit/anchor.json, so `warden audit verify` still checks "
                  "the rest")
      ->type_name("AGE");
  cmd->add_option("--audit-max-bytes", args->audit_max_bytes,
                  "Remove the oldest audit segments while the log is larger than this (1G, 500M; default 0: no limit)")
      ->type_name("SIZE");
  cmd->add_flag("--no-audit-compress", args->no_audit_compress,
                "Do not gzip closed audit segments (default: every segment but the newest N is compressed)");
  cmd->add_option("--audit-compress-after", args->audit_compress_after,
                  "Keep the newest N segments uncompressed (default and minimum 2)")
      ->check(CLI::Range(uint64_t{2}, uint64_t{1} << 20))
      ->type_name("N");
  cmd->add_option("--audit-segment-bytes", args->audit_segment_bytes,
                  "Start a new audit segment past this size (default 64M; at least 4K)")
      ->type_name("SIZE");
  cmd->add_option("--audit-retention-interval", args->audit_retention_interval_s,
                  "Seconds between retention passes (default 60; one also runs after each new segment)")
      ->check(CLI::Range(1, 86400))
      ->type_name("SECONDS");
  cmd->add_option("--allow-uid", args->allow_uids,
                  "The hardened set-up: this user (uid or name; repeatable) may decide and ask for status. "
                  "Approvals, reload and events stay with the daemon's own user");
  cmd->add_option("--socket-group", args->socket_group,
                  "Share the socket (0660) and its directory (0750) with this group, for --allow-uid users");
  cmd->add_flag("--no-watch", args->no_watch, "Do not reload when a policy file changes (SIGHUP still reloads)");
  cmd->add_option("--read-timeout", args->read_timeout_s,
                  "Seconds a socket client has to finish a line it started (default 10); then a timeout error and the "
                  "connection is closed")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "Seconds a socket connection with nothing pending stays open (default 300; subscribers and clients "
                  "waiting for an approval are not idle). Closed without a line: clients reconnect")
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--write-timeout", args->write_timeout_s,
                  "Seconds a socket client may leave its answers unread before it is disconnected (default 30); "
                  "while more than 256 KiB wait, the daemon stops reading from it")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--http", args->http, "Also serve the HTTP API (docs/API.md) on ADDRESS:PORT, e.g. 127.0.0.1:8181");
  cmd->add_option("--tls-cert", args->tls_cert, "Serve HTTPS with this PEM certificate chain (with --tls-key)");
  cmd->add_option("--tls-key", args->tls_key, "The PEM private key for --tls-cert");
  cmd->add_option("--rate-limit", args->rate_limits,
                  "Rate limits over the defaults and the policy's rate_limits (repeatable): default=100/min, "
                  "expensive=30/min, auth-failure=10/min, CLASS=N/UNIT,burst=B, ban=5/1h or ban=off, max-keys=N");
  cmd->add_option("--stage-off", args->stages_off, "Switch a security stage off (repeatable; for measuring what each costs): "
                                                   "authn, ratelimit, validate, authz, audit or all")
      ->check(CLI::IsMember({"authn", "ratelimit", "validate", "authz", "audit", "all"}));
  cmd->add_option("--anonymous-role", args->anonymous_role, "With --stage-off authn: the role every caller gets");
  cmd->add_flag("--server-timing", args->timing_always, "Send Server-Timing on every response (else only when the client sends Warden-Timing: 1)");
  cmd->add_option("--max-body", args->max_body, "Largest request body in bytes (default 65536; more gets 413)")->check(CLI::Range(1024, 16 << 20));
  cmd->add_option("--max-connections", args->max_connections, "HTTP connections at once (default 4096): at the limit the one waiting longest for a request is closed; "
                  "503 only when all are busy")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--request-timeout", args->request_timeout_s,
                  "Seconds a client has to send a whole request, and an idle keep-alive connection lives (default 10)")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--jwks", args->jwks, "Also accept JWT bearer tokens (HS256, RS256, EdDSA) signed by the keys of this local JWKS file");
  cmd->add_option("--jwt-issuer", args->jwt_issuer, "With --jwks: the required `iss` claim");
  cmd->add_option("--jwt-audience", args->jwt_audiences, "With --jwks: an accepted `aud` value (repeatable); any one must be in the token");
  cmd->add_option("--redis", args->redis,
                  "Share tokens, revocations, rate limits, bans, approvals and events with the other instances through this "
                  "Redis: redis://[:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH (password also from $WARDEN_REDIS_PASSWORD)");
  cmd->add_option("--redis-prefix", args->redis_prefix, "With --redis: the prefix of every key and channel (default warden:)");
  cmd->add_option("--instance-id", args->instance_id, "With --redis: this instance's name in decision ids and approvals (default: random)")
      ->check([](const std::string& v) {
        if (v.empty() || v.size() > 63) return std::string("1-63 characters");
        for (char c : v) {
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return std::string("letters, digits, - _ . only");
        }
        return std::string();
      });
  cmd->add_option("--redis-tokens", args->redis_tokens,
                  "With --redis, while Redis is away: closed (default: no bearer token is accepted, 503) or cached (the tokens as last seen)")
      ->check(CLI::IsMember({"closed", "cached"}));
  cmd->add_option("--redis-rate-limits", args->redis_rate_limits,
                  "With --redis, while Redis is away: local (default: each instance limits alone) or closed (rate-limited requests get 503)")
      ->check(CLI::IsMember({"local", "closed"}));
  cmd->footer(R"(The daemon decides for `warden exec`, `warden hook` and the other clients over a Unix socket
(mode 0600 in a 0700 directory; peers of another uid are refused). SIGHUP, or a change to a
policy file, reloads the policy; a policy that fails to load never replaces the running one.
SIGTERM or SIGINT stops it. It never runs commands itself.

Examples:
  warden serve
  warden serve --socket /tmp/w.sock --policy team.yaml
  systemctl --user enable --now warden      # packaging/warden.service
  # hardened: the daemon as user warden, the agent's user (alice) may only decide
  sudo -u warden warden serve --socket /run/warden/warden.sock --allow-uid alice --socket-group warden-clients
  # the HTTP API for services and proxies (tokens: warden token create --role service)
  warden serve --http 127.0.0.1:8181
  warden serve --http 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --rate-limit default=600/min
  # several instances behind a load balancer, sharing state through Redis (deploy/)
  warden serve --http 127.0.0.1:8181 --redis redis://10.0.0.5:6379 --instance-id web-1
  # audit retention: keep 90 days and at most 2 GiB (closed segments are gzipped by default)
  warden serve --audit-max-age 90d --audit-max-bytes 2G
)");
  cmd->callback([run, args] { *run = [args] { return RunServe(*args); }; });
}

}  // namespace warden::cli
