// The daemon in-process on a temporary socket, driven through the real client: decisions,
// status, malformed and oversized messages (the connection ends, the daemon keeps serving),
// reload keeping the old policy when the new one fails, the socket's modes, the socket's limits
// (backpressure, timeouts, the cap on unfinished input), a policy directory made again.
#include "server/daemon.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "local/client.h"
#include "local/protocol.h"

namespace warden::server {
namespace {

using warden::local::Client;
using warden::local::kMaxMessageBytes;

namespace json = boost::json;
namespace fs = std::filesystem;

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("warden-daemon-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
    policy_ = (dir_ / "extra.yaml").string();
    Write(policy_, "version: 1\nrules:\n  - id: no-make\n    kind: exec\n    match: {command: make}\n    decision: deny\n    reason: no make here\n");
  }
  void TearDown() override {
    if (daemon_) {
      daemon_->Stop();
      thread_.join();
    }
    fs::remove_all(dir_);
  }
  static void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  void StartDaemon() {
    DaemonOptions o;
    o.socket_path = (dir_ / "run" / "warden.sock").string();
    o.state_dir = (dir_ / "state").string();
    o.policy_files = {policy_};
    o.user_layer = false;
    o.home = (dir_ / "home").string();
    o.socket_limits = limits_;
    socket_ = o.socket_path;
    daemon_ = std::make_unique<Daemon>(o);
    Status s = daemon_->Start();
    ASSERT_TRUE(s.ok()) << s.message();
    thread_ = std::thread([this] { daemon_->Run(); });
  }

  json::object Decide(Client& c, const std::string& command) {
    json::object m;
    m["op"] = "decide";
    json::object r;
    r["kind"] = "exec";
    r["command"] = command;
    r["cwd"] = (dir_ / "home").string();
    m["request"] = std::move(r);
    auto reply = c.Call(m);
    EXPECT_TRUE(reply.ok()) << reply.status().message();
    return reply.ok() ? *reply : json::object();
  }

