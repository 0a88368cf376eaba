// The seccomp filter of a confined program, as a BPF program built by libseccomp (never
// hand-written BPF). Everything is allowed except what a build or a test never needs and a
// program escaping its sandbox would: changing mounts or namespaces, loading kernel code
// (modules, kexec, bpf), the kernel keyring, open_by_handle_at (file handles bypass path
// checks), faking terminal input (ioctl TIOCSTI, TIOCLINUX), packet sockets; and, as the plan
// says, every socket family but Unix and netlink (network off) or Unix sockets. Arguments are
// compared on the 32 bits the kernel reads. Refused calls fail with EPERM (EACCES for sockets),
// as a permission problem would. clone3 answers ENOSYS so that the C library falls back to
// clone, whose flags the filter can read. A system call through another ABI than the native one
// (i386's int 0x80, x32) kills the process: 32-bit programs do not run confined.
//
// The filter depends only on the network setting and unix_sockets, so libseccomp builds each of
// the six variants once, when Warden is built (seccomp_gen.cc writes them into the binary), and
// a confined run only loads one (seccomp_filter.h): building it at each run cost ~0.25 ms
// (docs/PERFORMANCE.md §12). seccomp_filter_test.cc checks that the built-in programs are what
// libseccomp builds now.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/sandbox_settings.h"

namespace warden::sandbox {

// The system calls refused with EPERM, by name (for `warden explain --sandbox`).
const std::vector<std::string>& RefusedSyscalls();

// The filter for one variant as libseccomp exports it: struct sock_filter instructions, raw.
Status BuildSeccompProgram(policy::SandboxNetwork network, bool unix_sockets, std::vector<uint8_t>* bpf);

}  // namespace warden::sandbox
