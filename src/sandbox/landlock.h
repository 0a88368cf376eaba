// Landlock through its system calls (there is no maintained userspace library in Debian 12;
// the kernel interface is three calls). The ABI is read at run time and every right the
// running kernel does not know is masked off, so the same plan works from ABI 1 upwards with
// what that kernel can enforce; Abi() tells the caller how much that is.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "sandbox/plan.h"

namespace warden::sandbox {

// The kernel's Landlock ABI version; 0 when Landlock is missing or disabled (and errno-text in
// `why` when given).
int LandlockAbi(std::string* why = nullptr);

// What the ABI lets Landlock handle: fs rights, net rights, scopes.
struct LandlockCoverage {
  uint64_t fs = 0, net = 0, scoped = 0;
};
LandlockCoverage CoverageOf(int abi);

// Builds the ruleset of `plan` and restricts this thread (and what it execs) to it. Needs
// no_new_privs set first (or CAP_SYS_ADMIN). `network_off`: TCP bind and connect are refused
// (ABI 4); scoped signals and abstract Unix sockets (ABI 6) always.
Status ApplyLandlock(const Plan& plan, int abi);

}  // namespace warden::sandbox