  fs::path dir_;
  std::string policy_, socket_;
  std::unique_ptr<Daemon> daemon_;
  std::thread thread_;
  SocketLimits limits_;
};

TEST_F(DaemonTest, DecidesWithTheLayeredPolicy) {
  StartDaemon();
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  json::object allow = Decide(*c, "git status");
  EXPECT_EQ(allow["ok"].as_bool(), true);
  EXPECT_EQ(allow["decision"].as_string(), "allow");
  EXPECT_FALSE(allow["decision_id"].as_string().empty());
  json::object deny = Decide(*c, "rm -rf /");  // the built-in default policy
  EXPECT_EQ(deny["decision"].as_string(), "deny");
  EXPECT_TRUE(deny["rule"].is_string());
  json::object extra = Decide(*c, "cd /tmp && make all");  // the --policy layer, behind a cd
  EXPECT_EQ(extra["decision"].as_string(), "deny");
  EXPECT_EQ(extra["rule"].as_string(), "no-make");
  EXPECT_EQ(extra["reason"].as_string(), "no make here");
}

TEST_F(DaemonTest, SocketIsPrivate) {
  StartDaemon();
  struct stat st;
  ASSERT_EQ(stat(socket_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ / "run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(DaemonTest, StatusReportsCountsAndRevision) {
  StartDaemon();
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  Decide(*c, "rm -rf /");
  Decide(*c, "ls");
  json::object m;
  m["op"] = "status";
  m["id"] = "s1";
  auto r = c->Call(m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["id"].as_string(), "s1");
  EXPECT_EQ((*r)["counts"].at("decisions").to_number<uint64_t>(), 2u);
  EXPECT_EQ((*r)["counts"].at("deny").to_number<uint64_t>(), 1u);
  EXPECT_EQ((*r)["counts"].at("allow").to_number<uint64_t>(), 1u);
  EXPECT_FALSE((*r)["policy"].at("revision").as_string().empty());
  EXPECT_TRUE((*r)["policy"].at("load_errors").as_array().empty());
}

// A malformed or oversized message ends that connection only.
TEST_F(DaemonTest, BadMessagesCloseOnlyTheirConnection) {
  StartDaemon();
  auto good = Client::Connect(socket_);
  ASSERT_TRUE(good.ok());
  for (const std::string& bad : {std::string("{not json\n"), std::string(R"({"op":"fly"})") + "\n",
                                 std::string(kMaxMessageBytes + 10, 'x') + "\n"}) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, socket_.c_str());
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    size_t off = 0;
    while (off < bad.size()) {
      ssize_t n = ::send(fd, bad.data() + off, bad.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;  // the daemon may close before reading all of an oversized line
      off += static_cast<size_t>(n);
    }
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
    ::close(fd);
    // One error line, then end of file: the connection was closed by the daemon.
    ASSERT_FALSE(got.empty()) << bad.substr(0, 20);
    json::value v = json::parse(got.substr(0, got.find('\n')));
    EXPECT_EQ(v.at("ok").as_bool(), false);
    EXPECT_FALSE(v.at("error").at("code").as_string().empty());
  }
  EXPECT_EQ(Decide(*good, "rm -rf ~")["decision"].as_string(), "deny");  // still served
}

TEST_F(DaemonTest, ReloadKeepsTheOldPolicyWhenTheNewOneFails) {
  StartDaemon();
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  Write(policy_, "version: 1\nrules:\n  - id: broken\n    kind: exec\n    decision: maybe\n");
  json::object m;
  m["op"] = "reload";
  auto r = c->Call(m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["ok"].as_bool(), false);
  EXPECT_EQ((*r)["error"].at("code").as_string(), "policy-error");
  auto c2 = Client::Connect(socket_);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(Decide(*c2, "make")["rule"].as_string(), "no-make");  // the old policy still serves
  json::object st;
  st["op"] = "status";
  auto s = c2->Call(st);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE((*s)["policy"].at("load_errors").as_array().empty());
  // A good file is picked up (by inotify, or by the explicit reload below).
  Write(policy_, "version: 1\nrules:\n  - id: no-cmake\n    kind: exec\n    match: {command: cmake}\n    decision: deny\n");
  auto c3 = Client::Connect(socket_);
  ASSERT_TRUE(c3.ok());
  auto ok = c3->Call(m);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["ok"].as_bool(), true);
  EXPECT_EQ(Decide(*c3, "cmake .")["rule"].as_string(), "no-cmake");
  EXPECT_EQ(Decide(*c3, "make")["decision"].as_string(), "allow");
}

// An edited policy file is reloaded without being asked (inotify).
TEST_F(DaemonTest, ReloadsWhenThePolicyFileChanges) {
  StartDaemon();
  std::string tmp = policy_ + ".new";
  Write(tmp, "version: 1\nrules:\n  - id: no-ninja\n    kind: exec\n    match: {command: ninja}\n    decision: deny\n");
  fs::rename(tmp, policy_);  // the way editors save
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  std::string rule;
  for (int i = 0; i < 200 && rule != "no-ninja"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    json::object r = Decide(*c, "ninja");
    rule = r["rule"].is_string() ? std::string(r["rule"].as_string()) : std::string();
  }
  EXPECT_EQ(rule, "no-ninja");
}

TEST_F(DaemonTest, RefusesASecondDaemonOnTheSameSocket) {
  StartDaemon();
  DaemonOptions o;
  o.socket_path = socket_;
  o.user_layer = false;
  Daemon second(o);
  Status s = second.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("already listening"), std::string::npos) << s.message();
}

TEST_F(DaemonTest, SubscribersSeeDecisions) {
  StartDaemon();
  auto sub = Client::Connect(socket_);
  ASSERT_TRUE(sub.ok());
  json::object m;
  m["op"] = "subscribe";
  auto r = sub->Call(m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["subscribed"].as_bool(), true);
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  Decide(*c, "rm -rf /");
  auto ev = sub->Next(5000);
  ASSERT_TRUE(ev.ok()) << ev.status().message();
  EXPECT_EQ((*ev)["event"].as_string(), "decision");
  EXPECT_EQ((*ev)["decision"].as_string(), "deny");
  EXPECT_EQ((*ev)["request"].at("command").as_string(), "rm -rf /");
}

