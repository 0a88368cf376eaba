#include "sandbox/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace warden::sandbox {
namespace {

Status Errno(const std::string& what) { return Status::Internal(what + ": " + std::strerror(errno)); }

Status WriteProc(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Errno(std::string("open ") + path);
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    errno = err;
    return Errno(std::string("write ") + path);
  }
  return Status::Ok();
}

Status SetReadOnly(const std::string& path, bool read_only, bool recursive = true);

// A bind of `source` onto `target`, read-only. What is mounted beneath it keeps its own state:
// read-only already, or a writable root inside (a cache in a home held read-only).
Status BindReadOnly(const std::string& source, const std::string& target) {
  if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return Errno("bind " + target);
  return SetReadOnly(target, true, false);
}

// Covers `path` with an empty read-only mount. Directories share one empty tmpfs: the first
// cover mounts it (`*first` remembers where), the others are binds of it, which cost the kernel
// less than a file system each.
Status Hide(const std::string& path, std::string* first) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Status::Ok();  // gone: nothing to hide
  if (!S_ISDIR(st.st_mode)) return BindReadOnly("/dev/null", path);  // a file or a socket: an empty, read-only stand-in
  // The first cover may itself be covered by now (a denied directory that holds it came later):
  // then this one mounts a tmpfs of its own and is the source from here on.
  if (!first->empty() && ::mount(first->c_str(), path.c_str(), nullptr, MS_BIND, nullptr) == 0) return Status::Ok();
  if (!first->empty() && errno != ENOENT && errno != ENOTDIR) return Errno("cover " + path);
  unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
  if (::mount("tmpfs", path.c_str(), "tmpfs", flags, "size=4k,nr_inodes=1,mode=000") != 0) return Errno("cover " + path);
  *first = path;
  return Status::Ok();
}

// mount_setattr(2) (Linux 5.12), spelled out: Debian 12's headers do not have it.
struct MountAttr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};
constexpr uint64_t kMountAttrReadOnly = 0x00000001;
constexpr uint64_t kPropagationSlave = MS_SLAVE;
constexpr unsigned kAtRecursive = 0x8000;
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

Status SetReadOnly(const std::string& path, bool read_only, bool recursive) {
  MountAttr attr{};
  (read_only ? attr.attr_set : attr.attr_clr) = kMountAttrReadOnly;
  if (::syscall(SYS_mount_setattr, AT_FDCWD, path.c_str(), recursive ? kAtRecursive : 0U, &attr, sizeof(attr)) != 0) {
    return Errno(std::string(read_only ? "make " : "make writable ") + path + (read_only ? " read-only" : ""));
  }
  return Status::Ok();
}

// Every mount a slave (nothing mounted here reaches the caller's namespace) and read-only, in
// one call; then each writable root bound onto itself and made writable again (parents first,
// so a root inside another keeps its own mount).
Status ReadOnlyExceptWritable(const Plan& plan) {
  MountAttr attr{};
  attr.attr_set = kMountAttrReadOnly;
  attr.propagation = kPropagationSlave;
  if (::syscall(SYS_mount_setattr, AT_FDCWD, "/", kAtRecursive, &attr, sizeof(attr)) != 0) {
    return Errno("make every mount a read-only slave");
  }
  for (const auto& w : plan.writable) {
    if (::mount(w.c_str(), w.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return Errno("bind " + w);
    Status s = SetReadOnly(w, false);
    if (!s.ok() && errno != EPERM) return s;  // EPERM: a file system that was read-only before stays so
  }
  return Status::Ok();
}

Status LoopbackUp() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket for lo");
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  Status s = Status::Ok();
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    s = Errno("SIOCGIFFLAGS lo");
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) s = Errno("bring lo up");
  }
  ::close(fd);
  return s;
}

}  // namespace

Status EnterNamespaces(const Plan& plan) {
  const bool net = plan.settings.network == policy::SandboxNetwork::kLoopback;
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  int flags = CLONE_NEWNS | (net ? CLONE_NEWNET : 0);
  if (uid != 0) flags |= CLONE_NEWUSER;
  if (::unshare(flags) != 0) {
    return Errno(uid != 0 ? "a user namespace (needed without root for the mounts; is kernel.unprivileged_userns_clone off?)"
                          : "a mount namespace");
  }
  if (uid != 0) {
    if (Status s = WriteProc("/proc/self/setgroups", "deny"); !s.ok()) return s;
    if (Status s = WriteProc("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1"); !s.ok()) return s;
    if (Status s = WriteProc("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1"); !s.ok()) return s;
  }
  if (Status s = ReadOnlyExceptWritable(plan); !s.ok()) return s;
  for (const auto& p : plan.pinned) {
    if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return Errno("pin " + p);
  }
  for (const auto& p : plan.read_only) {
    if (Status s = BindReadOnly(p, p); !s.ok()) return s;
  }
  std::string first_cover;
  for (const auto& p : plan.hidden) {
    if (Status s = Hide(p, &first_cover); !s.ok()) return s;
  }
  if (net) {
    if (Status s = LoopbackUp(); !s.ok()) return s;
  }
  // The working directory still points into the mounts as they were: enter it again through
  // the new ones, or a relative path would reach what they cover.
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) return Errno("enter " + plan.cwd + " again");
  return Status::Ok();
}

}  // namespace warden::sandbox
