#include "server/daemon.h"

#include <fcntl.h>
#include <malloc.h>
#include <sodium.h>
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
#include <iostream>
#include <span>
#include <thread>

#include "core/path.h"
#include "local/approver_key.h"
#include "local/paths.h"
#include "local/protocol.h"
#include "security/authn/token_store.h"
#include "security/ratelimit/rate_limiter.h"
#include "server/approval_queue.h"
#include "server/audit_log.h"
#include "server/decision_service.h"
#include "server/event_bus.h"
#include "server/http_setup.h"
#include "server/policy_store.h"
#include "server/policy_watcher.h"
#include "server/redis_approval_queue.h"
#include "server/redis_event_bus.h"
#include "server/redis_status.h"
#include "server/request_summary.h"

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
using warden::local::Message;
using warden::local::Op;
using warden::local::ParseMessage;
using warden::local::PrivateDir;
using warden::local::ProtocolError;
using warden::local::ReplyLine;

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

// Constant time for equal lengths; the length of the key is not a secret.
bool SameKey(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomInstanceId() {
  uint64_t r = 0;
  if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(r & 0xffffffffULL));
  return buf;
}

PolicyStoreOptions PolicyOptionsOf(const DaemonOptions& o) {
  PolicyStoreOptions p;
  p.policy_files = o.policy_files;
  p.profile = o.profile;
  p.user_layer = o.user_layer;
  p.repository_layer = o.repository_layer;
  p.home = o.home;
  p.config_home = o.config_home;
  p.socket_path = o.socket_path;
  p.state_dir = o.state_dir;
  return p;
}

}  // namespace

// The daemon: the Unix-socket transport (the listener, and the connections below), the HTTP
// transport, signals and the policy watcher — around one DecisionService, which both
// transports call for every operation.
class Daemon::Impl final {
 public:
  explicit Impl(DaemonOptions o)
      : opt_(std::move(o)),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        accept_retry_(control_),
        signals_(io_),
        policy_(PolicyOptionsOf(opt_), Log) {
    instance_id_ = opt_.shared.instance_id.empty() ? RandomInstanceId() : opt_.shared.instance_id;
    if (opt_.shared.redis_url.empty()) {
      events_ = std::make_unique<LocalEventBus>();
      approvals_ = std::make_unique<LocalApprovalQueue>(io_);
      return;
    }
    auto address = redis::ParseUrl(opt_.shared.redis_url);
    if (!address.ok()) {
      setup_error_ = address.status();
      events_ = std::make_unique<LocalEventBus>();
      approvals_ = std::make_unique<LocalApprovalQueue>(io_);
      return;
    }
    redis::ClientOptions ro;
    ro.address = *address;
    ro.log = Log;
    hub_ = std::make_unique<redis::Hub>(ro, instance_id_, opt_.shared.prefix);
    auto bus = std::make_unique<RedisEventBus>(*hub_);
    auto queue = std::make_unique<RedisApprovalQueue>(io_, *hub_);
    shared_.hub = hub_.get();
    shared_.events = bus.get();
    shared_.approvals = queue.get();
    shared_.token_failure = opt_.shared.tokens;
    shared_.rate_failure = opt_.shared.rate_limits;
    events_ = std::move(bus);
    approvals_ = std::move(queue);
  }

  Status Start() {
    auto t0 = Clock::now();
    started_ = t0;
    if (!setup_error_.ok()) return Status::InvalidArgument("--redis: " + setup_error_.message());
    PrepareForManyClients();
    if (Status s = policy_.Load(); !s.ok()) return s;
    if (Status s = Bind(); !s.ok()) return s;
    Status opened = OpenAudit();
    if (opened.ok()) StartService();
    if (opened.ok() && !opt_.state_dir.empty()) {
      opened = PrivateDir(opt_.state_dir);  // also without an audit log: the approver key lives there
      if (opened.ok() && sodium_init() < 0) opened = Status::Internal("libsodium did not initialize");
      auto key = opened.ok() ? warden::local::LoadOrCreateApproverKey(opt_.state_dir) : Result<std::string>(opened);
      if (key.ok()) approver_key_ = *key;
      else opened = key.status();
    }
    if (opened.ok()) opened = StartHttp();
    if (opened.ok() && hub_) StartShared();
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
    if (opt_.watch_files) {
      watcher_ = std::make_unique<PolicyWatcher>(io_, policy_.WatchedFiles(),
                                                 [this] { (void)policy_.Reload("policy file changed"); }, Log);
      watcher_->Start();
    }
    Accept();
    auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    char line[160];
    auto base = policy_.Base();
    std::snprintf(line, sizeof line, "ready in %.1f ms (policy %s, %zu rules)", ms, base->revision.c_str(), base->rules.size());
    Log(std::string(line) + " on " + opt_.socket_path);
    return Status::Ok();
  }

