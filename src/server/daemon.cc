#include "server/daemon.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "core/json_text.h"
#include "audit/scan.h"
#include "audit/writer.h"
#include "core/path.h"
#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/outcome_json.h"
#include "security/authn/token_store.h"
#include "security/ratelimit/rate_limiter.h"
#include "server/http_setup.h"
#include "server/paths.h"
#include "server/protocol.h"
#include "server/redact.h"

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

namespace warden::server {

namespace asio = boost::asio;
namespace json = boost::json;
using local = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;

namespace {

void Log(const std::string& line) { std::cerr << "warden serve: " << line << std::endl; }

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// What identifies a version of a file without reading it.
struct FileStamp {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp StampOf(const std::string& path) {
  FileStamp s;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
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

// The approver key: 32 random bytes as hex in STATE_DIR/approver.key, mode 0600, created on
// first start. Whoever can read it can approve; the default policy keeps the ai context out.
Result<std::string> LoadApproverKey(const std::string& state_dir) {
  std::string path = JoinPath(state_dir, "approver.key");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    int w = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (w < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
    std::string line = std::string(hex) + "\n";
    bool ok = ::write(w, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(w) == 0;
    ::close(w);
    if (!ok) return Status::IoError("cannot write " + path);
    return std::string(hex);
  }
  if (fd < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  struct stat st;
  char buf[129] = {};
  ssize_t n = ::fstat(fd, &st) == 0 ? ::read(fd, buf, sizeof buf - 1) : -1;
  ::close(fd);
  if (n < 64) return Status::InvalidArgument(path + " does not hold an approver key (64 hex digits)");
  if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    return Status::InvalidArgument(path + " must belong to this user with mode 0600 (it lets whoever reads it approve)");
  }
  return std::string(buf, 64);
}

// Constant time for equal lengths; the length of the key is not a secret.
bool SameKey(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// What "remember" applies to: the exact request — kind, context, directory and the whole
// normalized command or path — never a command name.
std::string RememberKey(const policy::Request& req) {
  std::string k = std::string(policy::KindName(req.kind)) + "\x1f" + std::string(policy::ContextName(req.context)) + "\x1f" + req.cwd + "\x1f";
  if (req.kind == policy::RequestKind::kExec) {
    if (req.has_argv) {
      for (const auto& a : req.argv) k += a + "\x1e";
    } else {
      bool space = false;  // runs of blanks collapsed, ends trimmed
      for (char c : req.command) {
        if (c == ' ' || c == '\t') {
          space = true;
          continue;
        }
        if (space && k.back() != '\x1f') k += ' ';
        space = false;
        k += c;
      }
    }
    return k;
  }
  switch (req.kind) {  // every kind names what it does in full: a remembered ask covers nothing more
    case policy::RequestKind::kExec: break;
    case policy::RequestKind::kFile:
      k += std::string(shell::FileOpName(req.op)) + (req.recursive ? "\x1fR" : "") + "\x1f" + req.path;
      break;
    case policy::RequestKind::kHttp: k += req.http.method + "\x1f" + req.http.url; break;
    case policy::RequestKind::kAction:
      k += req.subject + "\x1f" + req.action + "\x1f" + req.resource_type + "\x1f" + req.resource_id;
      break;
    case policy::RequestKind::kMcp: k += JsonText(RequestJson(req)); break;  // reserved: the whole request
  }
  return k;
}

// Secrets out of every string of a JSON value (facts carry argv and paths).
}  // namespace

class Daemon::Impl final : public HttpBackend {
 public:
  explicit Impl(DaemonOptions o) : opt_(std::move(o)), acceptor_(io_), signals_(io_), inotify_(io_) {
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(r & 0xffffffffULL));
    id_prefix_ = buf;
  }

  Status Start() {
    auto t0 = Clock::now();
    started_ = t0;
    if (Status s = LoadBase(); !s.ok()) return s;
    if (Status s = Bind(); !s.ok()) return s;
    Status opened = OpenAudit();
    if (opened.ok() && !opt_.state_dir.empty()) {
      opened = PrivateDir(opt_.state_dir);  // also without an audit log: the approver key lives there
      if (opened.ok() && sodium_init() < 0) opened = Status::Internal("libsodium did not initialize");
      auto key = opened.ok() ? LoadApproverKey(opt_.state_dir) : Result<std::string>(opened);
      if (key.ok()) approver_key_ = *key;
      else opened = key.status();
    }
    if (opened.ok()) opened = StartHttp();
    if (!opened.ok()) {
      boost::system::error_code ec;
      acceptor_.close(ec);
      ::unlink(opt_.socket_path.c_str());
      return opened;
    }
    signals_.add(SIGHUP);
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    WaitSignal();
    if (opt_.watch_files) Watch();
    Accept();
    auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    char line[160];
    std::snprintf(line, sizeof line, "ready in %.1f ms (policy %s, %zu rules)", ms, Base()->revision.c_str(),
                  Base()->rules.size());
    Log(std::string(line) + " on " + opt_.socket_path);
    return Status::Ok();
  }

  void Run() {
    std::vector<std::thread> pool;
    for (int i = 1; i < std::max(1, opt_.threads); ++i) pool.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : pool) t.join();
    ::unlink(opt_.socket_path.c_str());
    retention_.reset();  // before the writer it announces through
    if (audit_) {
      if (Status s = audit_->Close(); !s.ok()) Log("audit log: " + s.message());
    }
    Log("stopped");
  }

  void Stop() {
    asio::post(io_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      signals_.cancel(ec);
      inotify_.close(ec);
      // HTTP requests being served finish first (bounded by the drain time); then the audit
      // log is flushed by Run on the way out.
      if (http_ && !stopping_http_) {
        stopping_http_ = true;
        http_->Shutdown([this] { io_.stop(); });
      } else {
        io_.stop();
      }
    });
  }

  // ---- HttpBackend ------------------------------------------------------------------------

