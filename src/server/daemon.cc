#include "server/daemon.h"

#include <fcntl.h>
#include <malloc.h>
#include <sodium.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/resource.h>
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
#include <span>
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
#include "local/approver_key.h"
#include "local/paths.h"
#include "local/protocol.h"
#include "server/request_summary.h"
#include "server/redact.h"

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

namespace warden::server {

// The local protocol's codec and paths (local/): the daemon speaks what its clients speak.
using warden::local::ErrorLine;
using warden::local::kErrBusy;
using warden::local::kErrInternal;
using warden::local::kErrRefused;
using warden::local::kErrTimeout;
using warden::local::kErrTooLarge;
using warden::local::kMaxMessageBytes;
using warden::local::kMaxRememberS;
using warden::local::Message;
using warden::local::Op;
using warden::local::ParseMessage;
using warden::local::PrivateDir;
using warden::local::ProtocolError;
using warden::local::ReplyLine;
using warden::local::RequestJson;

namespace asio = boost::asio;
namespace json = boost::json;
using unix_stream = asio::local::stream_protocol;  // not warden::local, the protocol's client side
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
  explicit Impl(DaemonOptions o)
      : opt_(std::move(o)),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        accept_retry_(control_),
        signals_(io_),
        inotify_(io_) {
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(r & 0xffffffffULL));
    id_prefix_ = buf;
  }

  Status Start() {
    auto t0 = Clock::now();
    started_ = t0;
    PrepareForManyClients();
    if (Status s = LoadBase(); !s.ok()) return s;
    if (Status s = Bind(); !s.ok()) return s;
    Status opened = OpenAudit();
    if (opened.ok() && !opt_.state_dir.empty()) {
      opened = PrivateDir(opt_.state_dir);  // also without an audit log: the approver key lives there
      if (opened.ok() && sodium_init() < 0) opened = Status::Internal("libsodium did not initialize");
      auto key = opened.ok() ? warden::local::LoadOrCreateApproverKey(opt_.state_dir) : Result<std::string>(opened);
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
    stopping_ = true;
    asio::post(control_, [this] {  // on the acceptor's strand: the accept chain runs there too
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
  const SocketLimits& socket_limits() const { return opt_.socket_limits; }
  // Hands freed heap memory back to the kernel (malloc_trim) a second from now, once for any
  // number of calls meanwhile: called when a connection that held a lot of memory ends, or
  // when many connections have ended since the last trim.
  void TrimMemorySoon() {
    if (trim_pending_.exchange(true)) return;
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds(1));
    timer->async_wait([this, timer](const boost::system::error_code&) {
      trim_pending_ = false;
      connections_at_trim_ = counts_.open_connections.load();
      malloc_trim(0);
    });
  }
  void ConnectionOpened() {
    int64_t open = ++counts_.open_connections;
    int64_t peak = connections_at_trim_.load();
    while (open > peak && !connections_at_trim_.compare_exchange_weak(peak, open)) {
    }
  }
  void ConnectionClosed(bool held_large) {
    int64_t open = --counts_.open_connections;
    if (held_large || connections_at_trim_.load() - open >= kConnectionsPerTrim) TrimMemorySoon();
  }

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
      unix_stream::socket probe(io_);
      boost::system::error_code ec;
      probe.connect(unix_stream::endpoint(path), ec);
      if (!ec) return Status::InvalidArgument("a daemon is already listening on " + path);
      ::unlink(path.c_str());
    }
    boost::system::error_code ec;
    mode_t old = ::umask(0177);  // the socket is born 0600: no window where others can connect
    acceptor_.open(unix_stream(), ec);
    if (!ec) acceptor_.bind(unix_stream::endpoint(path), ec);
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

  // Process-wide settings for serving many clients. Buffers of 128 KiB and more are mmapped,
  // so freeing them (a client that sent a long line leaves) returns them to the kernel at once:
  // glibc would raise that threshold after the first large free and keep such buffers in the
  // heap for good. And a connection needs a descriptor: the soft limit goes up to the hard one.
  static void PrepareForManyClients() {
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
  }

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
  // files themselves cannot be watched. A burst of events reloads once. A policy directory that
  // is removed (or not made yet) is watched for through its nearest existing ancestor, and
  // watched again, with a reload, as soon as it is back.
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
      watched_names_.insert(abs);
      policy_dirs_.insert(DirOf(abs));
    }
    WatchPolicyDirs();
    ReadInotify();
  }

  static std::string CurrentDirectory() {
    char buf[4096];
    return getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
  }

  static bool IsUnder(const std::string& path, const std::string& dir) {
    if (dir == "/") return path.size() > 1 && path.front() == '/';
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
  }

  bool AddWatch(const std::string& dir) {
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
  bool WatchPolicyDirs() {
    bool back = false;
    for (const auto& dir : policy_dirs_) {
      if (watched_dirs_.count(dir)) continue;
      bool was_missing = missing_dirs_.count(dir) > 0;
      for (int tries = 0; tries < 8; ++tries) {  // bounded: a directory removed and made again in a loop
        if (AddWatch(dir)) {
          missing_dirs_.erase(dir);
          if (was_missing) Log("policy directory " + dir + " exists now: watching it");
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
      bool needed = std::any_of(missing_dirs_.begin(), missing_dirs_.end(),
                                [&](const std::string& m) { return IsUnder(m, dir); });
      if (!needed) unneeded.push_back(wd);
    }
    for (int wd : unneeded) ForgetWatch(wd, true);
    return back;
  }

  void ForgetWatch(int wd, bool remove) {
    auto it = wd_to_dir_.find(wd);
    if (it == wd_to_dir_.end()) return;
    if (remove) inotify_rm_watch(inotify_.native_handle(), wd);
    watched_dirs_.erase(it->second);
    wd_to_dir_.erase(it);
  }

  void ReadInotify() {
    inotify_.async_read_some(asio::buffer(inotify_buf_), [this](const boost::system::error_code& ec, size_t n) {
      if (ec) return;
      bool relevant = false;
      bool rewatch = false;  // a watched directory went away, or a way to a missing one appeared
      for (size_t off = 0; off + sizeof(inotify_event) <= n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(inotify_buf_.data() + off);
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
            Log("policy directory " + it->second + " went away: watching for it to come back");
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
          Reload("policy file changed", true);
        });
      }
      ReadInotify();
    });
  }

  Status StartHttp();
  json::object SocketJson();
  void AddSocketGauges(std::vector<GaugeValue>* out);
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
  asio::strand<asio::io_context::executor_type> control_;  // the acceptor, its retry timer, Stop
  unix_stream::acceptor acceptor_;
  asio::steady_timer accept_retry_;  // after an accept error; touched by the accept chain only
  asio::signal_set signals_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 8192> inotify_buf_{};
  // The inotify state below is touched by Watch and the inotify handler chain only.
  std::map<std::string, int> watched_dirs_;  // policy directories and ancestors of missing ones
  std::map<int, std::string> wd_to_dir_;
  std::set<std::string> watched_names_;  // the policy files
  std::set<std::string> policy_dirs_;    // their directories
  std::set<std::string> missing_dirs_;   // policy directories that do not exist now
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
  std::atomic<bool> stopping_{false};
  Clock::time_point last_accept_error_log_{};  // touched by the accept chain only
  std::atomic<bool> trim_pending_{false};
  // The most connections open at once since the last trim: when this many fewer are open, the
  // memory of those that ended is worth handing back.
  static constexpr int64_t kConnectionsPerTrim = 256;
  std::atomic<int64_t> connections_at_trim_{0};
  Clock::time_point started_;
  std::string id_prefix_;
  std::atomic<uint64_t> next_id_{1};
};

