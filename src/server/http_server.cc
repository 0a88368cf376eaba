#include "server/http_server.h"

#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>

#include "server/http_request.h"

namespace warden::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Status ParseListenAddress(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) {
    return Status::InvalidArgument("--http \"" + text + "\": give ADDRESS:PORT, e.g. 127.0.0.1:8181");
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::string p = text.substr(colon + 1);
  unsigned long n = 0;
  for (char c : p) {
    if (c < '0' || c > '9' || n > 65535) return Status::InvalidArgument("--http \"" + text + "\": the port must be a number 0-65535");
    n = n * 10 + static_cast<unsigned long>(c - '0');
  }
  if (n > 65535) return Status::InvalidArgument("--http \"" + text + "\": the port must be a number 0-65535");
  boost::system::error_code ec;
  asio::ip::make_address(h.empty() ? "0.0.0.0" : h, ec);
  if (ec) return Status::InvalidArgument("--http \"" + text + "\": \"" + h + "\" is not an IP address (names are not resolved)");
  *host = h.empty() ? "0.0.0.0" : h;
  *port = static_cast<uint16_t>(n);
  return Status::Ok();
}

namespace {

void Log(const std::string& line) { std::cerr << "warden serve: " << line << std::endl; }

// What a session needs of the server, without owning it.
struct SessionHost {
  const HttpApi* api;
  HttpServerOptions opt;
  HttpServerCounts counts;
  std::atomic<bool> stopping{false};
};

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void CloseIfIdle() = 0;
  // Closes the session if its deadline passed (posted to its strand by the sweeper).
  virtual void CloseIfLate(int64_t now_ns) = 0;
  // Since when the session waits for a request (steady ns), 0 while it serves one or streams.
  // Read from the accepting thread to pick a connection to give up at the limit.
  int64_t waiting_since() const { return waiting_since_.load(std::memory_order_relaxed); }
  // Marks the session as chosen to be closed, unless it started a request meanwhile: a
  // session is given up once, not picked again by every admission while it closes.
  bool Claim(int64_t since) { return waiting_since_.compare_exchange_strong(since, 0, std::memory_order_relaxed); }
  // When the session's current read or write must be done (steady ns), 0 for none.
  int64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }

 protected:
  std::atomic<int64_t> waiting_since_{0};
  std::atomic<int64_t> deadline_{0};
};

// "Wed, 03 Dec 2026 09:30:00 GMT", formatted once a second per thread.
std::string_view HttpDate() {
  thread_local time_t cached = 0;
  thread_local char buf[40];
  thread_local size_t len = 0;
  time_t now = time(nullptr);
  if (now != cached) {
    struct tm tm;
    gmtime_r(&now, &tm);
    len = strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = now;
  }
  return {buf, len};
}

void AppendHeaderValue(std::string* w, std::string_view v) {
  if (v.find_first_of("\r\n") == std::string_view::npos) {
    w->append(v);
    return;
  }
  for (char c : v) {
    if (c != '\r' && c != '\n') w->push_back(c);  // no header can be split into two
  }
}

// The whole response in one buffer, one write: Beast's serializer walked a chain of buffer
// views per field and was a sixth of a request's instructions (callgrind, docs/PERFORMANCE.md).
void SerializeResponse(const HttpOut& out, unsigned version, bool keep_alive, bool head, std::string* w) {
  w->clear();
  w->reserve(256 + out.body.size());
  w->append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  w->append(std::to_string(out.status));
  w->push_back(' ');
  beast::string_view reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(out.status)));
  w->append(reason.data(), reason.size());
  w->append("\r\nServer: warden\r\nDate: ");
  w->append(HttpDate());
  w->append("\r\nContent-Type: ");
  AppendHeaderValue(w, out.content_type);
  w->append("\r\n");
  bool challenge = false;
  for (const auto& [k, v] : out.headers) {
    AppendHeaderValue(w, k);
    w->append(": ");
    AppendHeaderValue(w, v);
    w->append("\r\n");
    challenge |= beast::iequals(k, "WWW-Authenticate");
  }
  if (out.status == 401 && !challenge) w->append("WWW-Authenticate: Bearer realm=\"warden\"\r\n");
  w->append("Content-Length: ");
  w->append(std::to_string(out.body.size()));
  w->append(!keep_alive ? "\r\nConnection: close\r\n\r\n" : version == 10 ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\n\r\n");
  if (!head) w->append(out.body);
}