  std::shared_ptr<const policy::Snapshot> Policy() override { return Base(); }
  Result<json::object> Decide(policy::Request& req, const policy::RequestPresence& present,
                              const security::Principal& who, bool audit,
                              std::optional<audit::Ticket>* gate) override {
    return DecideAndRecord(req, present, who.id, 0, audit, gate);
  }
  uint64_t SubscribeEvents(std::function<void(const std::string&)> sink) override {
    std::lock_guard<std::mutex> lock(subs_mu_);
    uint64_t id = next_sink_++;
    event_sinks_.emplace(id, std::move(sink));
    listeners_++;
    return id;
  }
  void UnsubscribeEvents(uint64_t id) override {
    std::lock_guard<std::mutex> lock(subs_mu_);
    if (event_sinks_.erase(id)) listeners_--;
  }
  Status AppendAudit(audit::Record rec) override {
    if (!audit_) return Status::Ok();
    rec.decision_id = NextId();
    rec.reason = RedactSecrets(rec.reason);
    if (auto b = Base()) rec.policy_revision = b->revision;
    auto seq = audit_->Append(rec);
    if (!seq.ok()) {
      counts_.audit_errors++;
      return seq.status();
    }
    return Status::Ok();
  }
  json::object StatusJson() override;
  Result<std::string> Reload(const std::string& why) override {
    Reload(why, true);
    std::lock_guard<std::mutex> lock(policy_mu_);
    if (!last_error_text_.empty()) {
      return Status::InvalidArgument("the new policy does not load; still serving " + base_->revision + ": " + last_error_text_);
    }
    return base_->revision;
  }
  json::array Approvals() override;
  Status AnswerApproval(const std::string& id, bool allow, const std::string& reason, int64_t remember_s,
                        const std::string& who) override;
  Result<json::array> QueryAudit(const AuditQuery& query) override;

  // ---- called from connections ----------------------------------------------------------

  // The reply line to a parsed message; sets *close when the connection must end after it.
  // The reply to one message. When *gate is set, the reply holds a decision whose audit record
  // is queued, not yet acknowledged: send it only from AfterAudit's callback.
  std::string Handle(Message& m, std::shared_ptr<class Connection> from, bool* close,
                     std::optional<audit::Ticket>* gate);
  void AfterAudit(const audit::Ticket& ticket, std::function<void(const Status&)> done) override {
    audit_->WhenAcknowledged(ticket, std::move(done));
  }
  void CountAuditError() { counts_.audit_errors++; }
  void Subscribe(const std::shared_ptr<class Connection>& c) {
    std::lock_guard<std::mutex> lock(subs_mu_);
    if (subscribers_.insert(c).second) listeners_++;
  }
  void Unsubscribe(const std::shared_ptr<class Connection>& c) {
    std::lock_guard<std::mutex> lock(subs_mu_);
    if (subscribers_.erase(c)) listeners_--;
  }
  DaemonCounts& counts() { return counts_; }
  bool PeerAllowed(unsigned uid) const {
    return uid == geteuid() || std::find(opt_.allow_uids.begin(), opt_.allow_uids.end(), uid) != opt_.allow_uids.end();
  }
  asio::io_context& io() { return io_; }

 private:
  // ---- policy -----------------------------------------------------------------------------

