// Confines this process to a plan, in this order: namespaces and mounts (they need the
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
};

ConfineResult Confine(const Plan& plan);

}  // namespace warden::sandbox
