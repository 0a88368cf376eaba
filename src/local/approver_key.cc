#include "local/approver_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/path.h"

namespace warden::local {

std::string ApproverKeyPath(const std::string& state_dir) { return JoinPath(state_dir, "approver.key"); }

Result<std::string> ReadApproverKey(const std::string& state_dir) {
  std::string path = ApproverKeyPath(state_dir);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IoError("cannot read the approver key " + path + ": " + std::strerror(errno));
  struct stat st {};
  char buf[129] = {};
  ssize_t n = ::fstat(fd, &st) == 0 ? ::read(fd, buf, sizeof buf - 1) : -1;
  ::close(fd);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    return Status::InvalidArgument(path + " must belong to this user with mode 0600 (it lets whoever reads it approve)");
  }
  if (n < 64) return Status::InvalidArgument(path + " does not hold an approver key (64 hex digits)");
  for (int i = 0; i < 64; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(buf[i]))) {
      return Status::InvalidArgument(path + " does not hold an approver key (64 hex digits)");
    }
  }
  return std::string(buf, 64);
}

Result<std::string> LoadOrCreateApproverKey(const std::string& state_dir) {
  std::string path = ApproverKeyPath(state_dir);
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  int w = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (w < 0 && errno == EEXIST) return ReadApproverKey(state_dir);
  if (w < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  std::string line = std::string(hex) + "\n";
  bool ok = ::write(w, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(w) == 0;
  ::close(w);
  if (!ok) return Status::IoError("cannot write " + path);
  return std::string(hex);
}

}  // namespace warden::local