  policy::LoadOptions BaseOptions() const {
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

  std::string UserPolicyPath() const {
    if (!opt_.user_layer) return {};
    std::string base = !opt_.config_home.empty() ? opt_.config_home : (opt_.home.empty() ? "" : JoinPath(opt_.home, ".config"));
    return base.empty() ? std::string() : JoinPath(base, "warden/policy.yaml");
  }

  Status LoadBase() {
    policy::LoadResult r = policy::LoadPolicy(BaseOptions());
    std::lock_guard<std::mutex> lock(policy_mu_);
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

  std::shared_ptr<const policy::Snapshot> Base() {
    std::lock_guard<std::mutex> lock(policy_mu_);
    return base_;
  }

  // The snapshot for a request: the base, plus the repository file above its cwd if any
  // (compiled on first use and again whenever the file changes). Null with `error` set when
  // that file has errors: nothing is decided from a policy that does not load.
  std::shared_ptr<const policy::Snapshot> ForRequest(const policy::Request& req, std::string* error) {
    if (!opt_.repository_layer || req.cwd.empty() || req.kind == policy::RequestKind::kAction) return Base();
    std::string repo = policy::FindRepositoryPolicy(req.cwd);
    if (repo.empty()) return Base();
    FileStamp stamp = StampOf(repo);
    std::lock_guard<std::mutex> lock(policy_mu_);
    auto it = repo_cache_.find(repo);
    if (it != repo_cache_.end() && it->second.stamp == stamp) {
      if (!it->second.snapshot) *error = it->second.error;
      return it->second.snapshot;
    }
    policy::LoadOptions lo = BaseOptions();
    lo.repository_layer = true;
    lo.cwd = DirOf(DirOf(repo));  // the directory holding .warden/
    policy::LoadResult r = policy::LoadPolicy(lo);
    RepoEntry e{stamp, r.snapshot, r.snapshot ? std::string() : FirstError(r.diagnostics)};
    if (!r.snapshot) Log("repository policy " + repo + " has errors: " + e.error);
    if (repo_cache_.size() >= 256) repo_cache_.clear();
    auto& slot = repo_cache_[repo] = std::move(e);
    if (!slot.snapshot) *error = slot.error;
    return slot.snapshot;
  }

  void Reload(const std::string& why, bool) {
    counts_.reloads++;
    Status s = LoadBase();
    if (s.ok()) {
      Log("reloaded (" + why + "): policy " + Base()->revision);
      ApplyRateLimits();
    } else {
      counts_.failed_reloads++;
      Log("reload (" + why + ") failed, still serving policy " + Base()->revision + ": " + s.message());
    }
  }

  // A reloaded policy may change the HTTP API's rate limits (its rate_limits section); the
  // --rate-limit flags still win. The limiter keeps its state across the change.
  void ApplyRateLimits() {
    if (!http_stack_.limiter) return;
    auto base = Base();
    auto rl = EffectiveRateLimits(base ? base->rate_limits : std::vector<std::string>{}, opt_.rate_limits);
    if (!rl.ok() || *rl == http_stack_.limiter->config()) return;
    http_stack_.limiter->Reconfigure(*rl);
    Log("HTTP: rate limits now " + security::DescribeRateLimits(*rl));
  }

  // ---- audit ------------------------------------------------------------------------------

  Status OpenAudit() {
    if (!opt_.audit) return Status::Ok();
    if (opt_.state_dir.empty()) return Status::InvalidArgument("no state directory for the audit log");
    if (Status s = PrivateDir(opt_.state_dir); !s.ok()) return s;
    audit::WriterOptions wo;
    wo.dir = JoinPath(opt_.state_dir, "audit");
    wo.sync = opt_.audit_always ? audit::SyncMode::kAlways : audit::SyncMode::kBatch;
    wo.on_outage = [](const std::string& what) { Log("audit log: " + what); };
    if (opt_.audit_segment_bytes > 0) wo.segment_bytes = opt_.audit_segment_bytes;
    auto w = audit::Writer::Open(wo);
    if (!w.ok()) return Status::IoError("cannot open the audit log in " + wo.dir + ": " + w.status().message());
    audit_ = std::move(*w);
    const auto& r = audit_->recovery();
    if (r.torn_bytes) Log("audit log: cut an incomplete last record (" + std::to_string(r.torn_bytes) + " bytes) left by a crash");
    if (!r.problem.empty()) {
      Log("audit log: WARNING: the last segment does not verify (" + r.problem +
          "); new records go to a new segment; run `warden audit verify`");
    }
    Log("audit log " + wo.dir + " (" + (opt_.audit_always ? "always" : "batch") + "), next record " + std::to_string(r.next_seq));
    StartRetention(wo.dir);
    return Status::Ok();
  }

  // Retention runs on its own thread; it announces each removal in the log through the writer.
  void StartRetention(const std::string& dir) {
    if (!opt_.audit_retention.active()) return;
    audit::RetentionOptions ro;
    ro.dir = dir;
    ro.policy = opt_.audit_retention;
    ro.key_file = JoinPath(opt_.state_dir, "audit.key");
    ro.announce = [this](const audit::Record& r) {
      Status s = AppendAudit(r);
      return s.ok() ? audit_->Flush() : s;
    };
    retention_ = std::make_unique<audit::RetentionWorker>(
        std::move(ro), [this] { return audit_->stats().rotations; }, [](const std::string& line) { Log(line); });
  }

  json::object RetentionJson() const {
    audit::RetentionCounters c = retention_->counters();
    const audit::RetentionPolicy& p = opt_.audit_retention;
    json::object o{{"compress", p.compress},
                   {"max_age_s", p.max_age_micros / 1000000},
                   {"max_bytes", p.max_bytes},
                   {"passes", c.passes},
                   {"failed_passes", c.failed_passes},
                   {"segments_compressed", c.compressed},
                   {"bytes_saved_by_compression", c.compressed_bytes_saved},
                   {"segments_removed", c.removed_segments},
                   {"records_removed", c.removed_records},
                   {"bytes_removed", c.removed_bytes},
                   {"segments", c.segments},
                   {"bytes", c.bytes},
                   {"over_limit", c.over_limit}};
    if (c.last_pass_micros) o["last_pass"] = audit::FormatTimestamp(c.last_pass_micros);
    if (!c.last_error.empty()) o["last_error"] = c.last_error;
    return o;
  }

  // Appends the decision's record; an error means the decision must not be acted on. With a
  // gate, the record is only queued (its ticket in *gate) and the caller answers once it is
  // acknowledged; without, Audit returns once it is.
  Status Audit(const policy::Request& req, const json::object& reply, const std::string& subject = std::string(),
               std::optional<audit::Ticket>* gate = nullptr) {
    if (!audit_) return Status::Ok();
    audit::Record rec;
    rec.decision_id = std::string(reply.at("decision_id").as_string());
    rec.kind = std::string(policy::KindName(req.kind));
    rec.context = std::string(policy::ContextName(req.context));
    rec.decision = std::string(reply.at("decision").as_string());
    if (reply.at("rule").is_string()) rec.rule = std::string(reply.at("rule").as_string());
    rec.latency_ns = static_cast<uint64_t>(reply.at("latency_ns").to_number<int64_t>());
    rec.policy_revision = std::string(reply.at("policy_revision").as_string());
    if (req.kind == policy::RequestKind::kAction) rec.subject = req.subject;
    if (!subject.empty()) rec.subject = subject;  // the HTTP caller (token id or JWT subject)
    rec.reason = RedactSecrets(std::string_view(reply.at("reason").as_string()));
    rec.request_json = RequestSummaryJson(req);
    const json::value& facts = reply.at("facts");
    if (JsonMayHoldSecret(facts)) {  // copy only when something needs redacting
      json::value redacted = facts;
      RedactJson(redacted);
      rec.facts_json = JsonText(redacted);
    } else {
      rec.facts_json = JsonText(facts);
    }
    if (gate) {
      auto ticket = audit_->Enqueue(rec);
      if (!ticket.ok()) {
        counts_.audit_errors++;
        return ticket.status();
      }
      *gate = *ticket;
      return Status::Ok();
    }
    auto seq = audit_->Append(rec);
    if (!seq.ok()) {
      counts_.audit_errors++;
      return seq.status();
    }
    return Status::Ok();
  }

  // ---- socket -----------------------------------------------------------------------------

  Status Bind() {
    const std::string& path = opt_.socket_path;
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) return Status::InvalidArgument("socket path too long: " + path);
    if (Status s = PrivateDir(DirOf(path)); !s.ok()) return s;
    if (opt_.socket_gid >= 0) {
      // Shared with one group: the directory becomes 0750 and the socket 0660, both that group's.
      const std::string dir = DirOf(path);
      if (::chown(dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(opt_.socket_gid)) != 0 ||
          ::chmod(dir.c_str(), 0750) != 0) {
        return Status::IoError("cannot give " + dir + " to group " + std::to_string(opt_.socket_gid) + ": " + std::strerror(errno));
      }
    }
    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) return Status::InvalidArgument(path + " exists and is not a socket");
      // A live daemon answers; a stale socket from a crash does not and is replaced.
      local::socket probe(io_);
      boost::system::error_code ec;
      probe.connect(local::endpoint(path), ec);
      if (!ec) return Status::InvalidArgument("a daemon is already listening on " + path);
      ::unlink(path.c_str());
    }
    boost::system::error_code ec;
    mode_t old = ::umask(0177);  // the socket is born 0600: no window where others can connect
    acceptor_.open(local(), ec);
    if (!ec) acceptor_.bind(local::endpoint(path), ec);
    ::umask(old);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IoError("cannot listen on " + path + ": " + ec.message());
    ::chmod(path.c_str(), 0600);
    if (opt_.socket_gid >= 0 && (::chown(path.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(opt_.socket_gid)) != 0 ||
                                 ::chmod(path.c_str(), 0660) != 0)) {
      return Status::IoError("cannot give " + path + " to group " + std::to_string(opt_.socket_gid) + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  void Accept();

  void WaitSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        Reload("SIGHUP", true);
        WaitSignal();
        return;
      }
      Log(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
      Stop();
    });
  }

  // inotify on the directories of the policy files: editors replace files by rename, so the
  // files themselves cannot be watched. A burst of events reloads once.
  void Watch() {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      Log(std::string("inotify unavailable (") + std::strerror(errno) + "): reload with SIGHUP");
      return;
    }
    inotify_.assign(fd);
    std::vector<std::string> files = opt_.policy_files;
    if (std::string u = UserPolicyPath(); !u.empty()) files.push_back(u);
    for (const auto& f : files) {
      std::string abs = f.empty() || f.front() == '/' ? f : JoinPath(CurrentDirectory(), f);
      std::string dir = DirOf(abs);
      watched_names_.insert(abs);
      if (watched_dirs_.count(dir)) continue;
      int wd = inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
      if (wd >= 0) watched_dirs_[dir] = wd;
      wd_to_dir_[wd] = dir;
    }
    ReadInotify();
  }

