// An open-loop HTTP/1.1 load generator for bench/http/run.sh (issue #4), in the manner of wrk2:
// requests go out on a fixed schedule — R per second for D seconds, spread round-robin over N
// keep-alive connections — and every latency is measured from the request's *scheduled* send
// time, not from when it was written. A server that stalls therefore shows its stall as latency
// of every request that should have gone out meanwhile, instead of quietly slowing the schedule
// down (coordinated omission). A connection carries one request at a time (no pipelining); the
// requests it falls behind on wait for it and are sent as soon as it is free.
//
//   warden_http_loadgen --url http://127.0.0.1:8181/v1/check --rate 1000 --duration 10
//       [--connections 8] [--threads 1] [--warmup 1] [--method POST] [--body JSON | --body-file F]
//       [--header "Authorization: Bearer wdn_…"]… [--expect 401,403,429] [--timing] [--label NAME]
//       [--timeout 5] [--drain 5] [--spin-us 0]
//
// Prints one JSON object: what was scheduled, sent and completed; statuses; errors (I/O, time-outs,
// unparsable answers, and statuses outside 2xx that --expect does not list); the latency from the
// scheduled time (p50/p90/p99/p99.9/max, µs), the same from the actual send ("service", which
// leaves out this tool's own lateness and the wait for a busy connection), how late this tool
// was in sending when the connection was free in time (send_lag), and how many requests had to
// wait for their connection because the answer before them came late (queued). With
// --timing it sends `Warden-Timing: 1` and summarizes the Server-Timing metrics of every answer
// (µs per metric, and the per-request sum of every metric except `total`). --spin-us N polls
// instead of sleeping when the next send is less than N µs away (it then keeps its CPU busy).
//
// Plain epoll on non-blocking sockets, IPv4 literal addresses only (the benchmark's servers are
// on 127.0.0.1); answers must carry Content-Length (nginx and Warden both do). Linux only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Options {
  std::string url;
  std::string host = "127.0.0.1";
  int port = 80;
  std::string path = "/";
  std::string method = "GET";
  std::string body;
  bool has_body = false;
  std::vector<std::string> headers;
  std::set<int> expect;
  double rate = 1000;
  double duration_s = 10;
  double warmup_s = 1;
  double timeout_s = 5;
  double drain_s = 5;
  int connections = 8;
  int threads = 1;
  double spin_us = 0;
  bool timing = false;
  std::string label;
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr
      << "warden_http_loadgen: " << why << "\n"
      << "usage: warden_http_loadgen --url http://IPV4:PORT/PATH --rate R --duration S [--connections N] [--threads "
         "T]\n"
         "         [--warmup S] [--method M] [--body TEXT | --body-file FILE] [--header 'K: V']... [--expect 401,403]\n"
         "         [--timing] [--timeout S] [--drain S] [--spin-us US] [--label NAME]\n";
  std::exit(64);
}