  // Every store has registered with the hub: connect. Serving does not wait for Redis (readyz
  // says 503 until it is there); a second is given for the first connection.
  void StartShared() {
    hub_->Start();
    for (int i = 0; i < 100 && !hub_->connected(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Log("shared state in " + hub_->commands().address().Describe() + " as instance " + instance_id_ +
        (hub_->connected() ? "" : " (not connected yet: retrying; readyz answers 503 meanwhile)"));
  }

  // What readyz says besides "a policy is loaded": empty when ready.
  std::string NotReady() const {
    if (hub_ && !hub_->connected()) return "redis-unavailable";
    return {};
  }

  void Run() {
    std::vector<std::thread> pool;
    for (int i = 1; i < std::max(1, opt_.threads); ++i) pool.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : pool) t.join();
    if (hub_) hub_->Stop();
    ::unlink(opt_.socket_path.c_str());
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
      if (watcher_) watcher_->Stop();
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

  // ---- called from connections ----------------------------------------------------------

  // The reply to one message; sets *close when the connection must end after it. When *gate
  // is set, the reply holds a decision whose audit record is queued, not yet acknowledged:
  // send it only from AfterAudit's callback.
  std::string Handle(Message& m, std::shared_ptr<class Connection> from, bool* close,
                     std::optional<audit::Ticket>* gate);
  void AfterAudit(const audit::Ticket& ticket, std::function<void(const Status&)> done) {
    service_->AfterAudit(ticket, std::move(done));
  }
  EventBus& events() { return *events_; }
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
  Status OpenAudit() {
    if (!opt_.audit) return Status::Ok();
    if (opt_.state_dir.empty()) return Status::InvalidArgument("no state directory for the audit log");
    if (Status s = PrivateDir(opt_.state_dir); !s.ok()) return s;
    AuditLogOptions ao;
    ao.state_dir = opt_.state_dir;
    ao.always = opt_.audit_always;
    ao.segment_bytes = opt_.audit_segment_bytes;
    ao.retention = opt_.audit_retention;
    auto log = AuditLog::Open(ao, Log);
    if (!log.ok()) return log.status();
    audit_ = std::move(*log);
    return Status::Ok();
  }

  void StartService() {
    DecisionServiceOptions so;
    so.home = opt_.home;
    so.approval_timeout_s = opt_.approval_timeout_s;
    so.instance_id = instance_id_;
    so.log = Log;
    so.not_ready = [this] { return NotReady(); };
    service_ = std::make_unique<DecisionService>(so, policy_, audit_.get(), *events_, *approvals_, [this] { return StatusJson(); });
    if (audit_) audit_->StartRetention([this](const audit::Record& r) { return service_->AppendAudit(r); });
    policy_.OnReload([this] { ApplyRateLimits(); });
  }

  // A reloaded policy may change the HTTP API's rate limits (its rate_limits section); the
  // --rate-limit flags still win. The limiter keeps its state across the change.
  void ApplyRateLimits() {
    if (!http_stack_.limiter) return;
    auto base = policy_.Base();
    auto rl = EffectiveRateLimits(base ? base->rate_limits : std::vector<std::string>{}, opt_.rate_limits);
    if (!rl.ok() || *rl == http_stack_.limiter->config()) return;
    http_stack_.limiter->Reconfigure(*rl);
    Log("HTTP: rate limits now " + security::DescribeRateLimits(*rl));
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
        (void)policy_.Reload("SIGHUP");
        WaitSignal();
        return;
      }
      Log(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
      Stop();
    });
  }

  Status StartHttp();
  json::object StatusJson();
  json::object SocketJson();
  void AddSocketGauges(std::vector<GaugeValue>* out);
  std::string Answer(const Message& m, const std::shared_ptr<class Connection>& from, bool* close);
  std::string Record(const Message& m, const std::shared_ptr<class Connection>& from);
  std::string Ask(const Message& m, json::object o, const std::shared_ptr<class Connection>& from);

  DaemonOptions opt_;
  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> control_;  // the acceptor, its retry timer, Stop
  unix_stream::acceptor acceptor_;
  asio::steady_timer accept_retry_;  // after an accept error; touched by the accept chain only
  asio::signal_set signals_;