  static std::string CurrentDirectory() {
    char buf[4096];
    return getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
  }

  void ReadInotify() {
    inotify_.async_read_some(asio::buffer(inotify_buf_), [this](const boost::system::error_code& ec, size_t n) {
      if (ec) return;
      bool relevant = false;
      for (size_t off = 0; off + sizeof(inotify_event) <= n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(inotify_buf_.data() + off);
        if (ev->len > 0) {
          auto it = wd_to_dir_.find(ev->wd);
          if (it != wd_to_dir_.end() && watched_names_.count(JoinPath(it->second, ev->name))) relevant = true;
        }
        off += sizeof(inotify_event) + ev->len;
      }
      if (relevant && !reload_pending_) {
        reload_pending_ = true;
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(50));
        timer->async_wait([this, timer](const boost::system::error_code&) {
          reload_pending_ = false;
          Reload("policy file changed", true);
        });
      }
      ReadInotify();
    });
  }

  Status StartHttp();
  Result<json::object> DecideAndRecord(policy::Request& req, const policy::RequestPresence& present,
                                       const std::string& subject, int pid, bool audit = true,
                                       std::optional<audit::Ticket>* gate = nullptr);
  std::string NextId();
  struct Pending;
  std::string ApprovalsLine(const Message& m);
  std::string Answer(const Message& m, std::shared_ptr<class Connection> from, bool* close);
  std::string Ask(Message& m, json::object o, std::shared_ptr<class Connection> from);
  void Resolve(const std::shared_ptr<Pending>& p, bool allow, const std::string& reason, int64_t remember_s);
  bool Remembered(const std::string& key);
  void Publish(const json::object& event);

  struct RepoEntry {
    FileStamp stamp;
    std::shared_ptr<const policy::Snapshot> snapshot;
    std::string error;
  };

  DaemonOptions opt_;
  asio::io_context io_;
  local::acceptor acceptor_;
  asio::signal_set signals_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 8192> inotify_buf_{};
  std::map<std::string, int> watched_dirs_;
  std::map<int, std::string> wd_to_dir_;
  std::set<std::string> watched_names_;
  bool reload_pending_ = false;  // touched only by the inotify handler chain

  std::mutex policy_mu_;
  std::shared_ptr<const policy::Snapshot> base_;       // GUARDED_BY(policy_mu_)
  std::map<std::string, RepoEntry> repo_cache_;        // GUARDED_BY(policy_mu_)
  json::array last_error_;                             // GUARDED_BY(policy_mu_)
  std::string last_error_text_;                        // GUARDED_BY(policy_mu_)
  std::chrono::system_clock::time_point loaded_at_;    // GUARDED_BY(policy_mu_)

  std::mutex subs_mu_;
  std::set<std::shared_ptr<class Connection>> subscribers_;  // GUARDED_BY(subs_mu_)
  std::map<uint64_t, std::function<void(const std::string&)>> event_sinks_;  // GUARDED_BY(subs_mu_): /v1/events
  uint64_t next_sink_ = 1;                                   // GUARDED_BY(subs_mu_)
  std::atomic<size_t> listeners_{0};  // subscribers_ + event_sinks_: checked per decision without the lock

  std::unique_ptr<audit::Writer> audit_;
  std::unique_ptr<audit::RetentionWorker> retention_;  // after audit_: destroyed before it
  struct Pending {
    std::string id;
    std::weak_ptr<class Connection> conn;
    json::value msg_id;
    json::object outcome;  // the ask reply
    policy::Request req;
    std::string remember_key;
    int pid = 0;
    std::chrono::system_clock::time_point created;
    Clock::time_point deadline;
    std::unique_ptr<asio::steady_timer> timer;
  };
  std::mutex approvals_mu_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;  // GUARDED_BY(approvals_mu_)
  std::map<std::string, Clock::time_point> remembered_;      // GUARDED_BY(approvals_mu_)
  uint64_t next_approval_ = 1;                                // GUARDED_BY(approvals_mu_)
  std::string approver_key_;                                  // set in Start, then read-only
  DaemonCounts counts_;
  std::shared_ptr<HttpMetrics> http_metrics_;
  std::unique_ptr<HttpApi> http_api_;
  std::unique_ptr<HttpServer> http_;
  HttpStack http_stack_;
  bool stopping_http_ = false;  // touched on the io_context only
  Clock::time_point started_;
  std::string id_prefix_;
  std::atomic<uint64_t> next_id_{1};
};