// One client connection of the Unix socket. Bytes are read as they arrive (into a per-thread
// chunk: a connection with nothing unfinished holds no input buffer), each complete line is
// answered in order, and answers are written without blocking. Every handler runs on the
// connection's strand; subscribers also get events pushed from other threads through it.
// SocketLimits are applied here: reading stops while answers wait unsent (backpressure), the
// daemon-wide caps on buffered bytes, and one timer for the read, write and idle deadlines.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Daemon::Impl* d, unix_stream::socket s)
      : d_(d), lim_(d->socket_limits()), sock_(std::move(s)), timer_(sock_.get_executor()) {}

  unix_stream::socket::executor_type executor() { return sock_.get_executor(); }

  void Begin() {
    d_->ConnectionOpened();
    last_activity_ = Clock::now();
    boost::system::error_code ec;
    sock_.non_blocking(true, ec);
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
    WaitReadable();
    Rearm();
  }

  // Thread-safe: queues a line (an event, or the answer to an approval) for this connection.
  // A subscriber that falls this far behind is disconnected rather than let the queue grow.
  static constexpr size_t kMaxQueuedEvents = 4096;

  void Push(std::string line) {
    auto self = shared_from_this();
    asio::post(sock_.get_executor(), [self, line = std::move(line)]() mutable {
      if (self->closed_) return;
      if (self->out_.size() >= kMaxQueuedEvents || self->out_bytes_ + line.size() > self->lim_.max_subscriber_bytes) {
        self->d_->counts().dropped_subscribers++;
        Log("disconnected a subscriber (pid " + std::to_string(self->pid_) + ") that fell " +
            std::to_string(self->out_.size()) + " events (" + std::to_string(self->out_bytes_) + " bytes) behind");
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
  // What keeps a connection from being idle (closed after idle_timeout): a subscription, and
  // approvals it waits for. MarkSubscriber and ApprovalWaiting run on the strand (Handle);
  // ApprovalAnswered on any thread, before the answer is pushed.
  void MarkSubscriber() { subscriber_ = true; }
  void ApprovalWaiting() { approvals_++; }
  void ApprovalAnswered() { approvals_--; }

 private:
  static constexpr size_t kReadChunk = 64 * 1024;
  // A connection that held this much has left holes in the heap: ask for a trim when it ends.
  static constexpr size_t kLargeHolding = 256 * 1024;

  // ---- reading ----------------------------------------------------------------------------

  void WaitReadable() {
    if (reading_ || closed_ || closing_ || paused_ || gated_) return;
    reading_ = true;
    sock_.async_wait(unix_stream::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
      self->reading_ = false;
      if (ec) {
        self->Close();
        return;
      }
      self->OnReadable();
    });
  }

  void OnReadable() {
    if (closed_ || closing_) return;
    thread_local std::vector<char> chunk(kReadChunk);
    boost::system::error_code ec;
    size_t n = sock_.read_some(asio::buffer(chunk), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      WaitReadable();
      return;
    }
    if (ec == asio::error::eof && !out_.empty()) {
      // The client is done sending (a half-close, as `socat` does) but may still read: the
      // answers queued go out first.
      peer_done_ = closing_ = true;
      DropInput();
      Rearm();
      return;
    }
    if (ec) {  // the client left
      Close();
      return;
    }
    last_activity_ = Clock::now();
    if (in_.size() == in_head_) partial_since_ = last_activity_;
    in_.append(chunk.data(), n);
    HandleLines();
  }

  // Answers the complete lines held, in order, until the connection must wait (backpressure, or
  // an answer waiting for its audit record); then charges what is left to the daemon's total
  // and waits for more input.
  void HandleLines() {
    if (closed_) return;
    handling_ = true;
    bool consumed = false;
    while (!closed_ && !closing_ && !paused_ && !gated_) {
      size_t nl = in_.find('\n', in_scan_);
      if (nl == std::string::npos) {
        in_scan_ = in_.size();
        break;
      }
      std::string_view line(in_.data() + in_head_, nl - in_head_);
      in_head_ = in_scan_ = nl + 1;
      consumed = true;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) OnLine(line);
      if (!closed_ && !closing_ && !paused_ && ShouldPause()) {
        paused_ = true;
        d_->counts().backpressure_pauses++;
      }
    }
    handling_ = false;
    if (closed_) return;
    if (consumed) partial_since_ = Clock::now();  // what is left began in the last read
    CompactInput();
    bool waiting = closing_ || paused_ || gated_;
    if (!waiting && in_.size() > kMaxMessageBytes) {
      d_->counts().errors++;
      DropInput();
      Send(ErrorLine({kErrTooLarge, "a message is limited to " + std::to_string(kMaxMessageBytes) + " bytes", nullptr}),
           true);
      return;
    }
    if (!ChargeInput()) {
      d_->counts().input_limit_closes++;
      DropInput();
      Send(ErrorLine({kErrBusy, "the daemon holds too much unfinished input from all clients; retry", nullptr}), true);
      return;
    }
    WaitReadable();
    Rearm();
  }

  void OnLine(std::string_view line) {
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
  }

  // A decision is answered only once its audit record is acknowledged (in batch mode: handed to
  // the kernel), so that no answer a client acts on can be lost to a crash of the daemon; if the
  // record never will be, the answer is an error (clients fail closed). The next message is
  // read after that: one decision in flight per connection.
  void AnswerOnceAudited(const audit::Ticket& ticket, std::string reply, json::value id, bool close) {
    gated_ = true;
    auto self = shared_from_this();
    d_->AfterAudit(ticket, [self, reply = std::move(reply), id = std::move(id), close](const Status& s) mutable {
      asio::post(self->sock_.get_executor(), [self, reply = std::move(reply), id = std::move(id), close, s]() mutable {
        self->gated_ = false;
        if (self->closed_) return;
        if (!s.ok()) {
          self->d_->CountAuditError();
          self->Send(ErrorLine({kErrInternal, "the decision could not be written to the audit log: " + s.message(), id}),
                     true);
          return;
        }
        self->Send(std::move(reply), close);
        if (!self->handling_) self->HandleLines();
      });
    });
  }

  // The bytes held between reads (an unfinished line, or lines waiting out a pause) count
  // towards max_total_in_bytes; false when this connection's growth would pass it.
  bool ChargeInput() {
    auto held = static_cast<int64_t>(in_.size());
    int64_t delta = held - in_charged_;
    auto& total = d_->counts().buffered_in_bytes;
    if (delta > 0 && total.fetch_add(delta) + delta > static_cast<int64_t>(lim_.max_total_in_bytes)) {
      total.fetch_sub(delta);
      return false;
    }
    if (delta < 0) total.fetch_add(delta);
    in_charged_ = held;
    if (in_.capacity() >= kLargeHolding) held_large_ = true;
    return true;
  }

  // Drops the answered lines; a buffer much larger than what it holds is given back.
  void CompactInput() {
    if (in_head_ > 0) {
      in_.erase(0, in_head_);
      in_scan_ -= in_head_;
      in_head_ = 0;
    }
    if (in_.empty() && in_.capacity() > kReadChunk) {
      std::string().swap(in_);
    } else if (in_.capacity() > 2 * kReadChunk && in_.capacity() > 4 * in_.size()) {
      in_.shrink_to_fit();
    }
  }

  void DropInput() {
    if (in_.capacity() >= kLargeHolding) held_large_ = true;
    std::string().swap(in_);
    in_head_ = in_scan_ = 0;
    d_->counts().buffered_in_bytes -= in_charged_;
    in_charged_ = 0;
  }

  // ---- writing ----------------------------------------------------------------------------

  void Send(std::string line, bool close_after) {
    if (closed_) return;
    if (close_after) closing_ = true;
    if (out_.empty()) write_progress_ = Clock::now();
    out_bytes_ += line.size();
    d_->counts().buffered_out_bytes += static_cast<int64_t>(line.size());
    if (out_bytes_ >= kLargeHolding) held_large_ = true;
    out_.push_back({std::move(line), close_after});
    if (!writing_) Flush();
  }

  // Writes what the kernel takes now (several lines per call); waits for room for the rest.
  void Flush() {
    while (!out_.empty() && !closed_) {
      std::array<asio::const_buffer, 16> bufs;
      size_t k = 0;
      for (auto it = out_.begin(); it != out_.end() && k < bufs.size(); ++it) {
        size_t off = k == 0 ? out_sent_ : 0;
        bufs[k++] = asio::buffer(it->line.data() + off, it->line.size() - off);
        if (it->close_after) break;  // nothing after a last line
      }
      boost::system::error_code ec;
      size_t n = sock_.write_some(std::span<const asio::const_buffer>(bufs.data(), k), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        WaitWritable();
        return;
      }
      if (ec) {
        Close();
        return;
      }
      if (Consumed(n)) return;  // a last line went out: closed
    }
    if (closed_) return;
    if (peer_done_) {
      Close();
      return;
    }
    if (paused_ && !ShouldPause()) {
      paused_ = false;
      if (!handling_) HandleLines();
    }
    Rearm();
  }

  // Takes n written bytes off the queue; true when that finished a line after which the
  // connection ends (it is then closed).
  bool Consumed(size_t n) {
    write_progress_ = last_activity_ = Clock::now();
    out_bytes_ -= n;
    d_->counts().buffered_out_bytes -= static_cast<int64_t>(n);
    while (n > 0) {
      size_t left = out_.front().line.size() - out_sent_;
      if (n < left) {
        out_sent_ += n;
        break;
      }
      n -= left;
      bool last = out_.front().close_after;
      out_.pop_front();
      out_sent_ = 0;
      if (last) {
        Close();
        return true;
      }
    }
    return false;
  }

  void WaitWritable() {
    writing_ = true;
    sock_.async_wait(unix_stream::socket::wait_write, [self = shared_from_this()](const boost::system::error_code& ec) {
      self->writing_ = false;
      if (ec) {
        self->Close();
        return;
      }
      self->Flush();
    });
    Rearm();
  }

  bool ShouldPause() const {
    return out_bytes_ > lim_.max_out_bytes ||
           (out_bytes_ > 0 && d_->counts().buffered_out_bytes.load() > static_cast<int64_t>(lim_.max_total_out_bytes));
  }

  // ---- deadlines --------------------------------------------------------------------------

  bool HasPartialLine() const { return !in_.empty() && !paused_ && !gated_ && !closing_; }
  bool Idle() const {
    return in_.empty() && out_.empty() && !subscriber_ && approvals_.load() == 0 && !gated_ && !closing_;
  }

  Clock::time_point NextDeadline() const {
    auto t = Clock::time_point::max();
    if (!out_.empty()) t = std::min(t, write_progress_ + lim_.write_timeout);
    if (HasPartialLine()) t = std::min(t, partial_since_ + lim_.read_timeout);
    if (Idle()) t = std::min(t, last_activity_ + lim_.idle_timeout);
    return t;
  }

  // The timer is moved only to an earlier deadline; when it fires, the state decides what is
  // due (and the next deadline). A connection that answers whole lines at once never touches it.
  void Rearm() {
    if (closed_) return;
    auto t = NextDeadline();
    if (t >= timer_at_) return;
    timer_at_ = t;
    timer_.expires_at(t);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->OnTimer();
    });
  }

  void OnTimer() {
    timer_at_ = Clock::time_point::max();
    if (closed_) return;
    auto now = Clock::now();
    if (!out_.empty() && now >= write_progress_ + lim_.write_timeout) {
      d_->counts().write_timeouts++;  // the client does not read its answers
      Close();
      return;
    }
    if (HasPartialLine() && now >= partial_since_ + lim_.read_timeout) {
      d_->counts().read_timeouts++;
      DropInput();
      auto ms = std::to_string(lim_.read_timeout.count());
      Send(ErrorLine({kErrTimeout, "a message must be complete within " + ms + " ms of its first byte", nullptr}),
           true);
      Rearm();
      return;
    }
    if (Idle() && now >= last_activity_ + lim_.idle_timeout) {
      d_->counts().idle_timeouts++;  // closed without a line: a client's next call reconnects
      Close();
      return;
    }
    Rearm();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    d_->Unsubscribe(shared_from_this());
    boost::system::error_code ec;
    timer_.cancel();
    sock_.shutdown(unix_stream::socket::shutdown_both, ec);
    sock_.close(ec);
    auto& c = d_->counts();
    c.buffered_out_bytes -= static_cast<int64_t>(out_bytes_);
    c.buffered_in_bytes -= in_charged_;
    out_bytes_ = 0;
    in_charged_ = 0;
    // The buffers themselves go with the connection, once its last handler has run.
    d_->ConnectionClosed(held_large_ || in_.capacity() >= kLargeHolding);
  }

  struct Out {
    std::string line;
    bool close_after = false;
  };
  // Lines not yet (fully) written, oldest first: a vector and the index of its front, so that a
  // connection with nothing queued holds no allocation (a std::deque always holds ~600 bytes).
  class OutQueue {
   public:
    bool empty() const { return head_ == lines_.size(); }
    size_t size() const { return lines_.size() - head_; }
    Out& front() { return lines_[head_]; }
    std::vector<Out>::const_iterator begin() const { return lines_.begin() + static_cast<std::ptrdiff_t>(head_); }
    std::vector<Out>::const_iterator end() const { return lines_.end(); }
    void push_back(Out o) { lines_.push_back(std::move(o)); }
    void pop_front() {
      lines_[head_++] = Out{};
      if (head_ == lines_.size()) {
        lines_.clear();
        head_ = 0;
        if (lines_.capacity() > 64) lines_.shrink_to_fit();
      } else if (head_ >= 64 && 2 * head_ >= lines_.size()) {
        lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
    }

   private:
    std::vector<Out> lines_;
    size_t head_ = 0;
  };
  Daemon::Impl* d_;
  const SocketLimits& lim_;
  unix_stream::socket sock_;
  asio::steady_timer timer_;
  Clock::time_point timer_at_ = Clock::time_point::max();  // when timer_ fires (max: not armed)
  std::string in_;                                         // received, not yet answered: lines, at most one unfinished
  size_t in_head_ = 0;                                     // in_[0, in_head_) is answered
  size_t in_scan_ = 0;                                     // in_[in_head_, in_scan_) holds no newline
  int64_t in_charged_ = 0;                                 // bytes of in_ counted in buffered_in_bytes
  OutQueue out_;
  size_t out_sent_ = 0;   // bytes of out_.front() already written
  size_t out_bytes_ = 0;  // unsent bytes in out_
  Clock::time_point last_activity_, partial_since_, write_progress_;
  bool reading_ = false;    // waiting for input
  bool writing_ = false;    // waiting for room to write
  bool handling_ = false;   // inside HandleLines
  bool paused_ = false;     // not reading: too many unsent answers
  bool gated_ = false;      // an answer waits for its audit record
  bool closing_ = false;    // a last line is queued: read no more
  bool peer_done_ = false;  // the client sent end of file: close once the answers are out
  bool closed_ = false;
  bool subscriber_ = false;
  bool held_large_ = false;
  std::atomic<int> approvals_{0};  // pending approvals whose answer goes to this connection
  int pid_ = 0;
  unsigned uid_ = 0;
};

