#include "sandbox/confine.h"

#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/landlock.h"
#include "sandbox/namespaces.h"
#include "sandbox/process_limit.h"
#include "sandbox/seccomp_filter.h"

namespace warden::sandbox {
namespace {

constexpr unsigned kCloseRangeCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC (Linux 5.11)
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

Status Errno(const std::string& what) { return Status::Internal(what + ": " + std::strerror(errno)); }

Status Limit(int resource, int64_t value, const char* name) {
  if (value < 0) return Status::Ok();  // unlimited: leave as it is
  struct rlimit cur {};
  if (::getrlimit(resource, &cur) != 0) return Errno(std::string("getrlimit ") + name);
  rlim_t v = static_cast<rlim_t>(value);
  if (cur.rlim_max != RLIM_INFINITY && v > cur.rlim_max) v = cur.rlim_max;  // only ever lowered
  struct rlimit next {v, v};
  if (::setrlimit(resource, &next) != 0) return Errno(std::string("setrlimit ") + name);
  return Status::Ok();
}

// The capabilities a confined root keeps: owning and reading its files, killing (Landlock scopes
// signals), changing ids, binding low ports. Everything else goes from every set.
constexpr int kKept[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_KILL,
                         CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE, CAP_SETPCAP};

// The bounding set is left as it is: with no_new_privs no exec can gain a capability from it
// (file capabilities and set-uid bits are ignored), so dropping each one would only cost a
// system call apiece.
Status DropCapabilities() {
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return Errno("capget");
  uint64_t keep = 0;
  for (int k : kKept) keep |= 1ULL << k;
  for (int i = 0; i < 2; ++i) {
    uint32_t mask = static_cast<uint32_t>(keep >> (32 * i));
    data[i].effective &= mask;
    data[i].permitted &= mask;
    data[i].inheritable &= mask;
  }
  if (::syscall(SYS_capset, &header, data) != 0) return Errno("capset");
  return Status::Ok();
}

}  // namespace

ConfineResult Confine(const Plan& plan, const ConfineOptions& options) {
  ConfineResult r;
  std::string why;
  r.landlock_abi = LandlockAbi(&why);
  if (r.landlock_abi <= 0) {
    r.unsupported = true;
    r.status = Status::Internal(why);
    return r;
  }
  if (Status s = LimitProcessesOfRoot(plan.settings.limits.nproc); !s.ok()) {
    r.warning = s.message() + "; the process limit does not hold";
  }
  if (Status s = EnterNamespaces(plan); !s.ok()) {
    r.unsupported = errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS;
    r.status = s;
    return r;
  }
  const auto& l = plan.settings.limits;
  for (Status s : {Limit(RLIMIT_NPROC, l.nproc, "nproc"), Limit(RLIMIT_FSIZE, l.fsize, "fsize"),
                   Limit(RLIMIT_NOFILE, l.nofile, "nofile"), Limit(RLIMIT_CORE, l.core, "core")}) {
    if (!s.ok()) {
      r.status = s;
      return r;
    }
  }
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
    r.status = Errno("PR_SET_PDEATHSIG");
    return r;
  }
  if (Status s = DropCapabilities(); !s.ok()) {
    r.status = s;
    return r;
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    r.status = Errno("PR_SET_NO_NEW_PRIVS");
    return r;
  }
  if (Status s = ApplyLandlock(plan, r.landlock_abi); !s.ok()) {
    r.status = s;
    return r;
  }
  if (Status s = ApplySeccomp(plan); !s.ok()) {
    r.status = s;
    return r;
  }
  if (!options.keep_fds && ::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec) != 0) {
    r.status = Errno("close_range");
    return r;
  }
  r.status = Status::Ok();
  return r;
}

}  // namespace warden::sandbox
