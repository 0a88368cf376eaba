// The seccomp filter of a confined program, built with libseccomp (never hand-written BPF).
// Everything is allowed except what a build or a test never needs and a program escaping its
// sandbox would: changing mounts or namespaces, loading kernel code (modules, kexec, bpf),
// the kernel keyring, open_by_handle_at (file handles bypass path checks), faking terminal
// input (ioctl TIOCSTI, TIOCLINUX), packet sockets; and, as the plan says, every socket family
// but Unix and netlink (network off) or Unix sockets. Arguments are compared on the 32 bits the
// kernel reads. Refused calls fail with EPERM (EACCES for sockets), as a
// permission problem would. clone3 answers ENOSYS so that the C library falls back to clone,
// whose flags the filter can read. A system call through another ABI than the native one
// (i386's int 0x80, x32) kills the process: 32-bit programs do not run confined.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "sandbox/plan.h"

namespace warden::sandbox {

// The system calls refused with EPERM, by name (for `warden explain --sandbox`).
const std::vector<std::string>& RefusedSyscalls();

// Loads the filter into this thread (and with TSYNC, the others). no_new_privs must be set.
Status ApplySeccomp(const Plan& plan);

}  // namespace warden::sandbox