// One client connection: reads a line, answers it, reads the next. Subscribers also get
// events pushed from other threads; every write goes through the connection's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Daemon::Impl* d, local::socket s) : d_(d), sock_(std::move(s)), buf_(kMaxMessageBytes + 1) {}

  void Begin() {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(sock_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || !d_->PeerAllowed(cred.uid)) {
      d_->counts().refused++;
      Log("refused a connection from uid " + std::to_string(cred.uid) + " (pid " + std::to_string(cred.pid) + ")");
      ProtocolError e{kErrRefused, "uid " + std::to_string(cred.uid) + " may not use this daemon", nullptr};
      Send(ErrorLine(e), true);
      return;
    }
    pid_ = cred.pid;
    uid_ = cred.uid;
    Read();
  }

  // Thread-safe: queues a line (an event) for this connection.
  // A subscriber that falls this far behind is disconnected rather than let the queue grow.
  static constexpr size_t kMaxQueuedEvents = 4096;

  void Push(std::string line) {
    auto self = shared_from_this();
    asio::post(sock_.get_executor(), [self, line = std::move(line)]() mutable {
      if (self->closed_) return;
      if (self->out_.size() >= kMaxQueuedEvents) {
        self->d_->counts().dropped_subscribers++;
        Log("disconnected a subscriber (pid " + std::to_string(self->pid_) + ") that fell " +
            std::to_string(kMaxQueuedEvents) + " events behind");
        self->Close();
        return;
      }
      self->Send(std::move(line), false);
    });
  }

  int pid() const { return pid_; }
  // The daemon's own uid (every op) rather than an --allow-uid peer (decide and status only).
  bool owner() const { return uid_ == geteuid(); }
  unsigned uid() const { return uid_; }

 private:
  void Read() {
    auto self = shared_from_this();
    asio::async_read_until(sock_, buf_, '\n', [self](const boost::system::error_code& ec, size_t n) {
      if (ec == asio::error::not_found) {
        ProtocolError e{kErrTooLarge, "a message is limited to " + std::to_string(kMaxMessageBytes) + " bytes", nullptr};
        self->d_->counts().errors++;
        self->Send(ErrorLine(e), true);
        return;
      }
      if (ec) {
        self->Close();
        return;
      }
      std::string line(asio::buffers_begin(self->buf_.data()), asio::buffers_begin(self->buf_.data()) + n - 1);
      self->buf_.consume(n);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        self->Read();
        return;
      }
      self->OnLine(line);
    });
  }

  void OnLine(const std::string& line) {
    Message m;
    ProtocolError e;
    if (!ParseMessage(line, &m, &e)) {
      d_->counts().errors++;
      Send(ErrorLine(e), true);  // a malformed message ends the connection
      return;
    }
    bool close = false;
    std::optional<audit::Ticket> gate;
    std::string reply = d_->Handle(m, shared_from_this(), &close, &gate);
    if (gate) {
      AnswerOnceAudited(*gate, std::move(reply), m.id, close);
      return;
    }
    Send(std::move(reply), close);
    if (!close) Read();
  }

  // A decision is answered only once its audit record is acknowledged (in batch mode: handed to
  // the kernel), so that no answer a client acts on can be lost to a crash of the daemon; if the
  // record never will be, the answer is an error (clients fail closed). The next message is
  // read after that: one decision in flight per connection.
  void AnswerOnceAudited(const audit::Ticket& ticket, std::string reply, json::value id, bool close) {
    auto self = shared_from_this();
    d_->AfterAudit(ticket, [self, reply = std::move(reply), id = std::move(id), close](const Status& s) mutable {
      asio::post(self->sock_.get_executor(), [self, reply = std::move(reply), id = std::move(id), close, s]() mutable {
        if (!s.ok()) {
          self->d_->CountAuditError();
          self->Send(ErrorLine({kErrInternal, "the decision could not be written to the audit log: " + s.message(), id}),
                     true);
          return;
        }
        self->Send(std::move(reply), close);
        if (!close) self->Read();
      });
    });
  }

  void Send(std::string line, bool close_after) {
    out_.push_back({std::move(line), close_after});
    if (out_.size() == 1) WriteNext();
  }

  void WriteNext() {
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_.front().line), [self](const boost::system::error_code& ec, size_t) {
      bool close = ec || self->out_.front().close_after;
      self->out_.pop_front();
      if (close) {
        self->Close();
        return;
      }
      if (!self->out_.empty()) self->WriteNext();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    d_->Unsubscribe(shared_from_this());
    boost::system::error_code ec;
    sock_.shutdown(local::socket::shutdown_both, ec);
    sock_.close(ec);
  }

  struct Out {
    std::string line;
    bool close_after;
  };
  Daemon::Impl* d_;
  local::socket sock_;
  asio::streambuf buf_;
  std::deque<Out> out_;
  bool closed_ = false;
  int pid_ = 0;
  unsigned uid_ = 0;
};

void Daemon::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](const boost::system::error_code& ec, local::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      counts_.connections++;
      std::make_shared<Connection>(this, std::move(s))->Begin();
    }
    Accept();
  });
}

namespace {
std::string_view OpName(Op op) {
  switch (op) {
    case Op::kDecide: return "decide";
    case Op::kStatus: return "status";
    case Op::kReload: return "reload";
    case Op::kSubscribe: return "subscribe";
    case Op::kApprovals: return "approvals";
    case Op::kApprove: return "approve";
    case Op::kDeny: return "deny";
    case Op::kRecord: return "record";
  }
  return "?";
}
}  // namespace

std::string Daemon::Impl::Handle(Message& m, std::shared_ptr<Connection> from, bool* close,
                                 std::optional<audit::Ticket>* gate) {
  if (!from->owner() && m.op != Op::kDecide && m.op != Op::kStatus) {
    counts_.refused++;
    Log("refused a " + std::string(OpName(m.op)) + " from uid " + std::to_string(from->uid()) + " (pid " +
        std::to_string(from->pid()) + "): --allow-uid peers may only decide and ask for status");
    *close = true;
    return ErrorLine({kErrRefused, "uid " + std::to_string(from->uid()) + " may only decide and ask for status; " +
                                       std::string(OpName(m.op)) + " is for the daemon's own user", m.id});
  }
  switch (m.op) {
    case Op::kStatus: return ReplyLine(StatusJson(), m.id);
    case Op::kReload: {
      Reload("requested by pid " + std::to_string(from->pid()), true);
      std::lock_guard<std::mutex> lock(policy_mu_);
      if (!last_error_text_.empty()) {
        counts_.errors++;
        *close = true;
        return ErrorLine({"policy-error", "the new policy does not load; still serving " + base_->revision + ": " +
                                              last_error_text_, m.id});
      }
      json::object o;
      o["revision"] = base_->revision;
      return ReplyLine(std::move(o), m.id);
    }
    case Op::kApprovals: return ApprovalsLine(m);
    case Op::kApprove:
    case Op::kDeny: return Answer(m, from, close);
    case Op::kSubscribe: {
      Subscribe(from);
      json::object o;
      o["subscribed"] = true;
      return ReplyLine(std::move(o), m.id);
    }
    case Op::kRecord: {
      audit::Record rec;
      rec.kind = "mcp";
      rec.context = std::string(policy::ContextName(m.request.context));
      rec.decision = m.event_decision;
      rec.rule = "mcp-proxy:" + m.event_type;
      rec.reason = m.reason;
      json::object req{{"kind", "mcp"}, {"server", m.request.server}, {"tool", m.request.tool}, {"event", m.event_type},
                       {"reported_by_pid", from->pid()}};
      rec.request = std::move(req);
      if (Status s = AppendAudit(std::move(rec)); !s.ok()) {
        counts_.errors++;
        return ErrorLine({kErrInternal, "audit log: " + s.message(), m.id});
      }
      json::object o;
      o["recorded"] = true;
      return ReplyLine(std::move(o), m.id);
    }
    case Op::kDecide: break;
  }
  auto decided = DecideAndRecord(m.request, m.present, std::string(), from->pid(), true, gate);
  if (!decided.ok()) {
    counts_.errors++;
    *close = true;
    bool policy = decided.status().code() == Status::Code::kInvalidArgument;
    return ErrorLine({policy ? std::string_view("policy-error") : kErrInternal, decided.status().message(), m.id});
  }
  json::object o = std::move(decided).value();
  if (m.wait_ms > 0 && o["decision"].as_string() == "ask" && (!m.if_watched || listeners_ > 0)) {
    return Ask(m, std::move(o), from);
  }
  return ReplyLine(std::move(o), m.id);
}

