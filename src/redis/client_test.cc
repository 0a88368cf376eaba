// The Asio Redis client against a real redis-server (src/redis/test_server.h): commands and
// every reply type, pipelines, scripts after a SCRIPT FLUSH, pub/sub, and what happens when
// Redis is away (errors at once), restarted (reconnects by itself, subscriptions too) or stuck
// (commands time out, then work again).
#include "redis/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "redis/test_server.h"

namespace warden::redis {
namespace {

using namespace std::chrono_literals;
using testing::TestServer;

template <class P>
bool Eventually(P pred, std::chrono::milliseconds limit = 5000ms) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(5ms);
  return pred();
}

ClientOptions OptionsFor(const TestServer& s) {
  ClientOptions o;
  o.address = *ParseUrl(s.Url());
  o.command_timeout = 300ms;
  o.reconnect_max = 100ms;
  o.name = "warden-test";
  return o;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestServer::Available()) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
    ASSERT_TRUE(server_.Start());
  }
  TestServer server_;
};

TEST_F(RedisClientTest, EveryReplyType) {
  Client c(OptionsFor(server_));
  c.Start();
  ASSERT_TRUE(Eventually([&] { return c.connected(); }));
  auto set = c.CommandSync({"SET", "k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->type, Reply::Type::kStatus);
  auto get = c.CommandSync({"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->type, Reply::Type::kString);
  EXPECT_EQ(get->str, std::string("a\0b", 3));
  EXPECT_EQ(c.CommandSync({"GET", "missing"})->type, Reply::Type::kNil);
  EXPECT_EQ(c.CommandSync({"INCRBY", "n", "41"})->integer, 41);
  c.CommandSync({"RPUSH", "l", "x", "y"});
  auto range = c.CommandSync({"LRANGE", "l", "0", "-1"});
  ASSERT_EQ(range->type, Reply::Type::kArray);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[1].str, "y");
  auto wrong = c.CommandSync({"INCR", "l"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("WRONGTYPE"), std::string::npos);
  auto name = c.CommandSync({"CLIENT", "GETNAME"});
  EXPECT_EQ(name->str, "warden-test");
}

TEST_F(RedisClientTest, APipelineAnswersInOrder) {
  Client c(OptionsFor(server_));
  c.Start();
  ASSERT_TRUE(Eventually([&] { return c.connected(); }));
  std::vector<std::vector<std::string>> cmds;
  for (int i = 0; i < 200; ++i) cmds.push_back({"INCR", "p"});
  std::promise<std::vector<Result<Reply>>> p;
  c.Pipeline(cmds, [&](std::vector<Result<Reply>> r) { p.set_value(std::move(r)); });
  auto results = p.get_future().get();
  ASSERT_EQ(results.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(results[i].ok());
    EXPECT_EQ(results[i]->integer, i + 1);
  }
}

TEST_F(RedisClientTest, AScriptRunsAgainAfterRedisForgotIt) {
  Client c(OptionsFor(server_));
  c.Start();
  ASSERT_TRUE(Eventually([&] { return c.connected(); }));
  Script s("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto run = [&] {
    std::promise<Result<Reply>> p;
    s.Run(c, {"sk"}, {"5"}, [&](Result<Reply> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  EXPECT_EQ(run()->integer, 5);  // NOSCRIPT, then EVAL
  EXPECT_EQ(run()->integer, 10);  // EVALSHA
  c.CommandSync({"SCRIPT", "FLUSH"});
  EXPECT_EQ(run()->integer, 15);
  EXPECT_EQ(s.sha().size(), 40u);
}

TEST_F(RedisClientTest, AwayRestartedAndStuck) {
  std::atomic<int> connects{0}, disconnects{0};
  ClientOptions o = OptionsFor(server_);
  o.on_connect = [&] { connects++; };
  o.on_disconnect = [&] { disconnects++; };
  Client c(o);
  c.Start();
  ASSERT_TRUE(Eventually([&] { return c.connected(); }));
  EXPECT_EQ(connects.load(), 1);

  server_.Stop();
  ASSERT_TRUE(Eventually([&] { return !c.connected(); }));
  EXPECT_EQ(disconnects.load(), 1);
  auto t0 = std::chrono::steady_clock::now();
  auto away = c.CommandSync({"PING"});
  EXPECT_FALSE(away.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 250ms) << "a command while Redis is away waited instead of failing";
  EXPECT_NE(away.status().message().find("not connected"), std::string::npos) << away.status().message();

  ASSERT_TRUE(server_.Start());
  ASSERT_TRUE(Eventually([&] { return c.connected(); })) << "did not reconnect by itself";
  EXPECT_EQ(connects.load(), 2);
  EXPECT_TRUE(c.CommandSync({"PING"}).ok());

  server_.Pause();
  auto stuck = c.CommandSync({"PING"});
  EXPECT_FALSE(stuck.ok());
  EXPECT_NE(stuck.status().message().find("no reply within"), std::string::npos) << stuck.status().message();
  EXPECT_GE(c.counts().timeouts.load(), 1u);
  server_.Resume();
  EXPECT_TRUE(Eventually([&] { return c.CommandSync({"PING"}).ok(); }));
}

TEST_F(RedisClientTest, SubscriptionsSurviveARestart) {
  std::mutex mu;
  std::vector<std::string> got;
  Client sub(OptionsFor(server_));
  sub.Subscribe({"ch1", "ch2"}, [&](const std::string& ch, const std::string& m) {
    std::lock_guard<std::mutex> l(mu);
    got.push_back(ch + ":" + m);
  });
  sub.Start();
  Client pub(OptionsFor(server_));
  pub.Start();
  auto count = [&] {
    std::lock_guard<std::mutex> l(mu);
    return got.size();
  };
  // Subscribed once PUBLISH reaches a receiver.
  ASSERT_TRUE(Eventually([&] { auto r = pub.CommandSync({"PUBLISH", "ch1", "hello"}); return r.ok() && r->integer == 1; }));
  pub.CommandSync({"PUBLISH", "ch2", "world"});
  pub.CommandSync({"PUBLISH", "other", "no"});
  ASSERT_TRUE(Eventually([&] { return count() >= 2; }));
  server_.Stop();
  ASSERT_TRUE(server_.Start());
  ASSERT_TRUE(Eventually([&] { auto r = pub.CommandSync({"PUBLISH", "ch2", "again"}); return r.ok() && r->integer == 1; }));
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return !got.empty() && got.back() == "ch2:again";
  }));
  std::lock_guard<std::mutex> l(mu);
  for (const auto& m : got) EXPECT_EQ(m.find("other"), std::string::npos);
}

TEST(RedisClientTcp, ConnectsOverLoopbackAndFailsFastWithoutAServer) {
  if (!TestServer::Available()) GTEST_SKIP();
  TestServer tcp(true);
  ASSERT_TRUE(tcp.Start());
  Client c(OptionsFor(tcp));
  c.Start();
  ASSERT_TRUE(Eventually([&] { return c.connected(); }));
  EXPECT_EQ(c.CommandSync({"PING"})->str, "PONG");
  tcp.Stop();
  ClientOptions none = OptionsFor(tcp);
  Client d(none);
  d.Start();
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(d.connected());
  EXPECT_FALSE(d.CommandSync({"PING"}).ok());
}

}  // namespace
}  // namespace warden::redis
