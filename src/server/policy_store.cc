#include "server/policy_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/path.h"
#include "policy/diagnostic.h"
#include "policy/outcome_json.h"

namespace warden::server {

namespace json = boost::json;

namespace {

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

json::array DiagnosticsJson(const policy::Diagnostics& d) {
  json::array out;
  for (const auto& x : d.all()) out.push_back(policy::DiagnosticJson(x));
  return out;
}

std::string FirstError(const policy::Diagnostics& d) {
  for (const auto& x : d.all()) {
    if (x.severity == policy::Severity::kError) return policy::FormatDiagnostic(x);
  }
  return "the policy has errors";
}

}  // namespace

// What identifies a version of a file without reading it.
struct PolicyStore::Stamp {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const Stamp&) const = default;

  static Stamp Of(const std::string& path) {
    Stamp s;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
  }
};

struct PolicyStore::RepoEntry {
  Stamp stamp;
  std::shared_ptr<const policy::Snapshot> snapshot;
  std::string error;
};

PolicyStore::PolicyStore(PolicyStoreOptions options, LogFn log) : opt_(std::move(options)), log_(std::move(log)) {}

policy::LoadOptions PolicyStore::BaseOptions() const {
  policy::LoadOptions lo;
  lo.profile = opt_.profile;
  lo.user_layer = opt_.user_layer;
  lo.repository_layer = false;  // per request, see ForRequest
  lo.home = opt_.home;
  lo.config_home = opt_.config_home;
  lo.files = opt_.policy_files;
  lo.self = WardenSelf::FromEnvironment(opt_.socket_path, opt_.state_dir);
  lo.self->pids.push_back(static_cast<int>(getpid()));
  return lo;
}

std::vector<std::string> PolicyStore::WatchedFiles() const {
  std::vector<std::string> files = opt_.policy_files;
  if (!opt_.user_layer) return files;
  std::string base = !opt_.config_home.empty() ? opt_.config_home : (opt_.home.empty() ? "" : JoinPath(opt_.home, ".config"));
  if (!base.empty()) files.push_back(JoinPath(base, "warden/policy.yaml"));
  return files;
}

Status PolicyStore::Load() {
  policy::LoadResult r = policy::LoadPolicy(BaseOptions());
  std::lock_guard<std::mutex> lock(mu_);
  if (!r.snapshot) {
    last_error_ = DiagnosticsJson(r.diagnostics);
    last_error_text_ = FirstError(r.diagnostics);
    if (base_) return Status::InvalidArgument(last_error_text_);  // keep serving the old one
    return Status::InvalidArgument("the policy has errors, not starting: " + last_error_text_);
  }
  base_ = r.snapshot;
  last_error_ = json::array();
  last_error_text_.clear();
  loaded_at_ = std::chrono::system_clock::now();
  repo_cache_.clear();  // repository layers sit on top of the base: rebuild them
  return Status::Ok();
}

Result<std::string> PolicyStore::Reload(const std::string& why) {
  reloads_++;
  Status s = Load();
  std::string revision = Base()->revision;
  if (!s.ok()) {
    failed_reloads_++;
    log_("reload (" + why + ") failed, still serving policy " + revision + ": " + s.message());
    return Status::InvalidArgument("the new policy does not load; still serving " + revision + ": " + s.message());
  }
  log_("reloaded (" + why + "): policy " + revision);
  if (on_reload_) on_reload_();
  return revision;
}

std::shared_ptr<const policy::Snapshot> PolicyStore::Base() {
  std::lock_guard<std::mutex> lock(mu_);
  return base_;
}

std::shared_ptr<const policy::Snapshot> PolicyStore::ForRequest(const policy::Request& req, std::string* error) {
  if (!opt_.repository_layer || req.cwd.empty() || req.kind == policy::RequestKind::kAction) return Base();
  std::string repo = policy::FindRepositoryPolicy(req.cwd);
  if (repo.empty()) return Base();
  Stamp stamp = Stamp::Of(repo);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repo_cache_.find(repo);
  if (it != repo_cache_.end() && it->second->stamp == stamp) {
    if (!it->second->snapshot) *error = it->second->error;
    return it->second->snapshot;
  }
  policy::LoadOptions lo = BaseOptions();
  lo.repository_layer = true;
  lo.cwd = DirOf(DirOf(repo));  // the directory holding .warden/
  policy::LoadResult r = policy::LoadPolicy(lo);
  auto e = std::make_shared<RepoEntry>(RepoEntry{stamp, r.snapshot, r.snapshot ? std::string() : FirstError(r.diagnostics)});
  if (!r.snapshot) log_("repository policy " + repo + " has errors: " + e->error);
  if (repo_cache_.size() >= 256) repo_cache_.clear();
  repo_cache_[repo] = e;
  if (!e->snapshot) *error = e->error;
  return e->snapshot;
}

json::object PolicyStore::StatusJson() {
  json::object pol;
  std::lock_guard<std::mutex> lock(mu_);
  pol["revision"] = base_->revision;
  pol["rules"] = base_->rules.size();
  json::array sources;
  for (const auto& s : base_->sources) sources.emplace_back(s.path);
  pol["sources"] = std::move(sources);
  pol["loaded_at"] = std::chrono::duration_cast<std::chrono::seconds>(loaded_at_.time_since_epoch()).count();
  pol["load_errors"] = last_error_;
  pol["repository_policies"] = repo_cache_.size();
  return pol;
}

}  // namespace warden::server