// Decides `req` (remembered approvals included), writes its audit record and publishes the
// event. An error means nothing was audited and the decision must not be acted on:
// kInvalidArgument when the policy for the request does not load, kInternal when the audit
// record could not be written.
Result<json::object> Daemon::Impl::DecideAndRecord(policy::Request& req, const policy::RequestPresence& present,
                                                   const std::string& subject, int pid, bool audit,
                                                   std::optional<audit::Ticket>* gate) {
  auto start = Clock::now();
  // What the request does not say: the daemon cannot know the client's directory, so a
  // missing cwd is "/" (where `rm -rf *` is as dangerous as it gets) and never the daemon's.
  if (!present.home) req.home = opt_.home;
  if (!present.cwd && req.cwd.empty()) req.cwd = "/";
  if (!present.workspace && req.workspace.empty()) req.workspace = req.cwd;
  std::string error;
  auto snap = ForRequest(req, &error);
  if (!snap) return Status::InvalidArgument(error);
  policy::Outcome out = policy::Evaluate(*snap, req);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  counts_.decisions++;
  (out.decision == policy::Decision::kAllow ? counts_.allow
   : out.decision == policy::Decision::kDeny ? counts_.deny
                                              : counts_.ask)++;
  json::object o = policy::OutcomeJson(out, req, *snap);
  if (out.decision == policy::Decision::kAsk && Remembered(RememberKey(req))) {
    // A person approved exactly this request earlier and asked to remember it. Only an ask
    // is turned into an allow: a deny stays a deny.
    o["decision"] = "allow";
    o["reason"] = "approved earlier by a person for this exact request (remembered): " + std::string(o["reason"].as_string());
    o["approval"] = "remembered";
    counts_.ask--;
    counts_.allow++;
  }
  o["decision_id"] = NextId();
  o["latency_ns"] = ns;
  if (audit) {
    if (Status s = Audit(req, o, subject, gate); !s.ok()) {
      return Status::Internal("the decision could not be written to the audit log: " + s.message());
    }
  }
  if (listeners_.load(std::memory_order_relaxed) > 0) {
    json::object ev = o;
    ev["event"] = "decision";
    if (pid != 0) ev["pid"] = pid;
    if (!subject.empty()) ev["subject"] = subject;
    if (req.kind == policy::RequestKind::kExec) ev["request"] = RequestSummary(req);
    json::value facts = ev["facts"];
    RedactJson(facts);
    ev["facts"] = std::move(facts);
    ev["reason"] = RedactSecrets(std::string_view(ev["reason"].as_string()));
    Publish(ev);
  }
  return o;
}

std::string Daemon::Impl::NextId() {
  char id[40];
  std::snprintf(id, sizeof id, "%s-%llu", id_prefix_.c_str(), static_cast<unsigned long long>(next_id_++));
  return id;
}

bool Daemon::Impl::Remembered(const std::string& key) {
  std::lock_guard<std::mutex> lock(approvals_mu_);
  auto it = remembered_.find(key);
  if (it == remembered_.end()) return false;
  if (it->second < Clock::now()) {
    remembered_.erase(it);
    return false;
  }
  return true;
}

// An ask the client waits for: a pending approval, an interim reply naming it, and a timer
// that denies when nobody answers in time.
std::string Daemon::Impl::Ask(Message& m, json::object o, std::shared_ptr<Connection> from) {
  auto p = std::make_shared<Pending>();
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    p->id = "a" + std::to_string(next_approval_++);
  }
  int64_t wait_ms = std::min<int64_t>(m.wait_ms, static_cast<int64_t>(opt_.approval_timeout_s) * 1000);
  p->conn = from;
  p->msg_id = m.id;
  p->outcome = o;
  p->req = m.request;
  p->remember_key = RememberKey(m.request);
  p->pid = from->pid();
  p->created = std::chrono::system_clock::now();
  p->deadline = Clock::now() + std::chrono::milliseconds(wait_ms);
  p->timer = std::make_unique<asio::steady_timer>(io_, std::chrono::milliseconds(wait_ms));
  std::weak_ptr<Pending> weak = p;
  p->timer->async_wait([this, weak, wait_ms](const boost::system::error_code& ec) {
    auto pending = weak.lock();
    if (ec || !pending) return;
    Resolve(pending, false, "nobody approved it within " + std::to_string(wait_ms / 1000) + " s", 0);
  });
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    pending_[p->id] = p;
  }
  json::object ev;
  ev["event"] = "approval-pending";
  ev["approval_id"] = p->id;
  ev["request"] = RequestSummary(m.request);
  ev["reason"] = RedactSecrets(std::string_view(o["reason"].as_string()));
  ev["rule"] = o["rule"];
  ev["pid"] = p->pid;
  Publish(ev);
  Log("approval " + p->id + " pending (pid " + std::to_string(p->pid) + "): warden approve " + p->id);
  o["pending"] = true;
  o["approval_id"] = p->id;
  o["wait_ms"] = wait_ms;
  return ReplyLine(std::move(o), m.id);
}

void Daemon::Impl::Resolve(const std::shared_ptr<Pending>& p, bool allow, const std::string& reason, int64_t remember_s) {
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    if (pending_.erase(p->id) == 0) return;  // already resolved (a timer racing an answer)
    if (allow && remember_s > 0) remembered_[p->remember_key] = Clock::now() + std::chrono::seconds(remember_s);
  }
  p->timer->cancel();
  json::object o = p->outcome;
  o["decision"] = allow ? "allow" : "deny";
  o["reason"] = reason;
  o["approval_id"] = p->id;
  o["decision_id"] = std::string(p->outcome["decision_id"].as_string()) + "/" + p->id;
  bool audited = Audit(p->req, o).ok();
  json::object ev;
  ev["event"] = "approval-resolved";
  ev["approval_id"] = p->id;
  ev["decision"] = o["decision"];
  ev["reason"] = RedactSecrets(reason);
  Publish(ev);
  Log("approval " + p->id + ": " + (allow ? "approved" : "denied") + " (" + reason + ")");
  if (auto c = p->conn.lock()) {
    if (!audited) {
      c->Push(ErrorLine({kErrInternal, "the decision could not be written to the audit log", p->msg_id}));
      return;
    }
    c->Push(ReplyLine(std::move(o), p->msg_id));
  }
}

json::array Daemon::Impl::Approvals() {
  json::array list;
  std::lock_guard<std::mutex> lock(approvals_mu_);
  for (const auto& [id, p] : pending_) {
    json::object a;
    a["approval_id"] = id;
    a["request"] = RequestSummary(p->req);
    a["reason"] = RedactSecrets(std::string_view(p->outcome.at("reason").as_string()));
    a["rule"] = p->outcome.at("rule");
    a["pid"] = p->pid;
    a["created"] = std::chrono::duration_cast<std::chrono::seconds>(p->created.time_since_epoch()).count();
    a["expires_in_s"] = std::chrono::duration<double>(p->deadline - Clock::now()).count();
    list.push_back(std::move(a));
  }
  return list;
}

