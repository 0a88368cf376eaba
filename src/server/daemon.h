// `warden serve`: the local daemon. It owns the compiled policy (swapped whole on reload, never
// replaced by one that fails to load), answers the protocol of local/protocol.h on a Unix
// socket, and streams decisions to subscribers. It never runs commands: clients decide
// through it and then act (exec, answer a hook) themselves.
//
// The socket is created mode 0600 in a 0700 directory; every connection's peer credentials
// (SO_PEERCRED) are read, and a peer with another uid is refused — unless the hardened set-up
// (docs/SECURITY.md) names it: the daemon runs as its own user, `allow_uids` may decide and
// ask for status (nothing else: approvals, reload and the event stream stay with the daemon's
// own uid), and `socket_gid` opens the socket (0660) and its directory (0750) to one group. Policy layers are those of
// `warden check`: built-in profile, user file, the repository file found upward from each
// request's cwd (loaded on first use, reloaded when the file changes), --policy files. The
// user and --policy files are watched (inotify) and reloaded when they change, also after their
// directory was removed and made again.
//
// Every decision is appended to the audit log (audit/writer.h) before it is answered; when the
// record cannot be written the client gets an error, which clients treat as a denial.
//
// No client holds more of the daemon than SocketLimits allow: a connection whose answers are
// not read stops being read, unfinished lines are capped and must end in time, idle
// connections are closed (silently: clients reconnect), and memory freed when an abusive client
// leaves goes back to the kernel.
//
// Thread-safety: Start, Run and Stop are for one controlling thread; Run serves on
// `threads` I/O threads; RequestReload and Stop may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audit/retention.h"
#include "core/status.h"
#include "policy/diagnostic.h"
#include "policy/snapshot.h"
#include "security/authn/redis_token_store.h"
#include "security/ratelimit/redis_rate_limit_store.h"
#include "server/http_server.h"

namespace warden::server {

// What one client of the Unix socket may hold of the daemon's memory and time (docs/SECURITY.md,
// "Limits on the socket"). A line is limited to kMaxMessageBytes (local/protocol.h) besides.
struct SocketLimits {
  // A connection whose answers wait unsent beyond this is not read until they drain below it;
  // so is one with any unsent answer while all connections together hold max_total_out_bytes.
  size_t max_out_bytes = 256 * 1024;
  size_t max_total_out_bytes = 32 << 20;
  // Events queued for a subscriber that does not read: beyond this it is disconnected.
  size_t max_subscriber_bytes = 4 << 20;
  // Unfinished lines of all connections together: the connection that would go beyond gets a
  // `busy` error and is closed. Complete lines are never refused for it.
  size_t max_total_in_bytes = 32 << 20;
  // A started line must end within read_timeout (`timeout` error, then closed); a connection with
  // nothing pending (no partial line, no unsent answer, no approval it waits for, not a
  // subscriber) is closed silently after idle_timeout; one whose unsent answers make no progress
  // for write_timeout is closed.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds write_timeout{30'000};
};

// Several instances sharing tokens, revocations, rate limits, bans, approvals and events through
// Redis (docs/API.md "Several instances"). Empty url: every store is this process's own.
struct SharedState {
  std::string redis_url;
  std::string prefix = "warden:";  // of every key and channel
  std::string instance_id;         // of decision ids and approvals; random when empty
  // When Redis is away (docs/SECURITY.md "When Redis fails"):
  security::TokenFailureMode tokens = security::TokenFailureMode::kClosed;    // or kCached
  security::RateFailureMode rate_limits = security::RateFailureMode::kLocal;  // or kClosed
};

struct DaemonOptions {
  std::string socket_path;
  std::string state_dir;
  std::vector<std::string> policy_files;
  std::string profile = "default";
  bool user_layer = true;        // ~/.config/warden/policy.yaml (or $XDG_CONFIG_HOME)
  bool repository_layer = true;  // .warden/policy.yaml upward from each request's cwd
  std::string home;              // for defaults and the user layer
  std::string config_home;       // $XDG_CONFIG_HOME when set
  int threads = 2;
  bool watch_files = true;       // reload when a policy file changes (inotify)
  // The audit log, in <state_dir>/audit. always: a decision is answered only after its record
  // is fsynced; batch: group commit, fsync at least every 10 ms, backpressure when full.
  bool audit = true;
  bool audit_always = false;
  uint64_t audit_segment_bytes = 0;  // 0: the writer's default (64 MiB)
  // Compression and removal of old segments, run on a background thread (audit/retention.h);
  // the anchor's MAC key is <state_dir>/audit.key.
  audit::RetentionPolicy audit_retention;
  // How long an ask waits for a person at most (clients ask for less: shorter than their
  // agents' hook timeouts); then it is a deny.
  int approval_timeout_s = 120;
  // The hardened set-up: other uids that may decide, and the group the socket is shared with
  // (-1: none, the socket stays 0600 in a 0700 directory).
  std::vector<unsigned> allow_uids;
  int socket_gid = -1;
  // The HTTP API (docs/API.md): served when http.listen is set, on the same I/O threads.
  HttpServerOptions http;
  HttpApiOptions http_api;
  std::vector<std::string> rate_limits;  // "CLASS=N/UNIT" specs over the defaults (100/min, expensive 30/min)
  std::string jwks_file;                 // JWT verification on when set
  std::string jwt_issuer;
  std::vector<std::string> jwt_audiences;
  SocketLimits socket_limits;
  SharedState shared;
};

// The socket's counters (decisions are counted by the decision service, reloads by the policy
// store, audit errors by the audit log).
struct DaemonCounts {
  std::atomic<uint64_t> errors{0};       // messages answered with an error
  std::atomic<uint64_t> connections{0};  // accepted
  std::atomic<uint64_t> refused{0};      // peers of another uid, or ops an allowed uid may not use
  std::atomic<uint64_t> dropped_subscribers{0};  // event subscribers cut off for falling 4096 events or 4 MiB behind
  // The socket's limits (SocketLimits): how often each was applied …
  std::atomic<uint64_t> backpressure_pauses{0};  // a connection stopped being read for its unsent answers
  std::atomic<uint64_t> read_timeouts{0};        // a line not finished within read_timeout
  std::atomic<uint64_t> idle_timeouts{0};
  std::atomic<uint64_t> write_timeouts{0};      // answers that made no progress within write_timeout
  std::atomic<uint64_t> input_limit_closes{0};  // closed at max_total_in_bytes (`busy`)
  // … and what the socket's connections hold now.
  std::atomic<int64_t> open_connections{0};
  std::atomic<int64_t> buffered_in_bytes{0};   // unfinished lines (and lines waiting out a pause)
  std::atomic<int64_t> buffered_out_bytes{0};  // answers and events not yet taken by the kernel
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Loads the policy and binds the socket: after this returns OK, clients can connect.
  Status Start();
  // Serves until Stop() or SIGTERM/SIGINT (SIGHUP reloads). Removes the socket on the way out.
  void Run();
  void Stop();

  class Impl;  // defined in daemon.cc (public only so that its connections can name it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::server
