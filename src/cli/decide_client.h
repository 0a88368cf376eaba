// How a client command gets a decision: from the daemon when one listens on the socket,
// otherwise in-process from the same policy files (and stderr says so). Errors are "not
// decided", never an allow; what to do then is the caller's choice (deny, unless the user
// asked for --fail-open). Used by exec, shell and the agent hooks.
#pragma once

#include <string>

#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "policy/request.h"

namespace warden::cli {

struct DecideOptions {
  DaemonFlags daemon;
  PolicyFlags policy;     // for the in-process fallback
  bool no_daemon = false;  // decide in-process even if the daemon runs
  bool quiet = false;      // do not announce the in-process fallback on stderr
  // On ask, wait this long for a person to approve through the daemon (0: return the ask).
  int wait_ms = 0;
  bool if_watched = false;  // wait only while someone watches the daemon's events
  // In-process: decide with this snapshot (the caller loaded the policy already) instead of
  // loading it again. Must be a full load, not a sandbox_only one.
  std::shared_ptr<const policy::Snapshot> snapshot;
};

struct Verdict {
  bool decided = false;
  policy::Decision decision = policy::Decision::kDeny;
  std::string reason;
  std::string rule;
  std::string error;   // why nothing was decided
  bool in_process = false;
};

Verdict DecideRequest(const DecideOptions& o, const policy::Request& req);

// A run that went ahead only because of --fail-open (or WARDEN_FAIL_OPEN=1) is counted: one
// JSON line (ts, pid, uid, kind, context, cwd, the redacted command or path, the error) appended
// to <state dir>/fail-open.jsonl, which `warden status` counts. Best effort: a failure to record
// is said on stderr and does not stop the run the user asked for.
inline constexpr const char* kFailOpenFile = "fail-open.jsonl";
void RecordFailOpen(const DaemonFlags& daemon, const policy::Request& req, const std::string& error);

// What `warden status` shows of that file: how many lines and the last one (parsed).
struct FailOpenSummary {
  uint64_t count = 0;
  std::string last;  // the last line, as written
};
FailOpenSummary ReadFailOpen(const std::string& state_dir);

}  // namespace warden::cli