std::string Daemon::Impl::ApprovalsLine(const Message& m) {
  json::object o;
  o["approvals"] = Approvals();
  return ReplyLine(std::move(o), m.id);
}

Status Daemon::Impl::AnswerApproval(const std::string& id, bool allow, const std::string& reason, int64_t remember_s,
                                    const std::string& who) {
  std::shared_ptr<Pending> p;
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    auto it = pending_.find(id);
    if (it != pending_.end()) p = it->second;
  }
  if (!p) return Status::NotFound("no pending approval " + id.substr(0, 64) + " (answered, expired, or never asked)");
  remember_s = std::clamp<int64_t>(remember_s, 0, kMaxRememberS);
  if (allow) {
    std::string how = remember_s > 0 ? ", remembered for " + std::to_string(remember_s) + " s" : "";
    Resolve(p, true, "approved by a person (" + who + how + ")", remember_s);
  } else {
    Resolve(p, false, "denied by a person (" + who + ")" + (reason.empty() ? "" : ": " + reason), 0);
  }
  return Status::Ok();
}

// approve / deny: only with the approver key, which the ai context cannot read.
std::string Daemon::Impl::Answer(const Message& m, std::shared_ptr<Connection> from, bool* close) {
  if (approver_key_.empty() || !SameKey(m.key, approver_key_)) {
    counts_.errors++;
    *close = true;
    Log("refused an approval answer with a wrong key from pid " + std::to_string(from->pid()));
    return ErrorLine({kErrRefused, "wrong approver key", m.id});
  }
  std::shared_ptr<Pending> p;
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    auto it = pending_.find(m.approval);
    if (it != pending_.end()) p = it->second;
  }
  if (!p) {
    counts_.errors++;
    *close = true;
    return ErrorLine({"unknown-approval", "no pending approval " + m.approval.substr(0, 64) + " (answered, expired, or never asked)", m.id});
  }
  std::string who = "pid " + std::to_string(from->pid());
  if (m.op == Op::kApprove) {
    std::string how = m.remember_s > 0 ? ", remembered for " + std::to_string(m.remember_s) + " s" : "";
    Resolve(p, true, "approved by a person (" + who + how + ")", m.remember_s);
  } else {
    Resolve(p, false, "denied by a person (" + who + ")" + (m.reason.empty() ? "" : ": " + m.reason), 0);
  }
  json::object o;
  o["approval_id"] = p->id;
  o["decision"] = m.op == Op::kApprove ? "allow" : "deny";
  return ReplyLine(std::move(o), m.id);
}

void Daemon::Impl::Publish(const json::object& event) {
  std::string line = JsonText(event);
  std::lock_guard<std::mutex> lock(subs_mu_);
  for (const auto& [id, sink] : event_sinks_) sink(line);
  line += '\n';
  for (const auto& c : subscribers_) c->Push(line);
}

json::object Daemon::Impl::StatusJson() {
  json::object o;
  o["version"] = WARDEN_VERSION;
  o["pid"] = static_cast<int64_t>(getpid());
  o["uptime_s"] = std::chrono::duration<double>(Clock::now() - started_).count();
  o["socket"] = opt_.socket_path;
  json::object pol;
  {
    std::lock_guard<std::mutex> lock(policy_mu_);
    pol["revision"] = base_->revision;
    pol["rules"] = base_->rules.size();
    json::array sources;
    for (const auto& s : base_->sources) sources.emplace_back(s.path);
    pol["sources"] = std::move(sources);
    pol["loaded_at"] = std::chrono::duration_cast<std::chrono::seconds>(loaded_at_.time_since_epoch()).count();
    pol["load_errors"] = last_error_;
    pol["repository_policies"] = repo_cache_.size();
  }
  o["policy"] = std::move(pol);
  json::object c;
  c["decisions"] = counts_.decisions.load();
  c["allow"] = counts_.allow.load();
  c["deny"] = counts_.deny.load();
  c["ask"] = counts_.ask.load();
  c["errors"] = counts_.errors.load();
  c["connections"] = counts_.connections.load();
  c["refused"] = counts_.refused.load();
  c["dropped_subscribers"] = counts_.dropped_subscribers.load();
  c["reloads"] = counts_.reloads.load();
  c["failed_reloads"] = counts_.failed_reloads.load();
  o["counts"] = std::move(c);
  json::object audit;
  if (audit_) {
    audit::WriterStats ws = audit_->stats();
    audit["enabled"] = true;
    audit["sync"] = opt_.audit_always ? "always" : "batch";
    audit["queue_depth"] = ws.queue_depth;
    audit["records_written"] = ws.records_written;
    audit["fsyncs"] = ws.fsyncs;
    audit["backpressure_waits"] = ws.backpressure_waits;
    audit["errors"] = counts_.audit_errors.load();
    // An outage: nothing can be written, every decision is denied until a retry succeeds.
    audit["healthy"] = !ws.in_outage;
    audit["outages"] = ws.outages;
    audit["outage_ms"] = ws.outage_ms;
    audit["refused_in_outages"] = ws.refused;
    audit["retries"] = ws.retries;
    if (ws.in_outage) audit["outage_since"] = audit::FormatTimestamp(ws.outage_since_us);
    if (!ws.last_error.empty()) audit["last_error"] = ws.last_error;
    if (!audit_->recovery().problem.empty()) audit["problem_at_start"] = audit_->recovery().problem;
    if (retention_) audit["retention"] = RetentionJson();
  } else {
    audit["enabled"] = false;
    audit["queue_depth"] = 0;
  }
  o["audit"] = std::move(audit);
  json::object approvals;
  {
    std::lock_guard<std::mutex> lock(approvals_mu_);
    approvals["pending"] = pending_.size();
    approvals["remembered"] = remembered_.size();
  }
  o["approvals"] = std::move(approvals);
  {
    std::lock_guard<std::mutex> lock(subs_mu_);
    o["subscribers"] = subscribers_.size();
    o["event_streams"] = event_sinks_.size();
  }
  if (http_) {
    const auto& hc = http_->counts();
    json::object h;
    h["listen"] = (opt_.http.tls_cert.empty() ? "http://" : "https://") + http_->local_endpoint();
    json::array stages;
    for (size_t i = 0; i < http_api_->chain().size(); ++i) stages.emplace_back(http_api_->chain().name(i));
    h["stages"] = std::move(stages);
    h["connections_open"] = hc.open.load();
    h["connections_accepted"] = hc.accepted.load();
    h["connections_refused"] = hc.refused_full.load();
    h["connections_evicted"] = hc.evicted.load();
    h["request_timeouts"] = hc.timed_out.load();
    h["bad_requests"] = hc.bad_requests.load();
    if (http_stack_.tokens) h["tokens"] = http_stack_.tokens->size();
    if (http_stack_.limiter) h["ratelimit_keys"] = http_stack_.limiter->keys();
    o["http"] = std::move(h);
  }
  return o;
}

