#include "sandbox/seccomp_filter.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/seccomp_builtin.h"

namespace warden::sandbox {

Status ApplySeccomp(const Plan& plan) {
  const auto& s = plan.settings;
  for (size_t i = 0; i < kBuiltinSeccompCount; ++i) {
    const BuiltinSeccomp& b = kBuiltinSeccomp[i];
    if (b.network != s.network || b.unix_sockets != s.unix_sockets) continue;
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(b.size / sizeof(sock_filter));
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<uint8_t*>(b.bpf));
    long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
    if (rc == 0) return Status::Ok();
    if (rc > 0) return Status::Internal("seccomp: thread " + std::to_string(rc) + " could not take the filter");
    return Status::Internal(std::string("seccomp: ") + std::strerror(errno));
  }
  return Status::Internal("seccomp: no built-in filter for this network setting");
}

}  // namespace warden::sandbox
