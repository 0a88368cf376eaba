// Loading the sandbox's seccomp filter (what it refuses: seccomp_program.h). The program for
// the plan's network and unix_sockets settings was built by libseccomp when Warden was built
// (seccomp_builtin.h); loading it is one seccomp(2) call, for this thread and, with TSYNC,
// every other. no_new_privs must be set first.
#pragma once

#include "core/status.h"
#include "sandbox/plan.h"

namespace warden::sandbox {

Status ApplySeccomp(const Plan& plan);

}  // namespace warden::sandbox
