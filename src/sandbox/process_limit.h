// The process limit of a confined root caller. RLIMIT_NPROC does not bind uid 0 of the initial
// user namespace (copy_process exempts it whatever its capabilities), so for root the limit is a
// pids cgroup of its own — cgroup v1's pids hierarchy, or the unified hierarchy's top level —
// made next to the caller, the process moved into it, pids.max set. Emptied cgroups of earlier
// runs are removed on the way (rmdir refuses populated ones). For other users RLIMIT_NPROC
// does the job and nothing is made.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace warden::sandbox {

// Moves this process into a new pids cgroup limited to `max` tasks. Not root, or `max` < 0:
// nothing to do. An error when no writable pids cgroup exists.
Status LimitProcessesOfRoot(int64_t max);

}  // namespace warden::sandbox