// A subscriber that never reads is cut off once 4096 events wait for it; the daemon's memory
// does not grow with it, and deciding goes on.
TEST_F(DaemonTest, ASubscriberThatDoesNotReadIsDisconnected) {
  StartDaemon();
  auto sub = Client::Connect(socket_);
  ASSERT_TRUE(sub.ok());
  json::object m;
  m["op"] = "subscribe";
  ASSERT_TRUE(sub->Call(m).ok());
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  // Long commands make each event large, so the socket's buffers fill early.
  std::string command = "echo " + std::string(2000, 'x');
  uint64_t dropped = 0;
  for (int i = 0; i < 20000 && dropped == 0; ++i) {
    Decide(*c, command);
    if (i % 500 == 499) {
      json::object st;
      st["op"] = "status";
      auto s = c->Call(st);
      ASSERT_TRUE(s.ok());
      dropped = (*s)["counts"].at("dropped_subscribers").to_number<uint64_t>();
    }
  }
  EXPECT_EQ(dropped, 1u);
  json::object st;
  st["op"] = "status";
  auto s = c->Call(st);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["subscribers"].to_number<uint64_t>(), 0u);
}

std::string ApproverKey(const fs::path& state) {
  std::ifstream in(state / "approver.key");
  std::string key;
  in >> key;
  return key;
}

json::object DecideWaiting(const std::string& command, const fs::path& cwd, int wait_ms) {
  json::object m;
  m["op"] = "decide";
  m["id"] = "w";
  json::object r;
  r["kind"] = "exec";
  r["command"] = command;
  r["cwd"] = cwd.string();
  m["request"] = std::move(r);
  m["wait_ms"] = wait_ms;
  return m;
}

// "if_watched": with nobody subscribed to the events, an ask is answered at once (no pending
// approval nobody would see); once someone watches, the same decide waits for a person.
TEST_F(DaemonTest, WaitIfWatchedWaitsOnlyWhileSomeoneWatches) {
  StartDaemon();
  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  json::object m = DecideWaiting("git push --force origin main", dir_ / "home", 5000);
  m["if_watched"] = true;
  auto unwatched = waiter->Call(m);
  ASSERT_TRUE(unwatched.ok());
  EXPECT_EQ((*unwatched)["decision"].as_string(), "ask");
  EXPECT_FALSE(unwatched->contains("pending"));

  auto watcher = Client::Connect(socket_);
  ASSERT_TRUE(watcher.ok());
  json::object sub;
  sub["op"] = "subscribe";
  ASSERT_TRUE(watcher->Call(sub).ok());
  auto watched = waiter->Call(m);
  ASSERT_TRUE(watched.ok());
  EXPECT_EQ((*watched)["pending"].as_bool(), true);

  json::object no;
  no["op"] = "deny";
  no["approval"] = (*watched)["approval_id"];
  no["key"] = ApproverKey(dir_ / "state");
  no["reason"] = "not now";
  auto person = Client::Connect(socket_);
  ASSERT_TRUE(person.ok());
  ASSERT_TRUE(person->Call(no).ok());
  auto final_reply = waiter->Next(5000);
  ASSERT_TRUE(final_reply.ok()) << final_reply.status().message();
  EXPECT_EQ((*final_reply)["decision"].as_string(), "deny");

  m["if_watched"] = "yes";
  auto bad = person->Call(m);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)["error"].at("code").as_string(), "bad-message");
}

