// The interface tests of the daemon's stores: every implementation of EventBus and
// ApprovalQueue passes the same tests (typed tests: a shared implementation is one more type in
// the lists below, with a factory that starts what it needs).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redis/hub.h"
#include "redis/test_server.h"
#include "server/approval_queue.h"
#include "server/event_bus.h"
#include "server/redis_approval_queue.h"
#include "server/redis_event_bus.h"

namespace warden::server {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// ---- EventBus ---------------------------------------------------------------------------------

struct LocalBusFactory {
  std::unique_ptr<EventBus> Make() { return std::make_unique<LocalEventBus>(); }
};

// A real redis-server of the test's own, and one instance's link to it.
struct RedisInstance {
  redis::testing::TestServer server;
  std::unique_ptr<redis::Hub> hub;
  bool Up() {
    if (!redis::testing::TestServer::Available() || !server.Start()) return false;
    redis::ClientOptions o;
    o.address = *redis::ParseUrl(server.Url());
    o.reconnect_max = std::chrono::milliseconds(100);
    hub = std::make_unique<redis::Hub>(o, "inst1", "wt:");
    return true;
  }
  bool Connected() {
    for (int i = 0; i < 400 && !hub->connected(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return hub->connected();
  }
};

struct RedisBusFactory {
  RedisInstance redis;
  std::unique_ptr<RedisEventBus> bus;
  std::unique_ptr<EventBus> Make() {
    if (!redis.Up()) return nullptr;
    auto b = std::make_unique<RedisEventBus>(*redis.hub);
    redis.hub->Start();
    if (!redis.Connected()) return nullptr;
    return b;
  }
};

template <class F>
class EventBusTest : public ::testing::Test {
 protected:
  F factory_;
};
using BusFactories = ::testing::Types<LocalBusFactory, RedisBusFactory>;
TYPED_TEST_SUITE(EventBusTest, BusFactories);

// Waits until pred() holds (a shared bus delivers from another thread), at most 2 s.
template <class P>
bool Eventually(P pred) {
  for (int i = 0; i < 400 && !pred(); ++i) std::this_thread::sleep_for(5ms);
  return pred();
}

TYPED_TEST(EventBusTest, EverySubscriberGetsEachEventUntilItUnsubscribes) {
  auto bus = this->factory_.Make();
  if (!bus) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  EXPECT_FALSE(bus->HasListeners());
  std::mutex mu;
  std::vector<std::string> a, b;
  uint64_t ida = bus->Subscribe(EventBus::Via::kSocket, [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    a.push_back(e);
  });
  uint64_t idb = bus->Subscribe(EventBus::Via::kHttp, [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    b.push_back(e);
  });
  EXPECT_NE(ida, idb);
  EXPECT_TRUE(bus->HasListeners());
  EXPECT_EQ(bus->Count(EventBus::Via::kSocket), 1u);
  EXPECT_EQ(bus->Count(EventBus::Via::kHttp), 1u);
  bus->Publish(json::object{{"event", "decision"}, {"n", 1}});
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return a.size() == 1 && b.size() == 1;
  }));
  EXPECT_EQ(a[0], R"({"event":"decision","n":1})");
  bus->Unsubscribe(ida);
  bus->Publish(json::object{{"event", "decision"}, {"n", 2}});
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return b.size() == 2;
  }));
  std::this_thread::sleep_for(20ms);
  {
    std::lock_guard<std::mutex> l(mu);  // not held across the bus's own lock (the sinks take mu under it)
    EXPECT_EQ(a.size(), 1u) << "an unsubscribed sink got an event";
  }
  EXPECT_EQ(bus->Count(EventBus::Via::kSocket), 0u);
  bus->Unsubscribe(idb);
  EXPECT_FALSE(bus->HasListeners());
  bus->Unsubscribe(12345);  // unknown ids are ignored
}

// ---- ApprovalQueue ----------------------------------------------------------------------------

// The queue's timers run on an io_context served by one thread for the test's length.
class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

struct LocalQueueFactory {
  std::unique_ptr<ApprovalQueue> Make(boost::asio::io_context& io) { return std::make_unique<LocalApprovalQueue>(io); }
};

struct RedisQueueFactory {
  RedisInstance redis;
  std::unique_ptr<ApprovalQueue> Make(boost::asio::io_context& io) {
    if (!redis.Up()) return nullptr;
    auto q = std::make_unique<RedisApprovalQueue>(io, *redis.hub);
    redis.hub->Start();
    if (!redis.Connected()) return nullptr;
    return q;
  }
};

template <class F>
class ApprovalQueueTest : public ::testing::Test {
 protected:
  IoThread io_;
  F factory_;
};
using QueueFactories = ::testing::Types<LocalQueueFactory, RedisQueueFactory>;
TYPED_TEST_SUITE(ApprovalQueueTest, QueueFactories);

policy::Request ExecRequest(const std::string& command) {
  policy::Request r;
  r.kind = policy::RequestKind::kExec;
  r.command = command;
  r.cwd = "/work";
  return r;
}