void Daemon::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](const boost::system::error_code& ec, unix_stream::socket s) {
    if (ec == asio::error::operation_aborted || stopping_) return;
    if (ec) {
      // Out of descriptors (EMFILE) or the like: try again shortly instead of spinning.
      if (Clock::now() - last_accept_error_log_ > std::chrono::seconds(10)) {
        last_accept_error_log_ = Clock::now();
        Log("accept: " + ec.message() + " (retrying every 100 ms)");
      }
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e && !stopping_) Accept();
      });
      return;
    }
    counts_.connections++;
    // Begin on the connection's strand, like everything it does later: a write it starts could
    // otherwise complete on another thread while Begin still runs here.
    auto c = std::make_shared<Connection>(this, std::move(s));
    asio::dispatch(c->executor(), [c] { c->Begin(); });
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
      from->MarkSubscriber();
      json::object o;
      o["subscribed"] = true;
      return ReplyLine(std::move(o), m.id);
    }
    case Op::kRecord: {
      audit::Record rec;
      const bool confined = m.request.kind == policy::RequestKind::kExec;  // warden sandbox
      rec.kind = confined ? "exec" : "mcp";
      rec.context = std::string(policy::ContextName(m.request.context));
      rec.decision = m.event_decision;
      rec.rule = (confined ? "sandbox:" : "mcp-proxy:") + m.event_type;
      rec.reason = m.reason;
      json::object req;
      if (confined) {
        req = RequestSummary(m.request);  // the command redacted, the rule set's hash
        req["event"] = m.event_type;
      } else {
        req = json::object{{"kind", "mcp"}, {"server", m.request.server}, {"tool", m.request.tool}, {"event", m.event_type}};
      }
      req["reported_by_pid"] = from->pid();
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
  from->ApprovalWaiting();
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
    c->ApprovalAnswered();
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
  c["backpressure_pauses"] = counts_.backpressure_pauses.load();
  c["read_timeouts"] = counts_.read_timeouts.load();
  c["idle_timeouts"] = counts_.idle_timeouts.load();
  c["write_timeouts"] = counts_.write_timeouts.load();
  c["input_limit_closes"] = counts_.input_limit_closes.load();
  o["counts"] = std::move(c);
  o["connections"] = SocketJson();
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

// The Unix socket's connections: what they hold now, and the limits (SocketLimits) in force.
json::object Daemon::Impl::SocketJson() {
  const SocketLimits& l = opt_.socket_limits;
  json::object o;
  o["open"] = counts_.open_connections.load();
  o["buffered_in_bytes"] = counts_.buffered_in_bytes.load();
  o["buffered_out_bytes"] = counts_.buffered_out_bytes.load();
  o["read_timeout_s"] = std::chrono::duration<double>(l.read_timeout).count();
  o["idle_timeout_s"] = std::chrono::duration<double>(l.idle_timeout).count();
  o["write_timeout_s"] = std::chrono::duration<double>(l.write_timeout).count();
  o["max_out_bytes"] = l.max_out_bytes;
  o["max_total_out_bytes"] = l.max_total_out_bytes;
  o["max_total_in_bytes"] = l.max_total_in_bytes;
  return o;
}

void Daemon::Impl::AddSocketGauges(std::vector<GaugeValue>* out) {
  auto add = [&](const char* name, const char* help, double v, bool counter) {
    out->push_back({name, help, v, counter});
  };
  const DaemonCounts& c = counts_;
  add("warden_socket_connections_open", "Unix-socket connections open.", static_cast<double>(c.open_connections.load()),
      false);
  add("warden_socket_buffered_in_bytes", "Unfinished lines held for Unix-socket clients.",
      static_cast<double>(c.buffered_in_bytes.load()), false);
  add("warden_socket_buffered_out_bytes", "Answers and events not yet taken by Unix-socket clients.",
      static_cast<double>(c.buffered_out_bytes.load()), false);
  add("warden_socket_backpressure_pauses_total",
      "Times a Unix-socket connection stopped being read until its answers were read.",
      static_cast<double>(c.backpressure_pauses.load()), true);
  add("warden_socket_read_timeouts_total", "Unix-socket connections closed for not finishing a line in time.",
      static_cast<double>(c.read_timeouts.load()), true);
  add("warden_socket_idle_timeouts_total", "Idle Unix-socket connections closed.",
      static_cast<double>(c.idle_timeouts.load()), true);
  add("warden_socket_write_timeouts_total", "Unix-socket connections closed for not reading their answers.",
      static_cast<double>(c.write_timeouts.load()), true);
  add("warden_socket_input_limit_closes_total",
      "Unix-socket connections closed at the limit of unfinished input of all clients.",
      static_cast<double>(c.input_limit_closes.load()), true);
  add("warden_socket_dropped_subscribers_total", "Event subscribers cut off for falling behind.",
      static_cast<double>(c.dropped_subscribers.load()), true);
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
    AddSocketGauges(out);
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