// ask → a pending approval; a person approves with the key (remembering it), the waiting client
// gets allow; the same request is then allowed without asking; a wrong key is refused.
TEST_F(DaemonTest, ApprovalsWithTheApproverKey) {
  StartDaemon();
  struct stat st;
  ASSERT_EQ(stat((dir_ / "state" / "approver.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string key = ApproverKey(dir_ / "state");
  ASSERT_EQ(key.size(), 64u);

  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  auto interim = waiter->Call(DecideWaiting("git push --force origin main", dir_ / "home", 5000));
  ASSERT_TRUE(interim.ok());
  EXPECT_EQ((*interim)["pending"].as_bool(), true);
  std::string id(( *interim)["approval_id"].as_string());

  auto person = Client::Connect(socket_);
  ASSERT_TRUE(person.ok());
  json::object list;
  list["op"] = "approvals";
  auto l = person->Call(list);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ((*l)["approvals"].as_array().size(), 1u);
  EXPECT_EQ((*l)["approvals"].as_array()[0].at("approval_id").as_string(), id);

  json::object bad;
  bad["op"] = "approve";
  bad["approval"] = id;
  bad["key"] = std::string(64, '0');
  auto refused = person->Call(bad);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)["error"].at("code").as_string(), "refused");

  auto person2 = Client::Connect(socket_);
  ASSERT_TRUE(person2.ok());
  json::object yes;
  yes["op"] = "approve";
  yes["approval"] = id;
  yes["key"] = key;
  yes["remember_s"] = 60;
  auto answered = person2->Call(yes);
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ((*answered)["ok"].as_bool(), true);

  auto final_reply = waiter->Next(5000);
  ASSERT_TRUE(final_reply.ok()) << final_reply.status().message();
  EXPECT_EQ((*final_reply)["id"].as_string(), "w");
  EXPECT_EQ((*final_reply)["decision"].as_string(), "allow");
  EXPECT_NE((*final_reply)["reason"].as_string().find("approved by a person"), std::string::npos);

  // Remembered: exactly this request, with extra blanks, is allowed without asking …
  json::object again = Decide(*person2, "git  push --force   origin main");
  EXPECT_EQ(again["decision"].as_string(), "allow");
  EXPECT_EQ(again["approval"].as_string(), "remembered");
  // … but not another command of the same name, and a deny never becomes an allow.
  EXPECT_EQ(Decide(*person2, "git push --force origin master")["decision"].as_string(), "ask");
  EXPECT_EQ(Decide(*person2, "rm -rf /")["decision"].as_string(), "deny");
}

// "Remember" on an http ask covers that method and URL only (the default policy asks for
// fetches of loopback addresses).
TEST_F(DaemonTest, ARememberedFetchCoversOnlyThatUrl) {
  StartDaemon();
  auto http = [&](const char* method, const char* url, int wait_ms) {
    json::object m;
    m["op"] = "decide";
    m["id"] = "w";
    json::object r;
    r["kind"] = "http";
    r["method"] = method;
    r["url"] = url;
    r["cwd"] = (dir_ / "home").string();
    m["request"] = std::move(r);
    if (wait_ms) m["wait_ms"] = wait_ms;
    return m;
  };
  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  auto interim = waiter->Call(http("GET", "http://localhost:8080/a", 5000));
  ASSERT_TRUE(interim.ok());
  ASSERT_EQ((*interim)["pending"].as_bool(), true) << json::serialize(*interim);
  auto person = Client::Connect(socket_);
  ASSERT_TRUE(person.ok());
  json::object yes;
  yes["op"] = "approve";
  yes["approval"] = (*interim)["approval_id"];
  yes["key"] = ApproverKey(dir_ / "state");
  yes["remember_s"] = 60;
  auto answered = person->Call(yes);
  ASSERT_TRUE(answered.ok());
  auto final_reply = waiter->Next(5000);
  ASSERT_TRUE(final_reply.ok());
  ASSERT_EQ(final_reply->at("decision").as_string(), "allow");

  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  auto decide = [&](const char* method, const char* url) {
    auto r = c->Call(http(method, url, 0));
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::string((*r)["decision"].as_string()) : std::string();
  };
  EXPECT_EQ(decide("GET", "http://LOCALHOST:8080/a"), "allow");  // the same URL, normalized
  EXPECT_EQ(decide("GET", "http://localhost:8080/b"), "ask");
  EXPECT_EQ(decide("POST", "http://localhost:8080/a"), "ask");
  EXPECT_EQ(decide("GET", "http://169.254.169.254/"), "deny");
}

TEST_F(DaemonTest, NobodyAnsweringIsADenial) {
  StartDaemon();
  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  auto interim = waiter->Call(DecideWaiting("git push --force origin main", dir_ / "home", 300));
  ASSERT_TRUE(interim.ok());
  ASSERT_EQ((*interim)["pending"].as_bool(), true);
  auto final_reply = waiter->Next(5000);
  ASSERT_TRUE(final_reply.ok());
  EXPECT_EQ((*final_reply)["decision"].as_string(), "deny");
  EXPECT_NE((*final_reply)["reason"].as_string().find("nobody approved"), std::string::npos);
}

TEST_F(DaemonTest, ADenialWithAReasonReachesTheClient) {
  StartDaemon();
  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  auto interim = waiter->Call(DecideWaiting("git push --force origin main", dir_ / "home", 5000));
  ASSERT_TRUE(interim.ok());
  auto person = Client::Connect(socket_);
  ASSERT_TRUE(person.ok());
  json::object no;
  no["op"] = "deny";
  no["approval"] = (*interim)["approval_id"];
  no["key"] = ApproverKey(dir_ / "state");
  no["reason"] = "not today";
  auto r = person->Call(no);
  ASSERT_TRUE(r.ok());
  auto final_reply = waiter->Next(5000);
  ASSERT_TRUE(final_reply.ok());
  EXPECT_EQ((*final_reply)["decision"].as_string(), "deny");
  EXPECT_NE((*final_reply)["reason"].as_string().find("not today"), std::string::npos);
}

// ---- the socket's limits ----------------------------------------------------------------------

int RawConnect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// What the daemon sends until it closes the connection (or `wait_ms` pass): its lines, and
// whether it closed.
struct Ending {
  std::string got;
  bool closed = false;
};
Ending ReadUntilClosed(int fd, int wait_ms) {
  Ending e;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      e.closed = true;
      break;
    }
    e.got.append(buf, static_cast<size_t>(n));
  }
  return e;
}

