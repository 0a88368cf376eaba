// Reloads the policy when one of its files changes: inotify on the files' directories (editors
// replace files by rename, so the files themselves cannot be watched). A burst of events calls
// `on_change` once, 50 ms after the first. A policy directory that is removed (or not made
// yet) is watched for through its nearest existing ancestor, and watched again — with a
// reload — as soon as it is back.
//
// Thread-safety: Start and Stop on the controlling thread; the handlers run on the io_context,
// one at a time (one chain of reads).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace warden::server {

class PolicyWatcher {
 public:
  using LogFn = std::function<void(const std::string&)>;
  PolicyWatcher(boost::asio::io_context& io, std::vector<std::string> files, std::function<void()> on_change, LogFn log);

  // Without inotify (no descriptors left, a kernel without it) the policy reloads on SIGHUP only.
  void Start();
  void Stop();

 private:
  bool AddWatch(const std::string& dir);
  bool WatchPolicyDirs();
  void ForgetWatch(int wd, bool remove);
  void Read();

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor inotify_;
  std::vector<std::string> files_;
  std::function<void()> on_change_;
  LogFn log_;
  std::array<char, 8192> buf_{};
  std::map<std::string, int> watched_dirs_;  // policy directories and ancestors of missing ones
  std::map<int, std::string> wd_to_dir_;
  std::set<std::string> watched_names_;  // the policy files
  std::set<std::string> policy_dirs_;    // their directories
  std::set<std::string> missing_dirs_;   // policy directories that do not exist now
  bool reload_pending_ = false;
};

}  // namespace warden::server