Status Daemon::Impl::StartHttp() {
  if (opt_.http.listen.empty()) return Status::Ok();
  HttpStackOptions so;
  so.state_dir = opt_.state_dir;
  so.stages = opt_.http_api.stages;
  so.rate_limits = opt_.rate_limits;
  so.jwks_file = opt_.jwks_file;
  so.jwt_issuer = opt_.jwt_issuer;
  so.jwt_audiences = opt_.jwt_audiences;
  auto base = Base();
  auto stack = BuildHttpStack(
      so, base ? base->rate_limits : std::vector<std::string>{}, [this] { return Base(); },
      [this](audit::Record r) { return AppendAudit(std::move(r)); });
  if (!stack.ok()) return stack.status();
  http_stack_ = std::move(stack).value();
  for (const auto& w : http_stack_.warnings) Log("HTTP: " + w);
  Log("HTTP: rate limits " + security::DescribeRateLimits(http_stack_.limiter->config()));
  if (Status s = LoadMetricsModule(); !s.ok()) Log("HTTP: /metrics will answer 500: " + s.message());
  http_metrics_ = std::make_shared<HttpMetrics>();
  http_metrics_->SetGauges([this](std::vector<GaugeValue>* out) {
    if (audit_) {
      audit::WriterStats ws = audit_->stats();
      out->push_back({"warden_audit_queue_depth", "Audit records queued, not yet written.", static_cast<double>(ws.queue_depth)});
      out->push_back({"warden_audit_records_written_total", "Audit records written.", static_cast<double>(ws.records_written), true});
      out->push_back({"warden_audit_backpressure_waits_total", "Appends that waited for room in the audit queue.",
                      static_cast<double>(ws.backpressure_waits), true});
      out->push_back({"warden_audit_healthy", "1 while the audit log can be written; 0 during an outage (every decision denied).",
                      ws.in_outage ? 0.0 : 1.0});
      out->push_back({"warden_audit_outages_total", "Audit outages begun (a write, sync or open failed).",
                      static_cast<double>(ws.outages), true});
      out->push_back({"warden_audit_outage_seconds_total", "Time spent in audit outages, the current one included.",
                      static_cast<double>(ws.outage_ms) / 1000.0, true});
      out->push_back({"warden_audit_refused_total", "Decisions refused because the audit log could not be written.",
                      static_cast<double>(ws.refused), true});
    }
    if (retention_) {
      audit::RetentionCounters rc = retention_->counters();
      out->push_back({"warden_audit_retention_segments_compressed_total", "Audit segments compressed by retention.",
                      static_cast<double>(rc.compressed), true});
      out->push_back({"warden_audit_retention_segments_removed_total", "Audit segments removed by retention.",
                      static_cast<double>(rc.removed_segments), true});
      out->push_back({"warden_audit_retention_bytes_removed_total", "Bytes of audit segments removed by retention.",
                      static_cast<double>(rc.removed_bytes), true});
      out->push_back({"warden_audit_retention_failed_passes_total", "Retention passes that failed.",
                      static_cast<double>(rc.failed_passes), true});
      out->push_back({"warden_audit_log_bytes", "Size of the audit segments after the last retention pass.",
                      static_cast<double>(rc.bytes)});
    }
    out->push_back({"warden_decisions_total", "Decisions made for every client (socket and HTTP).",
                    static_cast<double>(counts_.decisions.load()), true});
    if (http_) {
      const auto& c = http_->counts();
      out->push_back({"warden_http_connections_open", "HTTP connections open.", static_cast<double>(c.open.load())});
      out->push_back({"warden_http_connections_refused_total", "Connections refused at the connection limit.",
                      static_cast<double>(c.refused_full.load()), true});
      out->push_back({"warden_http_request_timeouts_total", "Connections cut off for not sending a request in time.",
                      static_cast<double>(c.timed_out.load()), true});
      out->push_back({"warden_http_connections_evicted_total", "Waiting connections closed at the limit to admit new ones.",
                      static_cast<double>(c.evicted.load()), true});
      out->push_back({"warden_http_event_streams_total", "GET /v1/events streams started.", static_cast<double>(c.streams.load()), true});
      out->push_back({"warden_http_event_streams_dropped_total", "Event streams cut off because the client did not keep up.",
                      static_cast<double>(c.streams_dropped.load()), true});
    }
    AddStackGauges(http_stack_, out);
  });
  http_api_ = std::make_unique<HttpApi>(this, std::move(http_stack_.chain), opt_.http_api, http_stack_.tokens, http_metrics_);
  http_ = std::make_unique<HttpServer>(io_, http_api_.get(), opt_.http);
  if (Status s = http_->Start(); !s.ok()) return s;
  std::string stages;
  for (size_t i = 0; i < http_api_->chain().size(); ++i) stages += (stages.empty() ? "" : ", ") + std::string(http_api_->chain().name(i));
  Log(std::string("HTTP API on ") + (opt_.http.tls_cert.empty() ? "http://" : "https://") + http_->local_endpoint() +
      " (stages: " + (stages.empty() ? "none" : stages) + ")");
  return Status::Ok();
}

// GET /v1/audit: the last `limit` records matching the filter.
Result<json::array> Daemon::Impl::QueryAudit(const AuditQuery& query) {
  if (!audit_) return Status::NotFound("this daemon keeps no audit log");
  const audit::Filter& filter = query.filter;
  size_t limit = query.limit;
  if (Status s = audit_->Flush(); !s.ok()) return Status::Internal("audit log: " + s.message());
  std::deque<std::string> last;
  auto summary = audit::Scan(JoinPath(opt_.state_dir, "audit"), filter, [&](const audit::ScanRecord& r) {
    last.emplace_back(r.line);
    if (last.size() > limit) last.pop_front();
    return true;
  });
  if (!summary.ok()) return Status::Internal("audit log: " + summary.status().message());
  json::array out;
  for (const auto& line : last) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec) out.push_back(std::move(v));
  }
  return out;
}

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() = default;
Status Daemon::Start() { return impl_->Start(); }
void Daemon::Run() { impl_->Run(); }
void Daemon::Stop() { impl_->Stop(); }

}  // namespace warden::server
