#include "local/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/path.h"
#include "core/warden_self.h"

namespace warden::local {

std::string DefaultStateDir() { return DefaultWardenStateDir(); }

std::string DefaultSocketPath() { return DefaultWardenSocket(DefaultStateDir()); }

Status PrivateDir(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("empty directory path");
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status::IoError(dir + ": " + std::strerror(errno));
    size_t slash = dir.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
      std::string parent = dir.substr(0, slash);
      struct stat pst;
      if (stat(parent.c_str(), &pst) != 0) {
        // Parents are created 0700 too: nothing of ours is ever readable by others.
        if (Status s = PrivateDir(parent); !s.ok()) return s;
      }
    }
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::IoError("cannot create " + dir + ": " + std::strerror(errno));
    if (lstat(dir.c_str(), &st) != 0) return Status::IoError(dir + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(dir + " is not a directory");
  if (st.st_uid != geteuid()) {
    return Status::InvalidArgument(dir + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " +
                                   std::to_string(geteuid()) + ")");
  }
  if ((st.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0) {
    return Status::IoError("cannot make " + dir + " private (mode 0700): " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace warden::local
