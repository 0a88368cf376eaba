// The kernel sandbox as the client commands use it: the context's settings from the policy
// layers, a plan for this run (this cwd, workspace, HOME, TMPDIR, Warden's own places), and
// confinement of this process right before it execs the program. Shared by `warden exec`,
// `warden shell` and `warden sandbox`; `warden explain --sandbox` prints the same plan.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "cli/decide_client.h"
#include "policy/snapshot.h"
#include "sandbox/plan.h"

namespace warden::cli {

// The place of this run, from the process's cwd and environment (`workspace` overrides the
// enclosing repository when not empty).
sandbox::Place RunPlace(const DaemonFlags& daemon, const std::string& workspace = {});

// The plan for `context` if its sandbox is enabled or `force`d; nullopt when the run is not to
// be confined. `network` overrides the policy's when set.
std::optional<sandbox::Plan> PlanFor(const policy::Snapshot& snap, policy::Context context, bool force,
                                     const sandbox::Place& place,
                                     std::optional<policy::SandboxNetwork> network = std::nullopt);

// Confines this process to `plan`. Returns normally when confined, or — the kernel cannot and
// the policy says `unsupported: warn` — after a warning on stderr and a fail-open record (counted
// by `warden status`). Otherwise says why on stderr and ends the process with 126: the program
// does not run.
void ConfineOrExit(const sandbox::Plan& plan, const DaemonFlags& daemon, const policy::Request& req,
                   const char* who, bool keep_fds = false);

std::optional<policy::SandboxNetwork> ParseNetwork(const std::string& s);

// `warden sandbox` decides nothing, so its run is put on the audit log by a record message
// (the command, redacted by the daemon, and the rule set's hash) when a daemon runs. Without a
// daemon there is no log to put it on; a daemon that cannot record it is said on stderr.
void RecordConfinedRun(const DaemonFlags& daemon, const policy::Request& req, const char* who);

// The policy for a command that decides and then may confine: a full load handed to the
// in-process decision (o->snapshot) when there is no daemon socket or --no-daemon, otherwise only
// the sandbox sections (the daemon decides). When the policy has errors, the built-in
// profile's sandbox (the decision then fails closed in-process, or comes from the daemon's
// last good policy); null only if even that cannot be loaded.
std::shared_ptr<const policy::Snapshot> LoadForRun(DecideOptions* o, const std::string& cwd);

}  // namespace warden::cli
