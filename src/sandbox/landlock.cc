#include "sandbox/landlock.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "sandbox/access.h"

namespace warden::sandbox {
namespace {

// The kernel's structures (uapi/linux/landlock.h), spelled out for the newer fields.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};
constexpr int kRulePathBeneath = 1;
constexpr unsigned kCreateRulesetVersion = 1U << 0;
// ABI 7: the kernel audits the refusals of the programs started after landlock_restrict_self
// (by default it audits only the process that restricted itself, and Warden's refusals happen
// after its execve). They reach the system's audit log when auditing is on.
constexpr unsigned kRestrictSelfLogNewExecOn = 1U << 1;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

int LandlockAbi(std::string* why) {
  long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  if (v < 0) {
    if (why) *why = errno == EOPNOTSUPP ? "Landlock is built into this kernel but disabled (boot with lsm=…,landlock)"
                                        : std::string("this kernel has no Landlock (") + std::strerror(errno) + ")";
    return 0;
  }
  return static_cast<int>(v);
}

LandlockCoverage CoverageOf(int abi) {
  LandlockCoverage c;
  if (abi <= 0) return c;
  c.fs = (1ULL << 13) - 1;  // ABI 1: EXECUTE … MAKE_SYM
  if (abi >= 2) c.fs |= fs::kRefer;
  if (abi >= 3) c.fs |= fs::kTruncate;
  if (abi >= 4) c.net = net::kBindTcp | net::kConnectTcp;
  if (abi >= 5) c.fs |= fs::kIoctlDev;
  if (abi >= 6) c.scoped = scope::kAbstractUnixSocket | scope::kSignal;
  return c;
}

Status ApplyLandlock(const Plan& plan, int abi) {
  LandlockCoverage cov = CoverageOf(abi);
  if (cov.fs == 0) return Status::Internal("Landlock is not available");
  RulesetAttr attr{};
  attr.handled_access_fs = cov.fs;
  // TCP is handled (so refused: there are no port rules) only when the network is off.
  attr.handled_access_net = plan.settings.network == policy::SandboxNetwork::kOff ? cov.net : 0;
  attr.scoped = cov.scoped;
  size_t size = abi >= 6 ? sizeof(attr) : abi >= 4 ? offsetof(RulesetAttr, scoped) : offsetof(RulesetAttr, handled_access_net);
  Fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
  if (ruleset.get() < 0) return Status::Internal(std::string("landlock_create_ruleset: ") + std::strerror(errno));
  for (const auto& rule : plan.rules) {
    uint64_t allowed = rule.access & cov.fs;
    if (!rule.is_dir) allowed &= fs::kFileOnly;
    if (allowed == 0) continue;
    Fd target(::open(rule.path.c_str(), O_PATH | O_CLOEXEC));
    if (target.get() < 0) continue;  // gone since the plan was made: nothing to grant
    PathBeneathAttr pb{allowed, target.get()};
    if (::syscall(SYS_landlock_add_rule, ruleset.get(), kRulePathBeneath, &pb, 0) != 0) {
      return Status::Internal("landlock_add_rule " + rule.path + ": " + std::strerror(errno));
    }
  }
  const unsigned flags = abi >= 7 ? kRestrictSelfLogNewExecOn : 0;
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), flags) != 0) {
    return Status::Internal(std::string("landlock_restrict_self: ") + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace warden::sandbox
