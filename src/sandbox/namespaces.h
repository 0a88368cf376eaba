// The private mount namespace (and, for `network: loopback`, network namespace) of a plan,
// entered by this process itself right before it execs — no helper process. Without root, a
// user namespace maps the caller's uid and gid onto themselves first. In it: every mount
// read-only, the writable roots bound back read-write, the pinned paths bound onto themselves,
// the protected ones read-only, the hidden ones covered. Mounts made here do not propagate back
// (the tree is made a slave), and they cannot be undone from inside: Landlock refuses any change
// to the mount topology of a confined process, and the seccomp filter refuses mount, umount2,
// pivot_root, mount_setattr, unshare and setns.
#pragma once

#include "core/status.h"
#include "sandbox/plan.h"

namespace warden::sandbox {

Status EnterNamespaces(const Plan& plan);

}  // namespace warden::sandbox
