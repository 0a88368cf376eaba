#include "core/path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

namespace warden {

namespace {

// Already normal: no empty, "." or ".." component and no trailing slash (most paths are).
bool IsNormal(std::string_view p) {
  if (p.size() > 1 && p.back() == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    std::string_view part = p.substr(start, end - start);
    bool leading_root = start == 0 && end == 0 && p.size() > 0;
    if (!leading_root && (part.empty() || part == "." || part == "..")) return p == "/";
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return {};
  if (IsNormal(path)) return std::string(path);
  const bool absolute = path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    std::string_view part = path.substr(i, j - i);
    i = j;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  if (absolute) out = "/";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string JoinPath(std::string_view base, std::string_view rel) {
  if (!rel.empty() && rel.front() == '/') return std::string(rel);
  if (rel.empty()) return std::string(base);
  std::string out;
  out.reserve(base.size() + 1 + rel.size());
  out = base;
  if (out.empty() || out.back() != '/') out += '/';
  out += rel;
  return out;
}

std::string ExpandTilde(std::string_view path, std::string_view home) {
  if (path.empty() || path.front() != '~') return std::string(path);
  size_t slash = path.find('/');
  std::string_view user = path.substr(1, slash == std::string_view::npos ? path.size() - 1 : slash - 1);
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  std::string base;
  if (user.empty()) {
    base = home;
  } else if (user == "root") {
    base = "/root";
  } else {
    base = "/home/";
    base += user;
  }
  return base + std::string(rest);
}

std::string ResolvePath(std::string_view path, std::string_view cwd, std::string_view home) {
  std::string expanded = ExpandTilde(path, home);
  if (expanded.empty()) return NormalizePath(cwd);
  return NormalizePath(JoinPath(cwd, expanded));
}

bool IsUnder(std::string_view path, std::string_view root) {
  if (root == "/") return !path.empty() && path.front() == '/';
  if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

std::string ResolveSymlinks(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::string(path);
  std::string done;                 // resolved, existing prefix ("" means "/")
  std::string todo(path.substr(1));  // remaining components
  int links = 0;
  while (!todo.empty()) {
    size_t slash = todo.find('/');
    std::string part = todo.substr(0, slash);
    todo = slash == std::string::npos ? std::string() : todo.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      size_t cut = done.rfind('/');
      done.resize(cut == std::string::npos ? 0 : cut);
      continue;
    }
    std::string candidate = done + "/" + part;
    struct stat st;
    if (lstat(candidate.c_str(), &st) != 0) {
      // Does not exist (or not reachable): keep the rest lexically.
      std::string rest = todo.empty() ? candidate : candidate + "/" + todo;
      return NormalizePath(rest);
    }
    if (!S_ISLNK(st.st_mode)) {
      done = std::move(candidate);
      continue;
    }
    if (++links > 40) return NormalizePath(std::string(path));
    char buf[4096];
    ssize_t n = readlink(candidate.c_str(), buf, sizeof buf);
    if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return NormalizePath(std::string(path));
    std::string target(buf, static_cast<size_t>(n));
    if (target.front() == '/') done.clear();
    todo = todo.empty() ? target : target + "/" + todo;
    if (!todo.empty() && todo.front() == '/') todo.erase(0, todo.find_first_not_of('/'));
  }
  return done.empty() ? "/" : done;
}

SymlinkResolver::Dir SymlinkResolver::Directory(std::string_view dir, int depth) {
  for (const Dir& d : dirs_) {
    if (d.path == dir) return d;
  }
  Dir d;
  d.path = std::string(dir);
  // The common case in one cheap system call: the kernel walks the path refusing every
  // symbolic link; if it gets through, the (normal) path is its own real path. A link on the
  // way (ELOOP), a missing part or an old kernel (ENOSYS) take the longer ways below.
  int missing = 0;  // ENOENT or ENOTDIR from the fast attempt: no need to ask again
  if (IsNormal(dir)) {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS;
    int nofollow = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, d.path.c_str(), &how, sizeof how));
    if (nofollow >= 0) {
      close(nofollow);
      d.exists = true;
      d.real = d.path;
      Remember(d);
      return d;
    }
    if (errno == ENOENT || errno == ENOTDIR) missing = errno;
  }
  // The kernel walks the whole directory path once; /proc/self/fd/N names where it ended.
  int fd = missing ? -1 : open(d.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (missing) errno = missing;
  if (fd >= 0) {
    char link[32];
    char buf[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, sizeof buf);
    close(fd);
    std::string_view real(buf, n > 0 ? static_cast<size_t>(n) : 0);
    d.exists = true;
    // No /proc, or a directory removed meanwhile (" (deleted)"): the slow way.
    if (n > 0 && static_cast<size_t>(n) < sizeof buf && real.front() == '/' && !real.ends_with(" (deleted)")) {
      d.real = std::string(real);
    } else {
      d.real = ResolveSymlinks(d.path);
    }
  } else if ((errno == ENOENT || errno == ENOTDIR) && depth < 64 && dir != "/") {
    // Not there (or not a directory): what exists of it is found from the parent down.
    size_t slash = dir.rfind('/');
    Dir parent = Directory(slash == 0 ? std::string_view("/") : dir.substr(0, slash), depth + 1);
    std::string candidate = parent.real == "/" ? std::string(dir.substr(slash)) : parent.real + std::string(dir.substr(slash));
    struct stat st;
    if (!parent.exists) {
      d.real = NormalizePath(candidate);
    } else if (lstat(candidate.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      d.real = ResolveSymlinks(candidate);  // a dangling link, or one to a file
    } else {
      d.real = std::move(candidate);
    }
  } else {
    d.real = ResolveSymlinks(d.path);  // no permission, a link loop, …: the slow way
  }
  Remember(d);
  return d;
}

void SymlinkResolver::Remember(const Dir& d) {
  if (dirs_.size() >= 16) dirs_.erase(dirs_.begin());
  dirs_.push_back(d);
}

std::string SymlinkResolver::Resolve(std::string_view path) {
  if (path.empty() || path.front() != '/' || path == "/") return std::string(path);
  size_t slash = path.rfind('/');
  std::string_view base = path.substr(slash + 1);
  if (base.empty() || base == "." || base == ".." || path.find("/./") != std::string_view::npos ||
      path.find("/../") != std::string_view::npos) {
    return ResolveSymlinks(path);  // not normalized: no shortcut
  }
  for (const auto& [asked, real] : files_) {
    if (asked == path) return real;  // one request names the same file many times
  }
  Dir dir = Directory(slash == 0 ? std::string_view("/") : path.substr(0, slash));
  std::string candidate = dir.real == "/" ? "/" + std::string(base) : dir.real + "/" + std::string(base);
  std::string real;
  struct stat st;
  if (!dir.exists) {
    real = NormalizePath(candidate);  // below something missing: lexical
  } else if (lstat(candidate.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
    real = std::move(candidate);
  } else {
    real = ResolveSymlinks(candidate);
  }
  if (files_.size() >= 16) files_.erase(files_.begin());
  files_.emplace_back(std::string(path), real);
  return real;
}

std::string_view Basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return path;
  if (path == "/") return {};
  return path.substr(slash + 1);
}

}  // namespace warden
