// The daemon's policy: the base layers (built-in profile, user file, --policy files) compiled
// once and swapped whole on reload — never replaced by a policy that fails to load — and the
// repository layer found upward from each request's cwd, compiled on first use and again
// whenever that file changes (a cache of at most 256 repositories).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/loader.h"
#include "policy/request.h"
#include "policy/snapshot.h"

namespace warden::server {

struct PolicyStoreOptions {
  std::vector<std::string> policy_files;
  std::string profile = "default";
  bool user_layer = true;
  bool repository_layer = true;
  std::string home;
  std::string config_home;
  std::string socket_path;  // Warden's own places, which every policy protects
  std::string state_dir;
};

class PolicyStore {
 public:
  using LogFn = std::function<void(const std::string&)>;
  PolicyStore(PolicyStoreOptions options, LogFn log);

  // Loads the base layers. At start an error means there is nothing to serve; later (Reload)
  // the running policy is kept.
  Status Load();
  // The new revision, or why the running one was kept (kInvalidArgument).
  Result<std::string> Reload(const std::string& why);
  // Called after each reload that changed the policy (set before serving).
  void OnReload(std::function<void()> fn) { on_reload_ = std::move(fn); }

  std::shared_ptr<const policy::Snapshot> Base();
  // The snapshot for a request: the base, plus the repository file above its cwd if any. Null
  // with `error` set when that file has errors: nothing is decided from a policy that does not load.
  std::shared_ptr<const policy::Snapshot> ForRequest(const policy::Request& req, std::string* error);

  // The files whose change should reload the policy (for PolicyWatcher).
  std::vector<std::string> WatchedFiles() const;
  boost::json::object StatusJson();
  uint64_t reloads() const { return reloads_.load(); }
  uint64_t failed_reloads() const { return failed_reloads_.load(); }

 private:
  struct Stamp;
  struct RepoEntry;
  policy::LoadOptions BaseOptions() const;

  PolicyStoreOptions opt_;
  LogFn log_;
  std::function<void()> on_reload_;
  std::atomic<uint64_t> reloads_{0}, failed_reloads_{0};
  std::mutex mu_;
  std::shared_ptr<const policy::Snapshot> base_;                // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<RepoEntry>> repo_cache_;  // GUARDED_BY(mu_)
  boost::json::array last_error_;                               // GUARDED_BY(mu_)
  std::string last_error_text_;                                 // GUARDED_BY(mu_)
  std::chrono::system_clock::time_point loaded_at_;             // GUARDED_BY(mu_)
};

}  // namespace warden::server
