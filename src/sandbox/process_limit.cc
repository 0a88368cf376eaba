#include "sandbox/process_limit.h"

#include <dirent.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>

namespace warden::sandbox {
namespace {

constexpr const char* kPrefix = "warden-sandbox-";

// A small file of the kernel's, whole ("" when unreadable). Plain read(2): no stream machinery
// on the way to exec.
std::string ReadSmall(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof(buf));
  ::close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Where a new pids cgroup can be made, from /proc/self/cgroup alone: cgroup v1's pids hierarchy
// at the caller's place, else the top of the unified hierarchy when it has the pids controller.
// "" when neither.
std::string Parent() {
  std::string lines = ReadSmall("/proc/self/cgroup");
  bool unified = false;
  for (size_t start = 0; start < lines.size();) {
    size_t end = std::min(lines.find('\n', start), lines.size());
    std::string_view line(lines.data() + start, end - start);
    start = end + 1;
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos) continue;
    std::string_view controllers = line.substr(a + 1, b - a - 1), place = line.substr(b + 1);
    if (line.substr(0, a) == "0" && controllers.empty()) unified = true;
    if (("," + std::string(controllers) + ",").find(",pids,") != std::string::npos) {
      return "/sys/fs/cgroup/pids" + (place == "/" ? std::string() : std::string(place));
    }
  }
  if (!unified) return {};
  std::string controllers = " " + ReadSmall("/sys/fs/cgroup/cgroup.controllers");
  for (char& c : controllers) {
    if (c == '\n') c = ' ';
  }
  if (controllers.find(" pids ") != std::string::npos) return "/sys/fs/cgroup";
  return {};
}

// getdents64 into a buffer on the stack: opendir's 32 KiB heap buffer costs more in fresh page
// faults than the few entries of a cgroup directory.
void RemoveEmptied(const std::string& parent) {
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buf[2048];
  for (;;) {
    long n = ::syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      const auto* e = reinterpret_cast<const struct dirent64*>(buf + off);
      if (std::strncmp(e->d_name, kPrefix, std::strlen(kPrefix)) == 0) ::rmdir((parent + "/" + e->d_name).c_str());
      off += e->d_reclen;
    }
  }
  ::close(fd);
}

}  // namespace

Status LimitProcessesOfRoot(int64_t max) {
  if (::geteuid() != 0 || max < 0) return Status::Ok();
  std::string parent = Parent();
  if (parent.empty()) return Status::Internal("no pids cgroup to limit a root caller's processes (RLIMIT_NPROC does not bind root)");
  RemoveEmptied(parent);
  std::string dir = parent + "/" + kPrefix + std::to_string(::getpid());
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Internal("cannot make the pids cgroup " + dir + ": " + std::strerror(errno));
  }
  if (parent == "/sys/fs/cgroup") WriteFile(parent + "/cgroup.subtree_control", "+pids");
  if (!WriteFile(dir + "/pids.max", std::to_string(max)) || !WriteFile(dir + "/cgroup.procs", std::to_string(::getpid()))) {
    int err = errno;
    ::rmdir(dir.c_str());
    return Status::Internal("cannot limit processes with " + dir + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace warden::sandbox