bool ParseUrl(Options* o) {
  std::string_view u = o->url;
  constexpr std::string_view kHttp = "http://";
  if (u.substr(0, kHttp.size()) != kHttp) return false;
  u.remove_prefix(kHttp.size());
  size_t slash = u.find('/');
  std::string_view hostport = slash == std::string_view::npos ? u : u.substr(0, slash);
  o->path = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos) {
    o->host = std::string(hostport);
    o->port = 80;
  } else {
    o->host = std::string(hostport.substr(0, colon));
    o->port = std::atoi(std::string(hostport.substr(colon + 1)).c_str());
  }
  if (o->host == "localhost") o->host = "127.0.0.1";
  in_addr a{};
  return inet_pton(AF_INET, o->host.c_str(), &a) == 1 && o->port > 0 && o->port < 65536;
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) Usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--url")
      o.url = val();
    else if (k == "--rate")
      o.rate = std::atof(val().c_str());
    else if (k == "--duration")
      o.duration_s = std::atof(val().c_str());
    else if (k == "--warmup")
      o.warmup_s = std::atof(val().c_str());
    else if (k == "--timeout")
      o.timeout_s = std::atof(val().c_str());
    else if (k == "--drain")
      o.drain_s = std::atof(val().c_str());
    else if (k == "--connections")
      o.connections = std::atoi(val().c_str());
    else if (k == "--threads")
      o.threads = std::atoi(val().c_str());
    else if (k == "--spin-us")
      o.spin_us = std::atof(val().c_str());
    else if (k == "--method")
      o.method = val();
    else if (k == "--body") {
      o.body = val();
      o.has_body = true;
    } else if (k == "--body-file") {
      std::ifstream f(val(), std::ios::binary);
      if (!f) Usage("cannot read the body file");
      std::stringstream ss;
      ss << f.rdbuf();
      o.body = ss.str();
      o.has_body = true;
    } else if (k == "--header") {
      o.headers.push_back(val());
    } else if (k == "--expect") {
      std::string list = val();
      for (size_t p = 0; p < list.size();) {
        size_t c = list.find(',', p);
        if (c == std::string::npos) c = list.size();
        if (c > p) o.expect.insert(std::atoi(list.substr(p, c - p).c_str()));
        p = c + 1;
      }
    } else if (k == "--timing") {
      o.timing = true;
    } else if (k == "--label") {
      o.label = val();
    } else if (k == "-h" || k == "--help") {
      Usage("help");
    } else {
      Usage("unknown option " + k);
    }
  }
  if (o.url.empty()) Usage("--url is required");
  if (!ParseUrl(&o)) Usage("--url must be http://IPV4:PORT/PATH");
  if (o.rate <= 0 || o.duration_s <= 0 || o.connections < 1 || o.threads < 1 || o.warmup_s < 0) Usage("bad numbers");
  if (o.threads > o.connections) o.threads = o.connections;
  return o;
}

std::string BuildRequest(const Options& o) {
  std::string r = o.method + " " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) + "\r\n";
  bool has_ct = false;
  for (const auto& h : o.headers) {
    r += h + "\r\n";
    std::string lower = h.substr(0, 13);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "content-type:") has_ct = true;
  }
  if (o.timing) r += "Warden-Timing: 1\r\n";
  if (o.has_body) {
    if (!has_ct) r += "Content-Type: application/json\r\n";
    r += "Content-Length: " + std::to_string(o.body.size()) + "\r\n";
  }
  r += "\r\n";
  r += o.body;
  return r;
}

// What one thread measured.
struct Tally {
  std::vector<int64_t> latency_ns;  // from the scheduled time, completed requests after the warm-up
  std::vector<int64_t> service_ns;  // from the actual send
  std::vector<int64_t> lag_ns;      // actual send − scheduled send, when the connection was free in time
  uint64_t queued = 0;              // sends that waited for their connection (the server was behind)
  std::map<int, uint64_t> status;
  uint64_t scheduled = 0, sent = 0, completed = 0;
  uint64_t warmup_completed = 0;
  uint64_t err_io = 0, err_timeout = 0, err_parse = 0, err_connect = 0, unsent = 0, reconnects = 0;
  std::map<std::string, std::vector<double>> timing_us;  // Server-Timing metric → durations
  std::vector<double> stage_sum_us;
};

struct Conn {
  int index = 0;  // global connection number c: its i-th request is the schedule's i*N + c
  int fd = -1;
  uint64_t next = 0;  // the connection's next request number i
  bool in_flight = false;
  int64_t sched_ns = 0, sent_ns = 0;
  size_t written = 0;
  bool want_out = false;  // EPOLLOUT is registered (a request is partly written)
  int64_t free_ns = 0;    // when the connection last became free for the next request
  std::string in;
};

int Connect(const Options& o) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(o.port));
  inet_pton(AF_INET, o.host.c_str(), &a.sin_addr);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int fl = fcntl(fd, F_GETFL, 0);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct Response {
  int status = 0;
  bool close = false;
  std::string_view server_timing;
  size_t size = 0;  // bytes of the whole answer in the buffer
};

