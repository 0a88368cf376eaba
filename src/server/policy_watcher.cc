#include "server/policy_watcher.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "core/path.h"

namespace warden::server {

namespace asio = boost::asio;

namespace {

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string CurrentDirectory() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
}

bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

PolicyWatcher::PolicyWatcher(asio::io_context& io, std::vector<std::string> files, std::function<void()> on_change,
                             LogFn log)
    : io_(io), inotify_(io), files_(std::move(files)), on_change_(std::move(on_change)), log_(std::move(log)) {}

void PolicyWatcher::Start() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log_(std::string("inotify unavailable (") + std::strerror(errno) + "): reload with SIGHUP");
    return;
  }
  inotify_.assign(fd);
  for (const auto& f : files_) {
    std::string abs = f.empty() || f.front() == '/' ? f : JoinPath(CurrentDirectory(), f);
    watched_names_.insert(abs);
    policy_dirs_.insert(DirOf(abs));
  }
  WatchPolicyDirs();
  Read();
}

void PolicyWatcher::Stop() {
  boost::system::error_code ec;
  inotify_.close(ec);
}

bool PolicyWatcher::AddWatch(const std::string& dir) {
  if (watched_dirs_.count(dir)) return true;
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF |
                             IN_MOVE_SELF | IN_ONLYDIR;
  int wd = inotify_add_watch(inotify_.native_handle(), dir.c_str(), kMask);
  if (wd < 0) return false;
  watched_dirs_[dir] = wd;
  wd_to_dir_[wd] = dir;
  return true;
}

// Watches every policy directory that is not watched: the directory itself when it exists,
// else its nearest existing ancestor (whose events say when the way back appears). True when
// a policy directory that had been missing is watched again.
bool PolicyWatcher::WatchPolicyDirs() {
  bool back = false;
  for (const auto& dir : policy_dirs_) {
    if (watched_dirs_.count(dir)) continue;
    bool was_missing = missing_dirs_.count(dir) > 0;
    for (int tries = 0; tries < 8; ++tries) {  // bounded: a directory removed and made again in a loop
      if (AddWatch(dir)) {
        missing_dirs_.erase(dir);
        if (was_missing) log_("policy directory " + dir + " exists now: watching it");
        back = back || was_missing;
        break;
      }
      was_missing = true;
      missing_dirs_.insert(dir);
      std::string up = dir;
      do {
        up = DirOf(up);
      } while (!AddWatch(up) && up != "/");
      struct stat st;
      if (stat(dir.c_str(), &st) != 0) break;  // made meanwhile: try it again
    }
  }
  // Ancestors no missing directory needs any more are let go.
  std::vector<int> unneeded;
  for (const auto& [watched, wd] : watched_dirs_) {
    const std::string& dir = watched;  // a lambda cannot capture a structured binding in clang 14
    if (policy_dirs_.count(dir)) continue;
    bool needed = std::any_of(missing_dirs_.begin(), missing_dirs_.end(), [&](const std::string& m) { return IsUnder(m, dir); });
    if (!needed) unneeded.push_back(wd);
  }
  for (int wd : unneeded) ForgetWatch(wd, true);
  return back;
}

void PolicyWatcher::ForgetWatch(int wd, bool remove) {
  auto it = wd_to_dir_.find(wd);
  if (it == wd_to_dir_.end()) return;
  if (remove) inotify_rm_watch(inotify_.native_handle(), wd);
  watched_dirs_.erase(it->second);
  wd_to_dir_.erase(it);
}

void PolicyWatcher::Read() {
  inotify_.async_read_some(asio::buffer(buf_), [this](const boost::system::error_code& ec, size_t n) {
    if (ec) return;
    bool relevant = false;
    bool rewatch = false;  // a watched directory went away, or a way to a missing one appeared
    for (size_t off = 0; off + sizeof(inotify_event) <= n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf_.data() + off);
      off += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {  // events were lost: look again
        relevant = rewatch = true;
        continue;
      }
      auto it = wd_to_dir_.find(ev->wd);
      if (it == wd_to_dir_.end()) continue;
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        // Gone from its path (a moved directory keeps its watch: dropped, or it would report
        // on a directory that is no longer the policy's).
        if (policy_dirs_.count(it->second)) {
          relevant = true;
          log_("policy directory " + it->second + " went away: watching for it to come back");
        }
        ForgetWatch(ev->wd, (ev->mask & IN_MOVE_SELF) != 0);
        rewatch = true;
        continue;
      }
      if (ev->len == 0) continue;
      std::string path = JoinPath(it->second, ev->name);
      if (watched_names_.count(path)) relevant = true;
      if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
        for (const auto& m : missing_dirs_) {
          if (m == path || IsUnder(m, path)) rewatch = true;
        }
      }
    }
    if (rewatch && WatchPolicyDirs()) relevant = true;  // its files may have changed unseen
    if (relevant && !reload_pending_) {
      reload_pending_ = true;
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(50));
      timer->async_wait([this, timer](const boost::system::error_code&) {
        reload_pending_ = false;
        on_change_();
      });
    }
    Read();
  });
}

}  // namespace warden::server