  // The services (decision_service.h): local implementations, or shared ones in Redis.
  std::string instance_id_;
  Status setup_error_;
  std::unique_ptr<redis::Hub> hub_;  // with --redis; stopped in Run before the stores go
  SharedStores shared_;
  PolicyStore policy_;
  std::unique_ptr<AuditLog> audit_;  // null without an audit log
  std::unique_ptr<EventBus> events_;
  std::unique_ptr<ApprovalQueue> approvals_;
  std::unique_ptr<DecisionService> service_;
  std::unique_ptr<PolicyWatcher> watcher_;

  std::string approver_key_;  // set in Start, then read-only
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
  void MarkSubscriber(uint64_t sink) {
    subscriber_ = true;
    sink_ = sink;
  }
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
    if (sink_ != 0) d_->events().Unsubscribe(sink_);
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
  uint64_t sink_ = 0;  // the event bus subscription, when subscriber_
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
    case Op::kStatus: return ReplyLine(service_->StatusJson(), m.id);
    case Op::kReload: {
      auto revision = service_->Reload("requested by pid " + std::to_string(from->pid()));
      if (!revision.ok()) {
        counts_.errors++;
        *close = true;
        return ErrorLine({"policy-error", revision.status().message(), m.id});
      }
      return ReplyLine(json::object{{"revision", *revision}}, m.id);
    }
    case Op::kApprovals: return ReplyLine(json::object{{"approvals", service_->Approvals()}}, m.id);
    case Op::kApprove:
    case Op::kDeny: return Answer(m, from, close);
    case Op::kSubscribe: {
      std::weak_ptr<Connection> weak = from;
      from->MarkSubscriber(events_->Subscribe(EventBus::Via::kSocket, [weak](const std::string& event) {
        if (auto c = weak.lock()) c->Push(event + "\n");
      }));
      return ReplyLine(json::object{{"subscribed", true}}, m.id);
    }
    case Op::kRecord: return Record(m, from);
    case Op::kDecide: break;
  }
  auto decided = service_->Decide(m.request, m.present, std::string(), from->pid(), true, gate);
  if (!decided.ok()) {
    counts_.errors++;
    *close = true;
    bool policy = decided.status().code() == Status::Code::kInvalidArgument;
    return ErrorLine({policy ? std::string_view("policy-error") : kErrInternal, decided.status().message(), m.id});
  }
  json::object o = std::move(decided).value();
  if (m.wait_ms > 0 && o["decision"].as_string() == "ask" && (!m.if_watched || events_->HasListeners())) {
    return Ask(m, std::move(o), from);
  }
  return ReplyLine(std::move(o), m.id);
}

// An ask the client waits for: the interim reply names the approval; the final decision is
// pushed to the connection when a person answers or the wait ends.
std::string Daemon::Impl::Ask(const Message& m, json::object o, const std::shared_ptr<Connection>& from) {
  std::weak_ptr<Connection> weak = from;
  from->ApprovalWaiting();
  json::value msg_id = m.id;
  json::object interim = service_->Ask(m.request, std::move(o), from->pid(), m.wait_ms,
                                       [weak, msg_id](Result<json::object> final_decision) {
                                         auto c = weak.lock();
                                         if (!c) return;
                                         c->ApprovalAnswered();
                                         if (!final_decision.ok()) {
                                           c->Push(ErrorLine({kErrInternal, final_decision.status().message(), msg_id}));
                                           return;
                                         }
                                         c->Push(ReplyLine(std::move(final_decision).value(), msg_id));
                                       });
  return ReplyLine(std::move(interim), m.id);
}

// approve / deny: only with the approver key, which the ai context cannot read.
std::string Daemon::Impl::Answer(const Message& m, const std::shared_ptr<Connection>& from, bool* close) {
  if (approver_key_.empty() || !SameKey(m.key, approver_key_)) {
    counts_.errors++;
    *close = true;
    Log("refused an approval answer with a wrong key from pid " + std::to_string(from->pid()));
    return ErrorLine({kErrRefused, "wrong approver key", m.id});
  }
  const bool allow = m.op == Op::kApprove;
  Status s = service_->AnswerApproval(m.approval, allow, m.reason, allow ? m.remember_s : 0, "pid " + std::to_string(from->pid()));
  if (!s.ok()) {
    counts_.errors++;
    *close = true;
    return ErrorLine({"unknown-approval", s.message(), m.id});
  }
  return ReplyLine(json::object{{"approval_id", m.approval}, {"decision", allow ? "allow" : "deny"}}, m.id);
}