// 1: a whole answer is in `in` (described by *r); 0: not yet; -1: not HTTP we understand.
int ParseResponse(const std::string& in, bool head, Response* r) {
  size_t he = in.find("\r\n\r\n");
  if (he == std::string::npos) return in.size() > (64u << 10) ? -1 : 0;
  std::string_view all(in.data(), he + 2);
  size_t eol = all.find("\r\n");
  std::string_view line = all.substr(0, eol);
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/") return -1;
  r->status = std::atoi(std::string(line.substr(9, 3)).c_str());
  if (r->status < 100) return -1;
  long long length = -1;
  size_t p = eol + 2;
  while (p < all.size()) {
    size_t e = all.find("\r\n", p);
    std::string_view h = all.substr(p, e - p);
    p = e + 2;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = h.substr(0, colon), value = Trim(h.substr(colon + 1));
    if (IEquals(name, "content-length"))
      length = std::atoll(std::string(value).c_str());
    else if (IEquals(name, "connection"))
      r->close = IEquals(value, "close");
    else if (IEquals(name, "server-timing"))
      r->server_timing = value;
    else if (IEquals(name, "transfer-encoding"))
      return -1;  // chunked answers are not supported
  }
  if (head || r->status == 204 || r->status == 304) length = 0;
  if (length < 0) return -1;
  size_t need = he + 4 + static_cast<size_t>(length);
  if (in.size() < need) return 0;
  r->size = need;
  return 1;
}

class Worker {
 public:
  Worker(const Options& o, const std::string& request, int thread, std::atomic<int64_t>* t0)
      : o_(o), request_(request), t0_atomic_(t0) {
    for (int c = thread; c < o.connections; c += o.threads) {
      Conn conn;
      conn.index = c;
      conns_.push_back(std::move(conn));
    }
    period_ns_ = 1e9 / o.rate;
    total_ = static_cast<uint64_t>(std::llround((o.warmup_s + o.duration_s) * o.rate));
  }

  // Connects every connection (before the clock starts).
  bool ConnectAll() {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    for (auto& c : conns_) {
      if (!Open(c)) return false;
    }
    return true;
  }