// Stream: tcp::socket, or beast::ssl_stream<tcp::socket>. Timeouts are deadlines the server's
// sweeper checks (HttpServer::Impl::Sweep), not a timer armed per read and write.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(SessionHost* host, Stream stream, std::string client, std::function<void(SessionBase*)> on_close)
      : host_(host), stream_(std::move(stream)), client_(std::move(client)), on_close_(std::move(on_close)) {}
  ~Session() override {
    Unsubscribe();
    host_->counts.open--;
    on_close_(this);
  }

  void Begin() {
    waiting_since_.store(SteadyNs(), std::memory_order_relaxed);
    if constexpr (kTls) {
      SetDeadline();
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();  // a failed handshake has no HTTP to answer with
        self->Read();
      });
    } else {
      Read();
    }
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

  void CloseIfLate(int64_t now_ns) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), now_ns] {
      int64_t d = self->deadline_.load(std::memory_order_relaxed);
      if (d == 0 || d > now_ns || self->closed_) return;
      self->host_->counts.timed_out++;
      self->Close();  // no answer: a client too slow to send a request is too slow to read one
    });
  }

 private:
  static constexpr bool kTls = std::is_same_v<Stream, beast::ssl_stream<tcp::socket>>;

  void SetDeadline() {
    deadline_.store(SteadyNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(host_->opt.request_timeout).count(),
                    std::memory_order_relaxed);
  }

  void Read() {
    busy_ = false;
    if (host_->stopping) return Close();
    waiting_since_.store(SteadyNs(), std::memory_order_relaxed);
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(host_->opt.max_header_bytes));
    parser_->body_limit(host_->opt.max_body_bytes);
    SetDeadline();
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    busy_ = true;
    waiting_since_.store(0, std::memory_order_relaxed);
    if (closed_ || ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor || ec == asio::ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::header_limit) return Refuse(431, "headers-too-large", "the request's headers are over " + std::to_string(host_->opt.max_header_bytes) + " bytes");
    if (ec == http::error::body_limit) return Refuse(413, "body-too-large", "the request's body is over " + std::to_string(host_->opt.max_body_bytes) + " bytes");
    if (ec) return Refuse(400, "bad-http", "malformed HTTP request: " + ec.message());
    Serve(parser_->get());
  }

  void Serve(http::request<http::string_body>& req) {
    HttpIn in = ToHttpIn(req, client_);
    HttpOut out = host_->api->Handle(in);
    if (out.event_stream && out.status == 200) return StartStream();
    keep_alive_ = req.keep_alive() && !host_->stopping;
    unsigned version = req.version();
    bool head = req.method() == http::verb::head;
    if (!out.audit_gate) return Respond(out, version, head);
    // A decision is sent only once its audit record is acknowledged (see HttpOut::audit_gate).
    host_->api->AfterAudit(std::move(out), [self = this->shared_from_this(), version, head](HttpOut acked) {
      asio::post(self->stream_.get_executor(),
                 [self, acked = std::move(acked), version, head] { self->Respond(acked, version, head); });
    });
  }

  void Refuse(int status, std::string_view code, const std::string& message) {
    host_->counts.bad_requests++;
    HttpOut out;
    out.status = status;
    out.body = ErrorBody(code, message);
    keep_alive_ = false;
    Respond(out, 11, false);
  }

  void Respond(const HttpOut& out, unsigned version, bool head) {
    SerializeResponse(out, version, keep_alive_, head, &wire_);
    SetDeadline();
    asio::async_write(stream_, asio::buffer(wire_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  // ---- GET /v1/events: server-sent events until the client goes away ----------------------
  // The body is close-delimited (no length, no chunking), which every SSE client reads. Events
  // reach the session from any thread through its strand; a client that does not keep up
  // (kMaxQueuedEvents waiting) is cut off rather than letting the queue grow.
  static constexpr size_t kMaxQueuedEvents = 4096;
  static constexpr std::chrono::seconds kHeartbeat{15};

  void StartStream() {
    busy_ = false;  // a stream is closed at shutdown like an idle connection
    streaming_ = true;
    host_->counts.streams++;
    deadline_.store(0, std::memory_order_relaxed);
    auto exec = stream_.get_executor();
    std::weak_ptr<Session> weak = this->weak_from_this();
    sink_id_ = host_->api->backend().SubscribeEvents([weak, exec](const std::string& event) {
      asio::post(exec, [weak, frame = "data: " + event + "\n\n"]() mutable {
        if (auto self = weak.lock()) self->Enqueue(std::move(frame));
      });
    });
    Enqueue("HTTP/1.1 200 OK\r\nServer: warden\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            "X-Accel-Buffering: no\r\nConnection: close\r\n\r\n: warden decision events\n\n");
    WatchPeer();
    Heartbeat();
  }

  void Enqueue(std::string frame) {
    if (closed_) return;
    if (events_.size() >= kMaxQueuedEvents) {
      host_->counts.streams_dropped++;
      return Close();
    }
    events_.push_back(std::move(frame));
    if (events_.size() == 1) WriteEvent();
  }

  void WriteEvent() {
    asio::async_write(stream_, asio::buffer(events_.front()), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->events_.pop_front();
      if (!self->events_.empty()) self->WriteEvent();
    });
  }

  // The client sends nothing more; a read that ends tells that it went away.
  void WatchPeer() {
    stream_.async_read_some(asio::buffer(peek_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->WatchPeer();
    });
  }

  void Heartbeat() {
    heartbeat_ = std::make_unique<asio::steady_timer>(stream_.get_executor(), kHeartbeat);
    heartbeat_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->Enqueue(": ping\n\n");
      self->Heartbeat();
    });
  }

  void Unsubscribe() {
    if (sink_id_ != 0) host_->api->backend().UnsubscribeEvents(sink_id_);
    sink_id_ = 0;
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    deadline_.store(0, std::memory_order_relaxed);
    Unsubscribe();
    if (heartbeat_) heartbeat_->cancel();
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
  }

  SessionHost* host_;
  Stream stream_;
  std::string client_;
  std::function<void(SessionBase*)> on_close_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string wire_;  // the response being written
  bool keep_alive_ = true;
  bool busy_ = false;  // between reading a request and finishing its answer
  bool streaming_ = false;
  bool closed_ = false;
  uint64_t sink_id_ = 0;  // the event subscription while streaming
  std::deque<std::string> events_;
  std::array<char, 512> peek_{};
  std::unique_ptr<asio::steady_timer> heartbeat_;
};

