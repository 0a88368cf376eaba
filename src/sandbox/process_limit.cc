#include "sandbox/process_limit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace warden::sandbox {
namespace {

constexpr const char* kPrefix = "warden-sandbox-";

bool WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Where a new pids cgroup can be made: cgroup v1's pids hierarchy at the caller's place, else
// the top of the unified hierarchy when it has the pids controller. "" when neither.
std::string Parent() {
  struct stat st {};
  if (::stat("/sys/fs/cgroup/pids/pids.max", &st) == 0 || ::stat("/sys/fs/cgroup/pids/cgroup.procs", &st) == 0) {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
      auto a = line.find(':');
      auto b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      if (line.substr(a + 1, b - a - 1) == "pids") return "/sys/fs/cgroup/pids" + (line.substr(b + 1) == "/" ? "" : line.substr(b + 1));
    }
    return "/sys/fs/cgroup/pids";
  }
  std::ifstream controllers("/sys/fs/cgroup/cgroup.controllers");
  std::string word;
  while (controllers >> word) {
    if (word == "pids") return "/sys/fs/cgroup";
  }
  return {};
}

void RemoveEmptied(const std::string& parent) {
  DIR* d = ::opendir(parent.c_str());
  if (d == nullptr) return;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, kPrefix, std::strlen(kPrefix)) == 0) ::rmdir((parent + "/" + e->d_name).c_str());
  }
  ::closedir(d);
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