  void Run() {
    while ((t0_ = t0_atomic_->load()) == 0) std::this_thread::yield();
    warm_end_ = t0_ + static_cast<int64_t>(o_.warmup_s * 1e9);
    end_ = t0_ + static_cast<int64_t>((o_.warmup_s + o_.duration_s) * 1e9);
    int64_t give_up = end_ + static_cast<int64_t>(o_.drain_s * 1e9);
    const int64_t timeout_ns = static_cast<int64_t>(o_.timeout_s * 1e9);
    const int64_t spin_ns = static_cast<int64_t>(o_.spin_us * 1e3);
    std::vector<epoll_event> events(conns_.size() + 1);
    for (;;) {
      int64_t now = NowNs();
      bool busy = false;
      int64_t wake = give_up;
      for (auto& c : conns_) {
        if (c.in_flight) {
          busy = true;
          if (now - c.sent_ns > timeout_ns) {
            Fail(c, &Tally::err_timeout);
            Reopen(c);
          } else {
            wake = std::min(wake, c.sent_ns + timeout_ns);
          }
          continue;
        }
        if (Global(c) >= total_) continue;
        busy = true;
        if (c.fd < 0 && !Reopen(c)) {
          wake = std::min(wake, now + 1'000'000);  // retry the connection in 1 ms
          continue;
        }
        int64_t s = Sched(c);
        if (s <= now) {
          Send(c, s, now);
        } else {
          wake = std::min(wake, s);
        }
      }
      if (!busy) break;
      now = NowNs();
      if (now >= give_up) break;
      int64_t wait = std::max<int64_t>(0, wake - now);
      if (wait <= spin_ns) wait = 0;  // close enough: poll instead of sleeping (a wake-up is late by tens of µs here)
      timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
      int n = epoll_pwait2(ep_, events.data(), static_cast<int>(events.size()), &ts, nullptr);
      if (n < 0 && errno == ENOSYS) {
        n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), static_cast<int>(wait / 1'000'000));
      }
      for (int i = 0; i < n; ++i) {
        Conn& c = conns_[events[static_cast<size_t>(i)].data.u32];
        if (c.fd < 0) continue;
        if (events[static_cast<size_t>(i)].events & EPOLLOUT) Write(c);
        if (c.fd >= 0 && (events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) Read(c);
      }
    }
    // What is left: answers that never came, requests never sent.
    for (auto& c : conns_) {
      if (c.in_flight) Fail(c, &Tally::err_timeout);
      while (Global(c) < total_) {
        if (Sched(c) >= warm_end_) tally.unsent++, tally.scheduled++;
        c.next++;
      }
      if (c.fd >= 0) close(c.fd);
    }
    close(ep_);
  }

  Tally tally;
  Tally warmup;

 private:
  uint64_t Global(const Conn& c) const {
    return c.next * static_cast<uint64_t>(o_.connections) + static_cast<uint64_t>(c.index);
  }
  int64_t Sched(const Conn& c) const { return t0_ + static_cast<int64_t>(static_cast<double>(Global(c)) * period_ns_); }
  Tally& For(const Conn& c) { return c.sched_ns >= warm_end_ ? tally : warmup; }

  bool Open(Conn& c) {
    c.fd = Connect(o_);
    if (c.fd < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    c.in.clear();
    c.want_out = false;
    return true;
  }

  bool Reopen(Conn& c) {
    if (c.fd >= 0) {
      epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
      c.fd = -1;
    }
    tally.reconnects++;
    if (Open(c)) return true;
    tally.err_connect++;
    return false;
  }

  void Fail(Conn& c, uint64_t Tally::*counter) {
    For(c).*counter += 1;
    c.in_flight = false;
    c.free_ns = NowNs();
  }

  void Send(Conn& c, int64_t sched, int64_t now) {
    c.sched_ns = sched;
    c.sent_ns = now;
    c.in_flight = true;
    c.written = 0;
    c.next++;
    Tally& t = For(c);
    t.scheduled++;
    t.sent++;
    if (&t == &tally) {
      if (sched >= c.free_ns)
        t.lag_ns.push_back(now - sched);  // this tool's own lateness
      else
        t.queued++;  // the previous answer came late
    }
    Write(c);
  }

  void Write(Conn& c) {
    while (c.written < request_.size()) {
      ssize_t n = send(c.fd, request_.data() + c.written, request_.size() - c.written, MSG_NOSIGNAL);
      if (n > 0) {
        c.written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Interest(c, true);
      Fail(c, &Tally::err_io);
      Reopen(c);
      return;
    }
    Interest(c, false);
  }

  void Interest(Conn& c, bool out) {
    if (c.want_out == out) return;
    c.want_out = out;
    epoll_event ev{};
    ev.events = out ? EPOLLIN | EPOLLOUT : EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Read(Conn& c) {
    char buf[16384];
    for (;;) {
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buf) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // EOF or an error: the request in flight, if any, is lost.
      if (c.in_flight) Fail(c, &Tally::err_io);
      Reopen(c);
      return;
    }
    int64_t now = NowNs();
    if (!c.in_flight) {  // bytes nobody asked for
      tally.err_parse++;
      Reopen(c);
      return;
    }
    Response r;
    int st = ParseResponse(c.in, o_.method == "HEAD", &r);
    if (st == 0) return;
    if (st < 0) {
      Fail(c, &Tally::err_parse);
      Reopen(c);
      return;
    }
    Tally& t = For(c);
    t.completed++;
    t.status[r.status]++;
    if (&t == &tally) {
      t.latency_ns.push_back(now - c.sched_ns);
      t.service_ns.push_back(now - c.sent_ns);
      if (!r.server_timing.empty()) RecordTiming(r.server_timing);
    }
    c.in_flight = false;
    c.free_ns = now;
    std::string_view rest(c.in.data() + r.size, c.in.size() - r.size);
    if (r.close || !rest.empty()) {
      if (!rest.empty()) tally.err_parse++;
      Reopen(c);
    } else {
      c.in.clear();
    }
  }

  void RecordTiming(std::string_view v) {
    double sum = 0;
    bool any = false;
    while (!v.empty()) {
      size_t comma = v.find(',');
      std::string_view item = Trim(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      size_t semi = item.find(';');
      std::string name(Trim(item.substr(0, semi)));
      size_t dur = item.find("dur=");
      if (name.empty() || dur == std::string_view::npos) continue;
      double us = std::atof(std::string(item.substr(dur + 4)).c_str()) * 1000.0;
      tally.timing_us[name].push_back(us);
      if (name != "total") {
        sum += us;
        any = true;
      }
    }
    if (any) tally.stage_sum_us.push_back(sum);
  }

  const Options& o_;
  const std::string& request_;
  std::atomic<int64_t>* t0_atomic_;
  std::vector<Conn> conns_;
  int ep_ = -1;
  double period_ns_ = 0;
  uint64_t total_ = 0;
  int64_t t0_ = 0, warm_end_ = 0, end_ = 0;
};

template <class T>
T Pct(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return T{};
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string Num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string Summary(std::vector<int64_t> ns) {
  std::sort(ns.begin(), ns.end());
  double mean = 0;
  for (int64_t x : ns) mean += static_cast<double>(x);
  mean = ns.empty() ? 0 : mean / static_cast<double>(ns.size());
  auto us = [](int64_t x) { return Num(static_cast<double>(x) / 1000.0); };
  return "{\"p50\":" + us(Pct(ns, 50)) + ",\"p90\":" + us(Pct(ns, 90)) + ",\"p99\":" + us(Pct(ns, 99)) +
         ",\"p99_9\":" + us(Pct(ns, 99.9)) + ",\"max\":" + us(ns.empty() ? 0 : ns.back()) +
         ",\"mean\":" + Num(mean / 1000.0) + ",\"n\":" + std::to_string(ns.size()) + "}";
}

std::string SummaryUs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return "{\"p50\":" + Num(Pct(v, 50)) + ",\"p90\":" + Num(Pct(v, 90)) + ",\"p99\":" + Num(Pct(v, 99)) +
         ",\"n\":" + std::to_string(v.size()) + "}";
}

std::string Quote(std::string_view s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) continue;
    o += ch;
  }
  return o + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  // The default 50 µs timer slack would make every timed wake-up that much late.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::string request = BuildRequest(o);
  std::atomic<int64_t> t0{0};
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < o.threads; ++t) {
    workers.push_back(std::make_unique<Worker>(o, request, t, &t0));
    if (!workers.back()->ConnectAll()) {
      std::cerr << "warden_http_loadgen: cannot connect to " << o.host << ":" << o.port << ": " << std::strerror(errno)
                << "\n";
      return 69;
    }
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });
  t0.store(NowNs() + 20'000'000);  // every thread starts its schedule at the same instant
  for (auto& th : threads) th.join();

  Tally all;
  for (auto& w : workers) {
    Tally& t = w->tally;
    all.latency_ns.insert(all.latency_ns.end(), t.latency_ns.begin(), t.latency_ns.end());
    all.service_ns.insert(all.service_ns.end(), t.service_ns.begin(), t.service_ns.end());
    all.lag_ns.insert(all.lag_ns.end(), t.lag_ns.begin(), t.lag_ns.end());
    all.queued += t.queued;
    for (auto& [k, v] : t.status) all.status[k] += v;
    all.scheduled += t.scheduled;
    all.sent += t.sent;
    all.completed += t.completed;
    all.err_io += t.err_io;
    all.err_timeout += t.err_timeout;
    all.err_parse += t.err_parse;
    all.err_connect += t.err_connect;
    all.unsent += t.unsent;
    all.reconnects += t.reconnects;
    for (auto& [k, v] : t.timing_us) all.timing_us[k].insert(all.timing_us[k].end(), v.begin(), v.end());
    all.stage_sum_us.insert(all.stage_sum_us.end(), t.stage_sum_us.begin(), t.stage_sum_us.end());
    all.warmup_completed += w->warmup.completed;
  }
  uint64_t ok = 0, intended = 0, unexpected = 0, warm_errors = 0;
  for (auto& [k, v] : all.status) {
    if (k >= 200 && k < 300)
      ok += v;
    else if (o.expect.count(k))
      intended += v;
    else
      unexpected += v;
  }
  for (auto& w : workers) {
    const Tally& t = w->warmup;
    warm_errors += t.err_io + t.err_timeout + t.err_parse + t.err_connect;
  }
  uint64_t errors = all.err_io + all.err_timeout + all.err_parse + all.err_connect + all.unsent + unexpected;
  std::string st = "{";
  for (auto& [k, v] : all.status)
    st += (st.size() > 1 ? "," : "") + std::string("\"") + std::to_string(k) + "\":" + std::to_string(v);
  st += "}";
  std::string expect = "[";
  for (int e : o.expect) expect += (expect.size() > 1 ? "," : "") + std::to_string(e);
  expect += "]";
  std::string out = "{";
  out += "\"tool\":\"warden_http_loadgen\",\"label\":" + Quote(o.label) + ",\"url\":" + Quote(o.url) +
         ",\"method\":" + Quote(o.method);
  out += ",\"rate\":" + Num(o.rate) + ",\"duration_s\":" + Num(o.duration_s) + ",\"warmup_s\":" + Num(o.warmup_s);
  out += ",\"connections\":" + std::to_string(o.connections) + ",\"threads\":" + std::to_string(o.threads) +
         ",\"spin_us\":" + Num(o.spin_us);
  out += ",\"scheduled\":" + std::to_string(all.scheduled) + ",\"sent\":" + std::to_string(all.sent) +
         ",\"completed\":" + std::to_string(all.completed);
  out += ",\"achieved_rps\":" + Num(static_cast<double>(all.completed) / o.duration_s);
  out += ",\"status\":" + st + ",\"expect\":" + expect + ",\"ok_2xx\":" + std::to_string(ok) +
         ",\"intended\":" + std::to_string(intended) + ",\"unexpected_status\":" + std::to_string(unexpected);
  out += ",\"errors\":{\"total\":" + std::to_string(errors) + ",\"io\":" + std::to_string(all.err_io) +
         ",\"timeout\":" + std::to_string(all.err_timeout) + ",\"parse\":" + std::to_string(all.err_parse) +
         ",\"connect\":" + std::to_string(all.err_connect) + ",\"unsent\":" + std::to_string(all.unsent) +
         ",\"unexpected_status\":" + std::to_string(unexpected) + ",\"during_warmup\":" + std::to_string(warm_errors) +
         "}";
  out += ",\"reconnects\":" + std::to_string(all.reconnects);
  out += ",\"latency_us\":" + Summary(all.latency_ns);
  out += ",\"service_us\":" + Summary(all.service_ns);
  out += ",\"send_lag_us\":" + Summary(all.lag_ns) + ",\"queued\":" + std::to_string(all.queued);
  if (o.timing) {
    out += ",\"server_timing_us\":{";
    bool first = true;
    for (auto& [k, v] : all.timing_us) {
      out += (first ? "" : ",") + Quote(k) + ":" + SummaryUs(v);
      first = false;
    }
    out += std::string(first ? "" : ",") + "\"stages_sum\":" + SummaryUs(all.stage_sum_us) + "}";
  }
  out += "}";
  std::cout << out << std::endl;
  return 0;
}
