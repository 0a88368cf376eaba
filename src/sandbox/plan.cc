#include "sandbox/plan.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <climits>
#include <glob.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <set>

#include "core/path.h"
#include "sandbox/access.h"

namespace warden::sandbox {
namespace {

bool StartsWithVar(const std::string& s, std::string_view var, std::string* rest) {
  if (s.compare(0, var.size(), var) != 0) return false;
  if (s.size() > var.size() && s[var.size()] != '/') return false;
  *rest = s.substr(var.size());
  return true;
}

// The canonical form of an existing path ("" when it does not exist). A normal path the kernel
// walks without meeting a symbolic link is its own canonical form (openat2 refusing symlinks:
// one call); otherwise the kernel's own name for it (one open, one readlink). Each path is asked
// once per plan: home, workspace and cwd are asked for every denied path.
class Canonicalizer {
 public:
  std::string operator()(const std::string& path) {
    for (const auto& [asked, canonical] : known_) {
      if (asked == path) return canonical;
    }
    known_.emplace_back(path, Resolve(path));
    return known_.back().second;
  }
  // After the plan makes `path`: asked again, it is there.
  void Forget(const std::string& path) {
    std::erase_if(known_, [&](const auto& k) { return k.first == path; });
  }

 private:
  static std::string Resolve(const std::string& path) {
    if (path.empty() || path[0] != '/') return {};
    if (NormalizePath(path) == path) {
      open_how how{};
      how.flags = O_PATH | O_CLOEXEC;
      how.resolve = RESOLVE_NO_SYMLINKS;
      int fd = static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how));
      if (fd >= 0) {
        ::close(fd);
        return path;
      }
      if (errno == ENOENT || errno == ENOTDIR) return {};
    }
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[PATH_MAX];
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(link.c_str(), buf, sizeof(buf));
    ::close(fd);
    if (n <= 0 || buf[0] != '/') return {};
    return std::string(buf, static_cast<size_t>(n));
  }

