// The daemon in-process on a temporary socket, driven through the real client: decisions,
// status, malformed and oversized messages (the connection ends, the daemon keeps serving),
// reload keeping the old policy when the new one fails, the socket's modes.
#include "server/daemon.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "server/client.h"
#include "server/protocol.h"

namespace warden::server {
namespace {

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

}  // namespace
}  // namespace warden::server