struct Delivered {
  std::mutex mu;
  std::vector<std::pair<std::string, ApprovalAnswer>> got;
  size_t size() {
    std::lock_guard<std::mutex> l(mu);
    return got.size();
  }
};

ApprovalAsk AskFor(const std::string& command, int64_t wait_ms, Delivered* d) {
  ApprovalAsk a;
  a.req = ExecRequest(command);
  a.outcome = json::object{{"decision", "ask"}, {"reason", "needs a person"}, {"rule", "r1"}, {"decision_id", "x-1"}};
  a.pid = 4242;
  a.wait_ms = wait_ms;
  a.deliver = [d](const std::string& id, const ApprovalAnswer& ans) {
    std::lock_guard<std::mutex> l(d->mu);
    d->got.emplace_back(id, ans);
  };
  return a;
}

TYPED_TEST(ApprovalQueueTest, AnAnswerIsListedThenDeliveredOnce) {
  Delivered d;  // before q: q goes first, so no delivery outlives d
  auto q = this->factory_.Make(this->io_.io());
  if (!q) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  std::string id = q->Open(AskFor("git push", 60'000, &d));
  ASSERT_FALSE(id.empty());
  json::array list = q->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("approval_id").as_string(), id);
  EXPECT_EQ(list[0].at("rule").as_string(), "r1");
  EXPECT_EQ(list[0].at("pid").to_number<int>(), 4242);
  EXPECT_GT(list[0].at("expires_in_s").to_number<double>(), 50.0);
  EXPECT_EQ(q->pending(), 1u);

  ASSERT_TRUE(q->Answer(id, {true, "approved by a person"}, 0).ok());
  ASSERT_TRUE(Eventually([&] { return d.size() == 1; }));
  EXPECT_EQ(d.got[0].first, id);
  EXPECT_TRUE(d.got[0].second.allow);
  EXPECT_EQ(d.got[0].second.reason, "approved by a person");
  EXPECT_EQ(q->pending(), 0u);
  EXPECT_TRUE(q->List().empty());

  Status again = q->Answer(id, {false, "too late"}, 0);
  EXPECT_EQ(again.code(), Status::Code::kNotFound);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(d.size(), 1u) << "delivered twice";
  EXPECT_EQ(q->Answer("a-never", {true, ""}, 0).code(), Status::Code::kNotFound);
}

TYPED_TEST(ApprovalQueueTest, NobodyAnsweringIsADenyAtTheEndOfTheWait) {
  Delivered d;  // before q: q goes first, so no delivery outlives d
  auto q = this->factory_.Make(this->io_.io());
  if (!q) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  std::string id = q->Open(AskFor("git push", 50, &d));
  ASSERT_TRUE(Eventually([&] { return d.size() == 1; }));
  EXPECT_FALSE(d.got[0].second.allow);
  EXPECT_NE(d.got[0].second.reason.find("nobody approved"), std::string::npos) << d.got[0].second.reason;
  EXPECT_EQ(q->Answer(id, {true, ""}, 0).code(), Status::Code::kNotFound);
}

TYPED_TEST(ApprovalQueueTest, RememberCoversExactlyTheSameRequestForItsTime) {
  Delivered d;  // before q: q goes first, so no delivery outlives d
  auto q = this->factory_.Make(this->io_.io());
  if (!q) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  EXPECT_FALSE(q->Remembered(ExecRequest("git push")));
  std::string id = q->Open(AskFor("git  push ", 60'000, &d));
  ASSERT_TRUE(q->Answer(id, {true, "ok"}, 1).ok());
  EXPECT_TRUE(q->Remembered(ExecRequest("git push")));  // blanks do not matter
  EXPECT_FALSE(q->Remembered(ExecRequest("git push --force")));
  policy::Request elsewhere = ExecRequest("git push");
  elsewhere.cwd = "/other";
  EXPECT_FALSE(q->Remembered(elsewhere));
  EXPECT_EQ(q->remembered(), 1u);
  std::this_thread::sleep_for(1100ms);
  EXPECT_FALSE(q->Remembered(ExecRequest("git push"))) << "remembered past its time";

  std::string denied = q->Open(AskFor("rm -rf build", 60'000, &d));
  ASSERT_TRUE(q->Answer(denied, {false, "no"}, 3600).ok());
  EXPECT_FALSE(q->Remembered(ExecRequest("rm -rf build"))) << "a deny was remembered as an allow";
  EXPECT_TRUE(Eventually([&] { return d.size() == 2; })) << "the deny was not delivered";
}

TYPED_TEST(ApprovalQueueTest, ConcurrentAnswersDeliverOnce) {
  Delivered d;  // before q: q goes first, so no delivery outlives d
  auto q = this->factory_.Make(this->io_.io());
  if (!q) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
  std::string id = q->Open(AskFor("git push", 60'000, &d));
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i) ts.emplace_back([&] { ok += q->Answer(id, {true, "ok"}, 0).ok(); });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 1);
  ASSERT_TRUE(Eventually([&] { return d.size() == 1; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(d.size(), 1u);
}

}  // namespace
}  // namespace warden::server
