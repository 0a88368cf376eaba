#include "sandbox/seccomp_program.h"

#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace warden::sandbox {
namespace {

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

Status Fail(const std::string& what, int rc) { return Status::Internal("seccomp " + what + ": " + std::strerror(-rc)); }

Status AddRules(scmp_filter_ctx c, policy::SandboxNetwork network, bool unix_sockets) {
  const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
  for (const auto& name : RefusedSyscalls()) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (int rc = seccomp_rule_add(c, eperm, nr, 0); rc != 0 && rc != -EDOM) return Fail(name, rc);
  }
  // clone with a namespace flag: each flag its own rule (rules on one call are or'ed).
  for (unsigned long flag : {CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC,
                             CLONE_NEWCGROUP}) {
    if (int rc = seccomp_rule_add(c, eperm, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)); rc != 0) {
      return Fail("clone", rc);
    }
  }
  if (int rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc != 0) return Fail("clone3", rc);
  for (unsigned long req : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
    if (int rc = seccomp_rule_add(c, eperm, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req)); rc != 0) {
      return Fail("ioctl", rc);
    }
  }
  // Socket families, compared on the low 32 bits (the kernel reads an int: a family with high
  // bits set is the same family). Network off: every family but Unix (and netlink, the kernel's
  // own) is refused — IPv4, IPv6, VSOCK (the host of a VM), SCTP, Bluetooth, … Every family
  // above netlink's is refused by one comparison of the whole register (so a family with high
  // bits set is refused too, whichever it is: failing closed), the ones below one by one.
  const bool off = network == policy::SandboxNetwork::kOff;
  auto refuse = [&](scmp_datum_t family) {
    return seccomp_rule_add(c, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
                            SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffUL, family));
  };
  if (off) {
    if (int rc = seccomp_rule_add(c, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
                                  SCMP_A0(SCMP_CMP_GT, static_cast<scmp_datum_t>(AF_NETLINK)));
        rc != 0) {
      return Fail("socket", rc);
    }
  }
  for (int family = 0; family < AF_MAX; ++family) {
    bool refused = family == AF_PACKET;
    if (off) refused = family < AF_NETLINK && family != AF_UNIX;
    if (family == AF_UNIX) refused = !unix_sockets;
    if (!refused) continue;
    if (int rc = refuse(static_cast<scmp_datum_t>(family)); rc != 0) return Fail("socket", rc);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& RefusedSyscalls() {
  static const std::vector<std::string> kNames = {
      "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
      "fspick", "mount_setattr", "unshare", "setns", "kexec_load", "kexec_file_load", "init_module", "finit_module",
      "delete_module", "bpf", "keyctl", "add_key", "request_key", "open_by_handle_at", "reboot", "swapon", "swapoff",
      "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
      "sethostname", "setdomainname", "iopl", "ioperm", "userfaultfd", "perf_event_open", "fanotify_init",
      "lookup_dcookie", "vhangup", "nfsservctl", "io_uring_setup", "io_uring_enter", "io_uring_register"};
  return kNames;
}

Status BuildSeccompProgram(policy::SandboxNetwork network, bool unix_sockets, std::vector<uint8_t>* bpf) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return Status::Internal("seccomp_init failed");
  scmp_filter_ctx c = ctx.get();
  // Only the native ABI is in the filter: a call through another one (i386's int 0x80, x32)
  // would get around the rules, so it kills the process instead (libseccomp's bad-arch action).
  if (int rc = seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) return Fail("badarch", rc);
  if (Status s = AddRules(c, network, unix_sockets); !s.ok()) return s;
  int fd = ::memfd_create("warden-seccomp", MFD_CLOEXEC);
  if (fd < 0) return Status::Internal(std::string("memfd_create: ") + std::strerror(errno));
  Status out = Status::Ok();
  if (int rc = seccomp_export_bpf(c, fd); rc != 0) {
    out = Fail("export", rc);
  } else {
    off_t size = ::lseek(fd, 0, SEEK_END);
    bpf->assign(static_cast<size_t>(size > 0 ? size : 0), 0);
    if (size <= 0 || ::pread(fd, bpf->data(), bpf->size(), 0) != size) out = Status::Internal("seccomp export: short read");
  }
  ::close(fd);
  return out;
}

}  // namespace warden::sandbox