  std::vector<std::pair<std::string, std::string>> known_;  // asked → canonical ("": missing)
};

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A spelled path with glob characters in it becomes every existing match.
std::vector<std::string> Matches(const std::string& expanded) {
  if (expanded.find_first_of("*?[") == std::string::npos) return {expanded};
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(expanded.c_str(), GLOB_NOSORT | GLOB_PERIOD, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

bool IsKernelFileSystem(const std::string& path) {
  return IsUnder(path, "/proc") || IsUnder(path, "/sys") || IsUnder(path, "/dev");
}

bool UnderAny(const std::string& path, const std::vector<std::string>& roots, std::string* which = nullptr) {
  for (const auto& r : roots) {
    if (IsUnder(path, r)) {
      if (which) *which = r;
      return true;
    }
  }
  return false;
}

void AddUnique(std::vector<std::string>* v, const std::string& s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(s);
}

std::string Parent(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 ? "/" : p.substr(0, slash);
}

class Planner {
 public:
  Planner(const policy::SandboxSettings& s, const Place& place) : place_(place) {
    plan_.settings = s;
    plan_.cwd = place.cwd;
  }

  Plan Make() {
    Writable();
    HomeReadOnly();
    Protected();
    DenyRead();
    Self();
    // Parents are mounted before what lies inside them.
    auto shorter = [](const std::string& a, const std::string& b) { return a.size() < b.size(); };
    std::stable_sort(plan_.pinned.begin(), plan_.pinned.end(), shorter);
    std::stable_sort(plan_.writable.begin(), plan_.writable.end(), shorter);
    Rules();
    Hash();
    return std::move(plan_);
  }

 private:
  // Each spelled entry, expanded, globbed and made canonical; missing ones are noted.
  std::vector<std::string> Resolve(const std::vector<std::string>& spelled, std::string_view what) {
    std::vector<std::string> out;
    for (const auto& s : spelled) {
      std::string trimmed = s;  // "~/.ssh/**" is ~/.ssh and everything in it: ~/.ssh
      while (trimmed.size() > 3 && trimmed.compare(trimmed.size() - 3, 3, "/**") == 0) trimmed.resize(trimmed.size() - 3);
      std::string expanded = ExpandSandboxPath(trimmed, place_);
      if (expanded.empty()) {
        plan_.notes.push_back(std::string(what) + " " + s + ": not set here");
        continue;
      }
      if (what == "deny_read" && IsKernelFileSystem(expanded)) {
        // Another process's /proc entries (environ, mem) need ptrace rights, which Landlock
        // already refuses outside the sandbox; the sandbox's own are its own business.
        plan_.notes.push_back("deny_read " + s + ": a kernel file system; other processes' entries are refused by Landlock's ptrace scoping");
        continue;
      }
      bool any = false;
      for (const auto& m : Matches(expanded)) {
        std::string c = canonical_(m);
        if (c.empty()) continue;
        any = true;
        AddUnique(&out, c);
        plan_.origin.emplace(c, std::string(what) + " " + s);
      }
      if (!any) plan_.notes.push_back(std::string(what) + " " + s + ": does not exist");
    }
    return out;
  }

  void Writable() {
    for (const auto& w : Resolve(plan_.settings.writable, "writable")) {
      if (!IsDir(w)) {
        plan_.notes.push_back("writable " + w + ": not a directory");
        continue;
      }
      if (w == "/") {
        plan_.notes.push_back("writable /: refused (everything would be writable)");
        continue;
      }

      AddUnique(&plan_.writable, w);
    }
  }

  // A path that must not change: read-only, and nothing on the way to it renamable.
  // Pins every directory between the writable root holding `p` and `p` (so none can be renamed
  // to put another `p` in its place). False when no writable root holds `p`.
  bool PinWayTo(const std::string& p) {
    std::string root;
    if (!UnderAny(p, plan_.writable, &root)) return false;
    std::vector<std::string> between;
    for (std::string d = Parent(p); d.size() >= root.size() && IsUnder(d, root); d = Parent(d)) {
      between.push_back(d);
      if (d == root) break;
    }
    for (auto it = between.rbegin(); it != between.rend(); ++it) AddUnique(&plan_.pinned, *it);
    return true;
  }

  void MakeReadOnly(const std::string& p) {
    if (PinWayTo(p)) AddUnique(&plan_.read_only, p);  // outside writable roots it is read-only already
  }

  // Covered by an empty read-only mount; inside a writable root the way to it is pinned, so that
  // it cannot be renamed out from under its cover.
  void Cover(const std::string& p) {
    PinWayTo(p);
    AddUnique(&plan_.hidden, p);
  }

  // A writable root that holds the home directory (a workspace started in ~ or above it, or a
  // home under /tmp) would make every start-up file, ~/.gitconfig and each repository's hooks
  // writable: the home itself is held read-only, the writable roots inside it (caches, a
  // project) stay writable.
  void HomeReadOnly() {
    std::string home = canonical_(place_.home);
    if (home.empty() || home == "/") return;
    std::string holder;
    if (!UnderAny(home, plan_.writable, &holder)) return;
    MakeReadOnly(home);
    plan_.origin.emplace(home, "the home directory, held read-only because the writable root " + holder + " holds it");
    std::string workspace = canonical_(place_.workspace);
    for (const auto& w : plan_.writable) {
      if (IsUnder(home, w) && (w == home || w == workspace)) {
        plan_.warnings.push_back("the workspace " + w + " holds the home directory " + home +
                                 ": the home stays read-only (only the caches and temp directories in it are writable);"
                                 " start in a project directory");
      }
    }
  }

  void Protected() {
    for (const auto& spelled : plan_.settings.protected_paths) {
      if (spelled.size() < 2 || spelled.back() != '/' || spelled.find_first_of("*?[") != std::string::npos) continue;
      std::string path = ExpandSandboxPath(spelled, place_);
      if (path.empty() || !canonical_(path).empty()) continue;
      std::string parent = canonical_(Parent(path));
      if (parent.empty() || !UnderAny(parent, plan_.writable)) continue;  // nothing could create it
      std::string made = parent + path.substr(path.rfind('/'));
      if (!place_.make_missing_protected_dirs) {
        plan_.notes.push_back("protected " + spelled + ": would be made (empty) to be held read-only");
      } else if (::mkdir(made.c_str(), 0700) != 0 && errno != EEXIST) {
        plan_.notes.push_back("protected " + spelled + ": cannot be made (" + std::strerror(errno) + "), so it is not protected");
      }
      canonical_.Forget(path);
      canonical_.Forget(made);
    }
    for (const auto& p : Resolve(plan_.settings.protected_paths, "protected")) MakeReadOnly(p);
  }

  // A path that must not be read: outside writable roots Landlock leaves it out; inside, it is
  // covered. A path that holds the home, the workspace or the cwd cannot be left out (the run
  // needs them): noted instead.
  void DenyReadPath(const std::string& p, bool self = false) {
    if (!self && ::access(p.c_str(), R_OK) != 0) return;  // the file system's permissions refuse it already
    for (const auto& needed : {place_.home, place_.workspace, place_.cwd}) {
      std::string c = canonical_(needed);
      if (!c.empty() && IsUnder(c, p)) {
        plan_.notes.push_back("deny_read " + p + ": holds " + c + ", which the run needs; left readable");
        return;
      }
    }
    for (const auto& w : plan_.writable) {
      if (IsUnder(w, p)) {
        plan_.notes.push_back("deny_read " + p + ": holds the writable root " + w + "; left readable");
        return;
      }
    }
    Cover(p);
  }

  void DenyRead() {
    for (const auto& p : Resolve(plan_.settings.deny_read, "deny_read")) DenyReadPath(p);
  }

  // Warden's own places, whatever the lists say.
  void Self() {
    const WardenSelf& s = place_.self;
    if (std::string c = canonical_(s.config_dir); !c.empty()) {
      MakeReadOnly(c);
      plan_.origin.emplace(c, "Warden's configuration (never writable)");
    }
    if (std::string c = canonical_(s.state_dir); !c.empty()) {
      DenyReadPath(c, true);
      plan_.origin.emplace(c, "Warden's state (never readable)");
    }
    std::string runtime = canonical_(s.runtime_dir);
    if (runtime.empty()) runtime = canonical_(s.socket);  // a socket in a shared directory
    if (!runtime.empty()) {
      bool needed = false;
      for (const auto& n : {place_.home, place_.workspace, place_.cwd}) {
        std::string c = canonical_(n);
        if (!c.empty() && IsUnder(c, runtime)) needed = true;
      }
      if (needed) {
        plan_.notes.push_back("Warden's socket place " + runtime + " holds the workspace; not covered");
      } else {
        Cover(runtime);
        plan_.origin.emplace(runtime, "Warden's socket directory (covered)");
      }
    }
    // A covered place is not also read-only (the config directory may be the socket's).
    for (const auto& h : plan_.hidden) {
      plan_.read_only.erase(std::remove(plan_.read_only.begin(), plan_.read_only.end(), h), plan_.read_only.end());
    }
  }

  // Landlock: read and execute everywhere (what must not be read is covered by a mount), write
  // beneath the writable roots, and the devices every program writes to.
  void Rules() {
    std::vector<LandlockRule>& r = plan_.rules;
    r.push_back({"/", fs::kRead, true});
    for (const auto& w : plan_.writable) r.push_back({w, fs::kRead | fs::kWrite, true});
    // Devices every program writes to. /dev/pts and /dev/ptmx for terminals a program opens.
    for (const char* dev : {"/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/ptmx"}) {
      struct stat st {};
      if (::stat(dev, &st) == 0) r.push_back({dev, fs::kReadFile | fs::kWriteFile | fs::kIoctlDev, false});
    }
    if (IsDir("/dev/pts")) r.push_back({"/dev/pts", fs::kReadFile | fs::kWriteFile | fs::kIoctlDev, true});
  }

  void Hash() {
    std::string text;
    const auto& s = plan_.settings;
    text += "network=" + std::string(policy::SandboxNetworkName(s.network)) + "\n";
    text += "unix_sockets=" + std::string(s.unix_sockets ? "on" : "off") + "\n";
    text += "limits=" + std::to_string(s.limits.nproc) + "," + std::to_string(s.limits.fsize) + "," +
            std::to_string(s.limits.nofile) + "," + std::to_string(s.limits.core) + "\n";
    for (const auto& p : plan_.pinned) text += "pin " + p + "\n";
    for (const auto& p : plan_.read_only) text += "ro " + p + "\n";
    for (const auto& p : plan_.writable) text += "rw " + p + "\n";
    for (const auto& p : plan_.hidden) text += "hide " + p + "\n";
    for (const auto& rule : plan_.rules) text += "rule " + std::to_string(rule.access) + " " + rule.path + "\n";
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    static const char* kHex = "0123456789abcdef";
    for (unsigned char b : digest) {
      plan_.hash += kHex[b >> 4];
      plan_.hash += kHex[b & 15];
    }
  }

  const Place& place_;
  Canonicalizer canonical_;
  Plan plan_;
};

}  // namespace

std::string ExpandSandboxPath(const std::string& spelled, const Place& place) {
  std::string rest;
  std::string base;
  if (spelled == "~" || spelled.rfind("~/", 0) == 0) {
    base = place.home;
    rest = spelled.substr(1);
  } else if (StartsWithVar(spelled, "$HOME", &rest)) {
    base = place.home;
  } else if (StartsWithVar(spelled, "$WORKSPACE", &rest)) {
    base = place.workspace;
  } else if (StartsWithVar(spelled, "$TMPDIR", &rest)) {
    base = place.tmpdir;
  } else if (StartsWithVar(spelled, "$CWD", &rest)) {
    base = place.cwd;
  } else if (StartsWithVar(spelled, "$WARDEN_CONFIG", &rest)) {
    base = place.self.config_dir;
  } else if (StartsWithVar(spelled, "$WARDEN_STATE", &rest)) {
    base = place.self.state_dir;
  } else if (StartsWithVar(spelled, "$WARDEN_RUNTIME", &rest)) {
    base = place.self.runtime_dir;
  } else if (!spelled.empty() && spelled[0] == '/') {
    return NormalizePath(spelled);
  } else {
    return {};
  }
  if (base.empty() || base[0] != '/') return {};
  return NormalizePath(base + rest);
}

Plan MakePlan(const policy::SandboxSettings& settings, const Place& place) { return Planner(settings, place).Make(); }

}  // namespace warden::sandbox
