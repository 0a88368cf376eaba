#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace warden {
namespace {

// What a file that is not a regular file is, for the error message.
const char* KindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "something other than a file";
}

// Closes the descriptor when the read is over, however it ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

Result<std::string> ReadAll(int fd, const std::string& path, size_t max_bytes) {
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > max_bytes) {
      return Status::TooLarge(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

}  // namespace

Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes, FileKinds kinds) {
  const bool regular_only = kinds == FileKinds::kRegularOnly;
  // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0))};
  if (f.fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such file");
    struct stat st;  // a socket cannot be opened at all (ENXIO): say what it is
    if (regular_only && stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(path + ": is " + std::string(KindName(st.st_mode)) +
                                     ", not a regular file; refused without reading it");
    }
    return Status::IoError(path + ": " + std::strerror(err));
  }
  struct stat st;
  if (fstat(f.fd, &st) != 0) return Status::IoError(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::IoError(path + ": is a directory");
  if (regular_only && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path + ": is " + std::string(KindName(st.st_mode)) +
                                   ", not a regular file; refused without reading it");
  }
  return ReadAll(f.fd, path, max_bytes);
}

}  // namespace warden