json::object StatusOf(const std::string& socket) {
  auto c = Client::Connect(socket);
  EXPECT_TRUE(c.ok());
  if (!c.ok()) return {};
  auto r = c->Call(json::object{{"op", "status"}});
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : json::object();
}
uint64_t Count(const json::object& status, const char* name) {
  return status.at("counts").at(name).to_number<uint64_t>();
}
int64_t Held(const json::object& status, const char* name) {
  return status.at("connections").at(name).to_number<int64_t>();
}

// A client that pipelines decides and never reads: the daemon stops reading it once its unsent
// answers pass max_out_bytes (they stay bounded), keeps answering others, and cuts it off when
// its answers make no progress for write_timeout.
TEST_F(DaemonTest, AClientThatDoesNotReadIsPausedThenCutOff) {
  limits_.write_timeout = std::chrono::milliseconds(1500);
  StartDaemon();
  int fd = RawConnect(socket_);
  ASSERT_GE(fd, 0);
  std::string batch;
  for (int i = 0; i < 100; ++i)
    batch += R"({"op":"decide","request":{"kind":"exec","command":"git status","cwd":"/tmp"}})"
             "\n";
  size_t sent = 0;
  json::object st;
  // Until the daemon stops reading this connection: a slow build (ASan) answers slowly, so the
  // client's own buffer can fill first — keep sending whenever there is room, and look.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 300) > 0) {
      ssize_t n = ::send(fd, batch.data(), batch.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      continue;
    }
    st = StatusOf(socket_);
    if (Count(st, "backpressure_pauses") >= 1) break;
  }
  EXPECT_GT(sent, 64u * 1024);  // answers to these pass max_out_bytes (plus what the kernel holds)
  EXPECT_GE(Count(st, "backpressure_pauses"), 1u);
  EXPECT_GT(Held(st, "buffered_out_bytes"), 0);
  EXPECT_LE(Held(st, "buffered_out_bytes"), static_cast<int64_t>(limits_.max_out_bytes + 4096));
  auto other = Client::Connect(socket_);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Decide(*other, "rm -rf /")["decision"].as_string(), "deny");  // others are served
  for (int i = 0; i < 200; ++i) {  // the write timeout is 1.5 s; up to 20 s on a slow build
    st = StatusOf(socket_);
    if (Count(st, "write_timeouts") >= 1 && Held(st, "buffered_out_bytes") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Count(st, "write_timeouts"), 1u);
  EXPECT_EQ(Held(st, "buffered_out_bytes"), 0);
  EXPECT_EQ(Held(st, "buffered_in_bytes"), 0);
  ::close(fd);
}

