// Confines this process to a plan, in this order: a pids cgroup for a root caller
// (process_limit.h), namespaces and mounts (they need the
// privileges that are dropped next), resource limits, death with the parent, dangerous
// capabilities dropped (a root caller keeps file ownership rights, not CAP_SYS_ADMIN,
// CAP_SYS_RESOURCE — which would lift the process limit — CAP_NET_ADMIN, CAP_SYS_MODULE, …),
// no_new_privs, Landlock, seccomp. The caller execs right after; nothing here forks.
// On a kernel that cannot confine (no Landlock, no namespaces when the plan needs them) the
// result says why and `unsupported` is set: the caller refuses, or — if the policy says
// `unsupported: warn` — runs unconfined with a warning.
#pragma once

#include <string>

#include "core/status.h"
#include "sandbox/plan.h"

namespace warden::sandbox {

struct ConfineResult {
  Status status;
  bool unsupported = false;  // the kernel lacks a feature (as opposed to a failure midway)
  int landlock_abi = 0;
  std::string warning;       // confined, but something was not enforced (said on stderr)
};

struct ConfineOptions {
  // Descriptors above stderr are closed at exec unless kept: an inherited descriptor to a file
  // outside the writable roots would still write there (Landlock checks at open time).
  bool keep_fds = false;
};

ConfineResult Confine(const Plan& plan, const ConfineOptions& options = {});

}  // namespace warden::sandbox
