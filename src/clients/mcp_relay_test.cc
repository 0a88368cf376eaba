// The stdio relay with real server processes (/bin/cat as an echo server, small sh scripts);
// the client side is a pair of pipes the test writes and reads.
#include "clients/mcp_relay.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace warden::mcp {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string TempPath(const std::string& name) {
  const char* dir = getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/warden_relay_test_" + std::to_string(getpid()) + "_" + name;
}

// True once `pid` is gone or a zombie (killed, waiting for whoever inherited it to reap it).
bool ProcessDead(pid_t pid, milliseconds wait) {
  auto deadline = Clock::now() + wait;
  while (true) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    size_t paren = text.rfind(')');
    if (!stat || paren == std::string::npos || text.substr(paren + 2, 1) == "Z") return true;
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

pid_t ReadPidFile(const std::string& path, milliseconds wait) {
  auto deadline = Clock::now() + wait;
  while (Clock::now() < deadline) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return 0;
}

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);  // the test writes to a relay that may have stopped reading
    int in[2], out[2];
    ASSERT_EQ(pipe2(in, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
    client_write_ = in[1];
    options_.client_in = in[0];
    client_read_ = out[0];
    options_.client_out = out[1];
    options_.shutdown_grace = milliseconds(200);
  }

  void TearDown() override {
    // After a failed assertion too: client EOF ends the relay, so the join cannot hang.
    for (int* fd : {&client_write_, &client_read_}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
    if (thread_.joinable()) thread_.join();
    for (int fd : {options_.client_in, options_.client_out}) close(fd);
  }

  void Start(std::vector<std::string> argv) {
    options_.argv = std::move(argv);
    thread_ = std::thread([this] { result_.emplace(relay_.Run(options_)); });
  }

  Result<int> Join() {
    thread_.join();
    return *result_;
  }

  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = write(client_write_, bytes.data(), bytes.size());
      ASSERT_GT(n, 0) << strerror(errno);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  void CloseClient() {
    close(client_write_);
    client_write_ = -1;
  }

  // The next line the relay sent the client, or nullopt after `wait`.
  std::optional<std::string> ReadLine(milliseconds wait = milliseconds(5000)) {
    auto deadline = Clock::now() + wait;
    while (true) {
      size_t nl = buffered_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffered_.substr(0, nl);
        buffered_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      pollfd fd{client_read_, POLLIN, 0};
      if (left <= 0 || poll(&fd, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      char buf[65536];
      ssize_t n = read(client_read_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffered_.append(buf, static_cast<size_t>(n));
    }
  }

  RelayOptions options_;
  Relay relay_;
  int client_write_ = -1, client_read_ = -1;
  std::string buffered_;
  std::thread thread_;
  std::optional<Result<int>> result_;
};

TEST_F(RelayTest, EchoesThroughCatAndEndsOnClientEof) {
  Start({"cat"});
  Write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n\n{\"b\":2}\n{\"c\":");
  EXPECT_EQ(ReadLine(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  EXPECT_EQ(ReadLine(), "{\"b\":2}");
  Write("3}\n");
  EXPECT_EQ(ReadLine(), "{\"c\":3}");
  CloseClient();
  auto status = Join();
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(relay_.stats().lines_from_client, 3u);
  EXPECT_EQ(relay_.stats().lines_to_client, 3u);
  EXPECT_GT(relay_.server_pid(), 0);
}

TEST_F(RelayTest, ReturnsTheServersExitStatus) {
  Start({"sh", "-c", "exit 3"});
  auto status = Join();
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, 3);
}

TEST_F(RelayTest, KilledServerGives128PlusSignal) {
  Start({"sh", "-c", "kill -KILL $$"});
  EXPECT_EQ(*Join(), 128 + SIGKILL);
}

TEST_F(RelayTest, WhatTheServerWroteBeforeExitingIsDelivered) {
  Start({"sh", "-c", "read line; echo \"$line\"; echo '{\"last\":true}'; exit 4"});
  Write("{\"first\":1}\n");
  EXPECT_EQ(ReadLine(), "{\"first\":1}");
  EXPECT_EQ(ReadLine(), "{\"last\":true}");
  EXPECT_EQ(*Join(), 4);
}

TEST_F(RelayTest, ServerAnswersAfterClientEof) {
  Start({"sh", "-c", "cat; echo '{\"late\":1}'"});
  Write("{\"a\":1}\n");
  CloseClient();
  EXPECT_EQ(ReadLine(), "{\"a\":1}");
  EXPECT_EQ(ReadLine(), "{\"late\":1}");
  EXPECT_EQ(*Join(), 0);
}

TEST_F(RelayTest, ServerThatClosesStdoutEarlyIsStopped) {
  Start({"sh", "-c", "exec >&-; exec sleep 30"});
  auto start = Clock::now();
  auto status = Join();
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, 128 + SIGTERM);
  EXPECT_LT(Clock::now() - start, milliseconds(5000));
}

TEST_F(RelayTest, NonexistentCommand) {
  Start({"/nonexistent/warden-test-server", "--flag"});
  auto status = Join();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().message(), "cannot run '/nonexistent/warden-test-server': No such file or directory");
  EXPECT_EQ(ExitCodeForRunError(status.status()), 127);
}

TEST(RelayRunTest, CommandNotInPath) {
  Relay relay;
  RelayOptions options;
  options.argv = {"warden-no-such-mcp-server"};
  auto status = relay.Run(options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().message(), "cannot run 'warden-no-such-mcp-server': No such file or directory");
  EXPECT_EQ(ExitCodeForRunError(status.status()), 127);
}

TEST(RelayRunTest, CommandNotExecutable) {
  std::string path = TempPath("not_executable");
  std::ofstream(path) << "#!/bin/sh\n";
  chmod(path.c_str(), 0644);
  Relay relay;
  RelayOptions options;
  options.argv = {path};
  auto status = relay.Run(options);
  unlink(path.c_str());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().message(), "cannot run '" + path + "': Permission denied");
  EXPECT_EQ(ExitCodeForRunError(status.status()), 126);
}

TEST_F(RelayTest, ServerIgnoringSigtermIsKilledAfterTheGrace) {
  Start({"sh", "-c", "trap '' TERM; echo '{\"up\":1}'; while :; do sleep 1; done"});
  EXPECT_EQ(ReadLine(), "{\"up\":1}");
  auto start = Clock::now();
  CloseClient();
  auto status = Join();
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_EQ(*status, 128 + SIGKILL);
  EXPECT_GE(Clock::now() - start, 2 * options_.shutdown_grace);
  EXPECT_LT(Clock::now() - start, milliseconds(5000));
}

// The server runs under the reaper, not under the relay's process.
TEST_F(RelayTest, TheServersParentIsTheReaper) {
  std::string pid_file = TempPath("parent.pid");
  Start({"sh", "-c", "echo $PPID > " + pid_file + "; exec cat"});
  pid_t parent = ReadPidFile(pid_file, milliseconds(5000));
  unlink(pid_file.c_str());
  EXPECT_GT(relay_.reaper_pid(), 0);
  EXPECT_EQ(parent, relay_.reaper_pid());
  EXPECT_NE(relay_.server_pid(), relay_.reaper_pid());
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  EXPECT_TRUE(ProcessDead(relay_.reaper_pid(), milliseconds(0)));
}

// A grandchild that left the server's process group and session is killed when the server exits.
TEST_F(RelayTest, ASetsidGrandchildDoesNotOutliveTheServer) {
  std::string pid_file = TempPath("setsid.pid");
  Start({"sh", "-c", "setsid sleep 300 & echo $! > " + pid_file + "; read line; exit 5"});
  pid_t escaped = ReadPidFile(pid_file, milliseconds(5000));
  unlink(pid_file.c_str());
  ASSERT_GT(escaped, 0);
  Write("{}\n");
  EXPECT_EQ(*Join(), 5);
  EXPECT_TRUE(ProcessDead(escaped, milliseconds(0)));  // gone before Run returned
  if (!ProcessDead(escaped, milliseconds(0))) kill(escaped, SIGKILL);
}

TEST_F(RelayTest, GrandchildrenDoNotOutliveTheRelay) {
  std::string pid_file = TempPath("grandchild.pid");
  Start({"sh", "-c", "sleep 300 & echo $! > " + pid_file + "; exec cat"});
  Write("{}\n");
  EXPECT_EQ(ReadLine(), "{}");
  pid_t grandchild = ReadPidFile(pid_file, milliseconds(5000));
  unlink(pid_file.c_str());
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(ProcessDead(grandchild, milliseconds(0)));
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  EXPECT_TRUE(ProcessDead(grandchild, milliseconds(2000)));
}

// The proxy itself SIGKILLed (no chance to clean up): the reaper sees its control pipe close
// and takes down the server and what left the server's group (setsid) with it.
TEST(RelayRunTest, SigkilledProxyLeavesNoServer) {
  std::string pid_file = TempPath("server.pid");
  std::string escaped_file = TempPath("escaped.pid");
  int in[2], out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  pid_t proxy = fork();
  ASSERT_GE(proxy, 0);
  if (proxy == 0) {
    Relay relay;
    RelayOptions options;
    options.client_in = in[0];
    options.client_out = out[1];
    options.argv = {"sh", "-c",
                    "setsid sleep 300 & echo $! > " + escaped_file + "; echo $$ > " + pid_file + "; exec sleep 300"};
    auto status = relay.Run(options);
    _exit(status.ok() ? *status : 100);
  }
  pid_t server = ReadPidFile(pid_file, milliseconds(5000));
  pid_t escaped = ReadPidFile(escaped_file, milliseconds(5000));
  unlink(pid_file.c_str());
  unlink(escaped_file.c_str());
  ASSERT_GT(server, 0);
  ASSERT_GT(escaped, 0);
  kill(proxy, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(waitpid(proxy, &wait_status, 0), proxy);
  EXPECT_TRUE(ProcessDead(server, milliseconds(2000)));
  EXPECT_TRUE(ProcessDead(escaped, milliseconds(2000)));
  if (!ProcessDead(escaped, milliseconds(0))) kill(escaped, SIGKILL);
  for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
}

TEST_F(RelayTest, OversizeRequestGetsAnErrorAndTheRelayContinues) {
  options_.max_message_bytes = 1000;
  Start({"cat"});
  std::string big =
      R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"x":")" + std::string(5000, 'a') + "\"}}\n";
  Write(big + "{\"after\":1}\n");
  auto error = ReadLine();
  ASSERT_TRUE(error.has_value());
  json::value v = json::parse(*error);
  EXPECT_EQ(v.at("id").as_int64(), 9);
  EXPECT_EQ(v.at("error").at("code").as_int64(), kMessageTooLarge);
  EXPECT_EQ(v.at("error").at("data").at("bytes").to_number<size_t>(), big.size() - 1);
  EXPECT_EQ(ReadLine(), "{\"after\":1}");
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  EXPECT_EQ(relay_.stats().oversize_from_client, 1u);
}

TEST_F(RelayTest, OversizeResponseFromTheServerFailsTheRequest) {
  options_.max_message_bytes = 1000;
  Start({"sh", "-c",
         "read l; printf '{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"result\":\"%s\"}\\n' "
         "$(head -c 5000 /dev/zero | tr '\\0' a); exec cat"});
  Write("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"tools/call\"}\n");
  auto error = ReadLine();
  ASSERT_TRUE(error.has_value());
  json::value v = json::parse(*error);
  EXPECT_EQ(v.at("id").as_string(), "r1");
  EXPECT_EQ(v.at("error").at("code").as_int64(), kMessageTooLarge);
  Write("{\"still\":\"alive\"}\n");
  EXPECT_EQ(ReadLine(), "{\"still\":\"alive\"}");
  CloseClient();
  EXPECT_EQ(*Join(), 0);
}

TEST_F(RelayTest, CustomOversizeHandler) {
  options_.max_message_bytes = 10;
  std::vector<std::pair<size_t, std::string>> seen;
  relay_.on_oversize = [&](Direction d, size_t bytes, std::string_view head) {
    EXPECT_EQ(d, Direction::kClientToServer);
    seen.emplace_back(bytes, std::string(head));
  };
  Start({"cat"});
  Write("{\"id\":1,\"xxxxxxxxxxxx\":1}\n{}\n");
  EXPECT_EQ(ReadLine(), "{}");
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, 25u);
}

TEST_F(RelayTest, HandlersRewriteDropAndAnswer) {
  relay_.on_client_line = [this](std::string_view line) {
    Message m = ParseMessage(line);
    if (m.method == "drop") return;
    if (m.method == "deny") {
      relay_.SendToClient(ErrorResponse(m.id, kPolicyDenied, "denied by policy"));
      return;
    }
    if (m.method == "twice") relay_.SendToServer(line);
    relay_.SendToServer(line);
  };
  relay_.on_server_line = [this](std::string_view line) {
    std::string out(line);
    if (size_t at = out.find("secret"); at != std::string::npos) out.replace(at, 6, "******");
    relay_.SendToClient(out);
  };
  Start({"cat"});
  Write(R"({"jsonrpc":"2.0","method":"drop"})"
        "\n"
        R"({"jsonrpc":"2.0","id":2,"method":"deny"})"
        "\n"
        R"({"jsonrpc":"2.0","id":3,"method":"twice"})"
        "\n"
        R"({"jsonrpc":"2.0","id":4,"method":"echo","params":{"p":"secret"}})"
        "\n");
  auto denied = json::parse(ReadLine().value_or("null"));
  EXPECT_EQ(denied.at("id").as_int64(), 2);
  EXPECT_EQ(denied.at("error").at("code").as_int64(), kPolicyDenied);
  EXPECT_EQ(ReadLine(), R"({"jsonrpc":"2.0","id":3,"method":"twice"})");
  EXPECT_EQ(ReadLine(), R"({"jsonrpc":"2.0","id":3,"method":"twice"})");
  EXPECT_EQ(ReadLine(), R"({"jsonrpc":"2.0","id":4,"method":"echo","params":{"p":"******"}})");
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  EXPECT_EQ(ReadLine(milliseconds(0)), std::nullopt);
}

TEST_F(RelayTest, PostFromAnotherThread) {
  std::vector<std::thread> deciders;
  relay_.on_client_line = [&](std::string_view line) {
    // An asynchronous decision: made elsewhere, applied on the loop thread.
    deciders.emplace_back([this, copy = std::string(line)] {
      std::this_thread::sleep_for(milliseconds(20));
      relay_.Post([this, copy] { relay_.SendToServer(copy); });
    });
  };
  Start({"cat"});
  Write("{\"n\":1}\n{\"n\":2}\n");
  std::set<std::string> got;
  for (int i = 0; i < 2; ++i) got.insert(ReadLine().value_or("timeout"));
  EXPECT_EQ(got, (std::set<std::string>{"{\"n\":1}", "{\"n\":2}"}));
  CloseClient();
  EXPECT_EQ(*Join(), 0);
  for (auto& t : deciders) t.join();
}

TEST_F(RelayTest, PostedBeforeRunRunsWhenItStarts) {
  relay_.Post([this] { relay_.SendToClient("{\"hello\":1}"); });
  Start({"cat"});
  EXPECT_EQ(ReadLine(), "{\"hello\":1}");
  CloseClient();
  EXPECT_EQ(*Join(), 0);
}

TEST_F(RelayTest, SigtermToTheProxyStopsTheServer) {
  Start({"cat"});
  Write("{}\n");
  EXPECT_EQ(ReadLine(), "{}");  // the relay runs, its handlers are installed
  kill(getpid(), SIGTERM);
  auto status = Join();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 128 + SIGTERM);
  EXPECT_EQ(relay_.stats().signal, SIGTERM);
}

// The client stops reading while the server floods it: the other direction still works and
// the relay stops reading the server instead of buffering without bound.
TEST_F(RelayTest, ClientThatDoesNotReadDoesNotBlockTheOtherDirection) {
  std::string sink = TempPath("sink");
  Start({"sh", "-c", "yes '{\"flood\":1}' & exec cat > " + sink});
  std::this_thread::sleep_for(milliseconds(300));
  Write("{\"through\":1}\n");
  bool arrived = false;
  for (int i = 0; i < 500 && !arrived; ++i) {
    std::ifstream in(sink);
    std::stringstream text;
    text << in.rdbuf();
    arrived = text.str() == "{\"through\":1}\n";
    if (!arrived) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(arrived);
  CloseClient();
  auto status = Join();  // cat exits at EOF; yes is killed with the group
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 0);
  EXPECT_LT(relay_.stats().lines_from_server * 12, kQueueHighWater + (size_t{2} << 20));
  unlink(sink.c_str());
}

TEST_F(RelayTest, BrokenClientOutputStopsTheRelay) {
  Start({"sh", "-c", "while :; do echo '{\"tick\":1}'; sleep 0.01; done"});
  EXPECT_EQ(ReadLine(), "{\"tick\":1}");
  close(client_read_);  // the client is gone: EPIPE on the next write
  client_read_ = -1;
  auto status = Join();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 128 + SIGTERM);
}

}  // namespace
}  // namespace warden::mcp