// A client that sends its messages and then shuts its side down (`socat` does) still gets every
// answer: the daemon closes after they are out, not at the end of file.
TEST_F(DaemonTest, AHalfClosedClientGetsEveryAnswer) {
  StartDaemon();
  int fd = RawConnect(socket_);
  ASSERT_GE(fd, 0);
  std::string batch;
  for (int i = 0; i < 500; ++i)
    batch += R"({"op":"decide","request":{"kind":"exec","command":"git status","cwd":"/tmp"}})"
             "\n";
  std::thread writer([&] {
    size_t off = 0;
    while (off < batch.size()) {
      ssize_t n = ::send(fd, batch.data() + off, batch.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let answers pile up unread
  Ending e = ReadUntilClosed(fd, 10000);
  writer.join();
  ::close(fd);
  EXPECT_TRUE(e.closed);
  EXPECT_EQ(std::count(e.got.begin(), e.got.end(), '\n'), 500);
}

// A line must end within read_timeout of its first byte (slowloris): a `timeout` error, closed.
TEST_F(DaemonTest, AnUnfinishedLineTimesOut) {
  limits_.read_timeout = std::chrono::milliseconds(400);
  StartDaemon();
  int fd = RawConnect(socket_);
  ASSERT_GE(fd, 0);
  auto t0 = std::chrono::steady_clock::now();
  std::string start = R"({"op":"decide","request":{"kind":)";
  ASSERT_EQ(::send(fd, start.data(), start.size(), MSG_NOSIGNAL), static_cast<ssize_t>(start.size()));
  Ending e = ReadUntilClosed(fd, 3000);
  auto took = std::chrono::steady_clock::now() - t0;
  ::close(fd);
  EXPECT_TRUE(e.closed);
  EXPECT_GE(took, std::chrono::milliseconds(350));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  ASSERT_FALSE(e.got.empty());
  EXPECT_EQ(json::parse(e.got.substr(0, e.got.find('\n'))).at("error").at("code").as_string(), "timeout");
  json::object st = StatusOf(socket_);
  EXPECT_EQ(Count(st, "read_timeouts"), 1u);
  EXPECT_EQ(Held(st, "buffered_in_bytes"), 0);
}

// Idle connections are closed without a line after idle_timeout; subscribers, and a client
// waiting for an approval, are not idle; a Client kept across the timeout connects again.
TEST_F(DaemonTest, IdleConnectionsAreClosedQuietly) {
  limits_.idle_timeout = std::chrono::milliseconds(400);
  StartDaemon();
  int idle = RawConnect(socket_);
  ASSERT_GE(idle, 0);
  auto sub = Client::Connect(socket_);
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(sub->Call(json::object{{"op", "subscribe"}}).ok());
  auto kept = Client::Connect(socket_);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(Decide(*kept, "ls")["decision"].as_string(), "allow");
  auto waiter = Client::Connect(socket_);
  ASSERT_TRUE(waiter.ok());
  auto interim = waiter->Call(DecideWaiting("git push --force origin main", dir_ / "home", 1500));
  ASSERT_TRUE(interim.ok());
  ASSERT_EQ((*interim)["pending"].as_bool(), true);

  Ending e = ReadUntilClosed(idle, 3000);
  ::close(idle);
  EXPECT_TRUE(e.closed);
  EXPECT_EQ(e.got, "");                   // nothing a client would take for an answer
  auto final_reply = waiter->Next(5000);  // the approval's end reaches the waiting client
  ASSERT_TRUE(final_reply.ok()) << final_reply.status().message();
  EXPECT_EQ((*final_reply)["decision"].as_string(), "deny");
  auto still = sub->Poll();  // the subscriber is still connected (events may have come)
  EXPECT_TRUE(still.ok()) << still.status().message();
  EXPECT_EQ(Decide(*kept, "rm -rf /")["decision"].as_string(), "deny");  // reconnected
  EXPECT_GE(Count(StatusOf(socket_), "idle_timeouts"), 2u);              // the raw one and `kept`
}

// Unfinished lines of all connections together are capped: the connection that would pass
// max_total_in_bytes gets `busy` and is closed; complete lines are still answered.
TEST_F(DaemonTest, UnfinishedInputIsCappedAcrossConnections) {
  limits_.max_total_in_bytes = 512 * 1024;
  StartDaemon();
  std::string part = R"({"op":"decide","request":{"kind":"exec","command":")" + std::string(300 * 1024, 'x');
  int a = RawConnect(socket_);
  ASSERT_EQ(::send(a, part.data(), part.size(), MSG_NOSIGNAL), static_cast<ssize_t>(part.size()));
  for (int i = 0; i < 100 && Held(StatusOf(socket_), "buffered_in_bytes") < 300 * 1024; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int b = RawConnect(socket_);
  ::send(b, part.data(), part.size(), MSG_NOSIGNAL);
  Ending e = ReadUntilClosed(b, 3000);
  ::close(b);
  EXPECT_TRUE(e.closed);
  ASSERT_FALSE(e.got.empty());
  json::value err = json::parse(e.got.substr(0, e.got.find('\n')));
  EXPECT_EQ(err.at("error").at("code").as_string(), "busy");
  EXPECT_NE(err.at("error").at("message").as_string().find("too much unfinished input"), std::string::npos);
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Decide(*c, "rm -rf /")["decision"].as_string(), "deny");
  // The first connection may still finish its line.
  std::string rest = "\"}}\n";
  ::send(a, rest.data(), rest.size(), MSG_NOSIGNAL);
  Ending done = ReadUntilClosed(a, 1000);
  ::close(a);
  ASSERT_FALSE(done.got.empty());
  EXPECT_EQ(json::parse(done.got.substr(0, done.got.find('\n'))).at("ok").as_bool(), true);
  json::object st = StatusOf(socket_);
  EXPECT_EQ(Count(st, "input_limit_closes"), 1u);
  EXPECT_EQ(Held(st, "buffered_in_bytes"), 0);
}

// `rm -rf dir; mkdir dir; write the policy`: the daemon watches the new directory and reloads.
TEST_F(DaemonTest, ReloadsWhenThePolicyDirectoryIsMadeAgain) {
  fs::create_directories(dir_ / "team");
  policy_ = (dir_ / "team" / "team.yaml").string();
  Write(policy_, "version: 1\nrules: []\n");
  StartDaemon();
  auto c = Client::Connect(socket_);
  ASSERT_TRUE(c.ok());
  auto rule_for = [&](const std::string& command) {
    json::object r = Decide(*c, command);
    return r["rule"].is_string() ? std::string(r["rule"].as_string()) : std::string();
  };
  for (int round = 0; round < 2; ++round) {  // twice: the new directory is watched too
    std::string id = "no-ninja-" + std::to_string(round);
    fs::remove_all(dir_ / "team");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    fs::create_directories(dir_ / "team");
    Write(policy_,
          "version: 1\nrules:\n  - id: " + id + "\n    kind: exec\n    match: {command: ninja}\n    decision: deny\n");
    std::string rule;
    for (int i = 0; i < 300 && rule != id; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      rule = rule_for("ninja");
    }
    EXPECT_EQ(rule, id) << "round " << round;
  }
}

}  // namespace
}  // namespace warden::server