// The answer to a connection over the limit, written before closing it.
std::string FullResponse() {
  std::string body = ErrorBody("too-many-connections", "the server is at its connection limit; retry shortly");
  return "HTTP/1.1 503 Service Unavailable\r\nServer: warden\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
         "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Enough descriptors for max_connections: raise the soft limit towards the hard one.
void RaiseFileLimit(size_t want) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t target = std::min<rlim_t>(rl.rlim_max, static_cast<rlim_t>(want + 256));
  if (rl.rlim_cur < target) {
    rl.rlim_cur = target;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(asio::io_context& io, const HttpApi* api, HttpServerOptions opt)
      : io_(io), acceptor_(io), tls_(ssl::context::tls_server) {
    host_.api = api;
    host_.opt = std::move(opt);
  }

  Status Start() {
    std::string address;
    uint16_t port = 0;
    if (Status s = ParseListenAddress(host_.opt.listen, &address, &port); !s.ok()) return s;
    if (host_.opt.tls_cert.empty() != host_.opt.tls_key.empty()) {
      return Status::InvalidArgument("--tls-cert and --tls-key go together");
    }
    if (!host_.opt.tls_cert.empty()) {
      if (Status s = LoadTls(); !s.ok()) return s;
    }
    RaiseFileLimit(host_.opt.max_connections);
    tcp::endpoint ep(asio::ip::make_address(address), port);
    beast::error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IoError("cannot listen on " + host_.opt.listen + ": " + ec.message());
    Accept();
    Sweep();
    return Status::Ok();
  }

  void Shutdown(std::function<void()> done) {
    host_.stopping = true;
    beast::error_code ec;
    acceptor_.close(ec);
    done_ = std::move(done);
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [raw, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->CloseIfIdle();
    drain_timer_ = std::make_unique<asio::steady_timer>(io_, host_.opt.drain);
    drain_timer_->async_wait([self = shared_from_this()](const beast::error_code&) { self->Done(); });
    CheckDrained();
  }

  std::string local_endpoint() const {
    beast::error_code ec;
    auto ep = acceptor_.local_endpoint(ec);
    if (ec) return {};
    std::string a = ep.address().to_string();
    if (ep.address().is_v6()) a = "[" + a + "]";
    return a + ":" + std::to_string(ep.port());
  }
  const HttpServerCounts& counts() const { return host_.counts; }

 private:
  Status LoadTls() {
    beast::error_code ec;
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    tls_.use_certificate_chain_file(host_.opt.tls_cert, ec);
    if (ec) return Status::InvalidArgument("--tls-cert " + host_.opt.tls_cert + ": " + ec.message());
    tls_.use_private_key_file(host_.opt.tls_key, ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("--tls-key " + host_.opt.tls_key + ": " + ec.message());
    tls_on_ = true;
    return Status::Ok();
  }

  // Every 100 ms: sessions past their deadline (a request not sent in time, an answer not read)
  // are closed. One timer for all of them instead of one armed per read and per write.
  void Sweep() {
    sweeper_ = std::make_unique<asio::steady_timer>(io_, std::chrono::milliseconds(100));
    sweeper_->async_wait([weak = weak_from_this()](const beast::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->host_.stopping.load()) return;
      int64_t now = SteadyNs();
      std::vector<std::weak_ptr<SessionBase>> late;  // no shared_ptr dies under mu_ (see Evict)
      {
        std::lock_guard<std::mutex> lock(self->mu_);
        for (const auto& [raw, w] : self->sessions_) {
          int64_t d = raw->deadline();
          if (d != 0 && d <= now) late.push_back(w);
        }
      }
      for (const auto& w : late) {
        if (auto session = w.lock()) session->CloseIfLate(now);
      }
      self->Sweep();
    });
  }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || self->host_.stopping) return;
      if (!ec) self->Admit(std::move(s));
      else if (ec == asio::error::no_descriptors) Log("HTTP: out of file descriptors; refusing connections until some close");
      self->Accept();
    });
  }

  // At the limit, the connection that has waited longest for a request (idle keep-alive, or a
  // client still sending headers) is closed to make room, as nginx reuses keep-alive
  // connections: idle clients cannot lock out active ones. Only when every connection is
  // serving a request or streaming events is the newcomer refused.
  bool EvictLongestWaiting() {
    // Under mu_ only raw pointers and weak_ptrs: a shared_ptr dropped here could be a session's
    // last, and its destructor takes mu_ (Forget).
    std::weak_ptr<SessionBase> chosen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      SessionBase* best = nullptr;
      int64_t oldest = 0;
      for (const auto& [raw, weak] : sessions_) {
        int64_t since = raw->waiting_since();
        if (since == 0 || (best != nullptr && since >= oldest)) continue;
        best = raw;
        oldest = since;
        chosen = weak;
      }
      if (best == nullptr || !best->Claim(oldest)) return false;
    }
    host_.counts.evicted++;
    if (auto victim = chosen.lock()) victim->CloseIfIdle();
    return true;
  }

  void Admit(tcp::socket s) {
    host_.counts.accepted++;
    if (host_.counts.open.load() >= host_.opt.max_connections && !EvictLongestWaiting()) {
      host_.counts.refused_full++;
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      auto text = std::make_shared<std::string>(FullResponse());
      asio::async_write(*sock, asio::buffer(*text), [sock, text](beast::error_code, size_t) {
        beast::error_code ec;
        sock->shutdown(tcp::socket::shutdown_both, ec);
        sock->close(ec);
      });
      return;
    }
    beast::error_code ec;
    auto remote = s.remote_endpoint(ec);
    std::string client = ec ? std::string("unknown") : remote.address().to_string();
    s.set_option(tcp::no_delay(true), ec);
    host_.counts.open++;
    auto on_close = [weak = weak_from_this()](SessionBase* gone) {
      if (auto self = weak.lock()) self->Forget(gone);
    };
    if (tls_on_) {
      auto session = std::make_shared<Session<beast::ssl_stream<tcp::socket>>>(
          &host_, beast::ssl_stream<tcp::socket>(std::move(s), tls_), std::move(client), on_close);
      Remember(session);
      session->Begin();
    } else {
      auto session = std::make_shared<Session<tcp::socket>>(&host_, std::move(s), std::move(client), on_close);
      Remember(session);
      session->Begin();
    }
  }

  void Remember(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.emplace(s.get(), s);
  }
  void Forget(SessionBase* s) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sessions_.erase(s);
    }
    if (host_.stopping) CheckDrained();
  }
  void CheckDrained() {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.empty() && done_) asio::post(io_, [self = shared_from_this()] { self->Done(); });
  }
  void Done() {
    std::function<void()> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done = std::move(done_);
      done_ = nullptr;
    }
    if (drain_timer_) drain_timer_->cancel();
    if (done) done();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  ssl::context tls_;
  bool tls_on_ = false;
  SessionHost host_;
  std::mutex mu_;
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;  // GUARDED_BY(mu_)
  std::function<void()> done_;       // GUARDED_BY(mu_)
  std::unique_ptr<asio::steady_timer> drain_timer_;
  std::unique_ptr<asio::steady_timer> sweeper_;  // touched by its own handler chain only
};

HttpServer::HttpServer(asio::io_context& io, const HttpApi* api, HttpServerOptions options)
    : impl_(std::make_shared<Impl>(io, api, std::move(options))) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Shutdown(std::function<void()> done) { impl_->Shutdown(std::move(done)); }
std::string HttpServer::local_endpoint() const { return impl_->local_endpoint(); }
const HttpServerCounts& HttpServer::counts() const { return impl_->counts(); }

}  // namespace warden::server