// record: an event a client reports (the sandbox's refusals, the MCP proxy's), into the audit log.
std::string Daemon::Impl::Record(const Message& m, const std::shared_ptr<Connection>& from) {
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
  if (Status s = service_->AppendAudit(std::move(rec)); !s.ok()) {
    counts_.errors++;
    return ErrorLine({kErrInternal, "audit log: " + s.message(), m.id});
  }
  return ReplyLine(json::object{{"recorded", true}}, m.id);
}

json::object Daemon::Impl::StatusJson() {
  json::object o;
  o["version"] = WARDEN_VERSION;
  o["pid"] = static_cast<int64_t>(getpid());
  o["uptime_s"] = std::chrono::duration<double>(Clock::now() - started_).count();
  o["socket"] = opt_.socket_path;
  o["policy"] = policy_.StatusJson();
  const DecisionCounts& d = service_->counts();
  json::object c;
  c["decisions"] = d.decisions.load();
  c["allow"] = d.allow.load();
  c["deny"] = d.deny.load();
  c["ask"] = d.ask.load();
  c["errors"] = counts_.errors.load();
  c["connections"] = counts_.connections.load();
  c["refused"] = counts_.refused.load();
  c["dropped_subscribers"] = counts_.dropped_subscribers.load();
  c["reloads"] = policy_.reloads();
  c["failed_reloads"] = policy_.failed_reloads();
  c["backpressure_pauses"] = counts_.backpressure_pauses.load();
  c["read_timeouts"] = counts_.read_timeouts.load();
  c["idle_timeouts"] = counts_.idle_timeouts.load();
  c["write_timeouts"] = counts_.write_timeouts.load();
  c["input_limit_closes"] = counts_.input_limit_closes.load();
  o["counts"] = std::move(c);
  o["connections"] = SocketJson();
  o["audit"] = audit_ ? audit_->StatusJson() : json::object{{"enabled", false}, {"queue_depth", 0}};
  o["approvals"] = json::object{{"pending", approvals_->pending()}, {"remembered", approvals_->remembered()}};
  o["subscribers"] = events_->Count(EventBus::Via::kSocket);
  o["event_streams"] = events_->Count(EventBus::Via::kHttp);
  if (hub_) o["shared"] = SharedStatusJson(shared_);
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
  so.hub = hub_.get();
  so.token_failure = opt_.shared.tokens;
  so.rate_failure = opt_.shared.rate_limits;
  auto base = policy_.Base();
  auto stack = BuildHttpStack(
      so, base ? base->rate_limits : std::vector<std::string>{}, [this] { return policy_.Base(); },
      [this](audit::Record r) { return service_->AppendAudit(std::move(r)); });
  if (!stack.ok()) return stack.status();
  http_stack_ = std::move(stack).value();
  if (hub_) {
    shared_.tokens = dynamic_cast<const security::RedisTokenStore*>(http_stack_.tokens.get());
    shared_.limiter = dynamic_cast<const security::RedisRateLimitStore*>(http_stack_.limiter.get());
  }
  for (const auto& w : http_stack_.warnings) Log("HTTP: " + w);
  Log("HTTP: rate limits " + security::DescribeRateLimits(http_stack_.limiter->config()));
  if (Status s = LoadMetricsModule(); !s.ok()) Log("HTTP: /metrics will answer 500: " + s.message());
  http_metrics_ = std::make_shared<HttpMetrics>();
  http_metrics_->SetGauges([this](std::vector<GaugeValue>* out) {
    if (audit_) audit_->AddGauges(out);
    out->push_back({"warden_decisions_total", "Decisions made for every client (socket and HTTP).",
                    static_cast<double>(service_->counts().decisions.load()), true});
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
    if (hub_) AddSharedGauges(shared_, out);
  });
  http_api_ = std::make_unique<HttpApi>(service_.get(), std::move(http_stack_.chain), opt_.http_api, http_stack_.tokens, http_metrics_);
  http_ = std::make_unique<HttpServer>(io_, http_api_.get(), opt_.http);
  if (Status s = http_->Start(); !s.ok()) return s;
  std::string stages;
  for (size_t i = 0; i < http_api_->chain().size(); ++i) stages += (stages.empty() ? "" : ", ") + std::string(http_api_->chain().name(i));
  Log(std::string("HTTP API on ") + (opt_.http.tls_cert.empty() ? "http://" : "https://") + http_->local_endpoint() +
      " (stages: " + (stages.empty() ? "none" : stages) + ")");
  return Status::Ok();
}

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() = default;
Status Daemon::Start() { return impl_->Start(); }
void Daemon::Run() { impl_->Run(); }
void Daemon::Stop() { impl_->Stop(); }

}  // namespace warden::server
