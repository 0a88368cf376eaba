// Path handling shared by the shell analyzer and the policy: lexical normalization, joining,
// containment, tilde expansion and (optional) symlink resolution.
//
// Everything here is lexical and pure except ResolveSymlinks and SymlinkResolver, which read
// the file system. All functions are thread-safe; a SymlinkResolver object is not.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

// Collapses repeated slashes, removes "." components, applies ".." lexically (".." at the root
// stays at the root) and drops a trailing slash. Relative paths stay relative ("../x" is
// kept as is). An empty path stays empty.
std::string NormalizePath(std::string_view path);

// `rel` if it is absolute, otherwise base/rel; not normalized.
std::string JoinPath(std::string_view base, std::string_view rel);

// Expands a leading "~" or "~/" to `home` and "~root" to "/root", "~name" to "/home/name".
// Anything else is returned unchanged.
std::string ExpandTilde(std::string_view path, std::string_view home);

// Tilde expansion, then joined to `cwd` when relative, then normalized.
std::string ResolvePath(std::string_view path, std::string_view cwd, std::string_view home);

// True if `path` equals `root` or lies below it. Both must be normalized absolute paths.
bool IsUnder(std::string_view path, std::string_view root);

// Replaces symlinks in the part of an absolute, normalized path that exists (at most 40
// links followed); the part that does not exist is appended unchanged. Returns the input
// when nothing could be resolved.
std::string ResolveSymlinks(std::string_view path);

// ResolveSymlinks for the many paths of one request, which mostly lie in the same few
// directories: each directory is resolved once, by the kernel (openat2 refusing symlinks, one
// system call, when the path has none; otherwise open with O_PATH, then its /proc/self/fd
// link), and each path then costs one lstat of its last component, once. What it learned is
// never invalidated: use one resolver for one request, not longer.
class SymlinkResolver {
 public:
  std::string Resolve(std::string_view path);

 private:
  struct Dir {
    std::string path;  // as asked
    std::string real;  // resolved (the existing part; the rest appended lexically)
    bool exists = false;
  };
  Dir Directory(std::string_view dir, int depth = 0);
  void Remember(const Dir& d);
  std::vector<Dir> dirs_;
  std::vector<std::pair<std::string, std::string>> files_;  // asked → resolved
};

// The final component of a path ("rm" for "/usr/bin/rm"; "" for "/").
std::string_view Basename(std::string_view path);

}  // namespace warden
