// The shared stores as several instances see them: two or three "instances" (each its own
// redis::Hub and stores) on one real redis-server — events cross, approvals are answered
// elsewhere and outlive their instance, a revocation reaches the others within 100 ms, a limit
// holds for the sum of the instances' traffic within the documented slack, a ban made on one
// applies on all, and each store's failure setting when Redis goes away and comes back.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "redis/hub.h"
#include "redis/test_server.h"
#include "security/authn/redis_token_store.h"
#include "security/ratelimit/redis_rate_limit_store.h"
#include "server/redis_approval_queue.h"
#include "server/redis_event_bus.h"

namespace warden::server {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <class P>
bool Eventually(P pred, std::chrono::milliseconds limit = 5000ms) {
  auto end = Clock::now() + limit;
  while (!pred() && Clock::now() < end) std::this_thread::sleep_for(2ms);
  return pred();
}

int64_t Now() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }
int64_t UnixNow() { return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(); }

class ClusterStoresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis::testing::TestServer::Available()) GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap.sh)";
    ASSERT_TRUE(server_.Start());
    state_ = fs::temp_directory_path() / ("warden-cluster-stores-" + std::to_string(getpid()));
    fs::remove_all(state_);
    fs::create_directories(state_);
    fs::permissions(state_, fs::perms::owner_all, fs::perm_options::replace);
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    hubs_.clear();
    work_.reset();
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    fs::remove_all(state_);
  }
  redis::Hub& NewHub(const std::string& id) {
    redis::ClientOptions o;
    o.address = *redis::ParseUrl(server_.Url());
    o.reconnect_max = 100ms;
    o.command_timeout = 300ms;
    hubs_.push_back(std::make_unique<redis::Hub>(o, id, "wt:"));
    return *hubs_.back();
  }
  static bool Up(redis::Hub& h) {
    return Eventually([&] { return h.connected(); });
  }

  redis::testing::TestServer server_;
  fs::path state_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread io_thread_;
  std::vector<std::unique_ptr<redis::Hub>> hubs_;  // destroyed before the stores' users finish
};

TEST_F(ClusterStoresTest, EventsOfOneInstanceReachTheSubscribersOfAnother) {
  auto& ha = NewHub("a");
  auto& hb = NewHub("b");
  RedisEventBus a(ha), b(hb);
  ha.Start();
  hb.Start();
  ASSERT_TRUE(Up(ha) && Up(hb));
  EXPECT_FALSE(a.HasListeners()) << "nobody watches: decisions should cost nothing";
  std::mutex mu;
  std::vector<std::string> seen;
  b.Subscribe(EventBus::Via::kHttp, [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(e);
  });
  ASSERT_TRUE(Eventually([&] { return a.HasListeners(); })) << "a never learned that b has a subscriber";
  a.Publish(json::object{{"event", "decision"}, {"from", "a"}});
  a.Publish(json::object{{"event", "decision"}, {"from", "a2"}});
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return seen.size() == 2;
  }));
  EXPECT_EQ(seen[0], R"({"event":"decision","from":"a"})");
  b.Publish(json::object{{"event", "decision"}, {"from", "b"}});
  std::this_thread::sleep_for(50ms);
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(seen.size(), 3u) << "b's own event delivered twice or not at all";
}

policy::Request Exec(const std::string& command) {
  policy::Request r;
  r.kind = policy::RequestKind::kExec;
  r.command = command;
  r.cwd = "/w";
  return r;
}

struct Waiter {
  std::mutex mu;
  std::optional<ApprovalAnswer> got;
  ApprovalAsk Ask(const std::string& command, int64_t wait_ms) {
    ApprovalAsk a;
    a.req = Exec(command);
    a.outcome = json::object{{"decision", "ask"}, {"reason", "needs a person"}, {"rule", "r"}, {"decision_id", "x"}};
    a.pid = 9;
    a.wait_ms = wait_ms;
    a.deliver = [this](const std::string&, const ApprovalAnswer& ans) {
      std::lock_guard<std::mutex> l(mu);
      got = ans;
    };
    return a;
  }
  bool Has() {
    std::lock_guard<std::mutex> l(mu);
    return got.has_value();
  }
};

TEST_F(ClusterStoresTest, AnAskOpenedOnOneInstanceIsAnsweredOnAnother) {
  auto& ha = NewHub("a");
  auto& hb = NewHub("b");
  RedisApprovalQueue a(io_, ha), b(io_, hb);
  ha.Start();
  hb.Start();
  ASSERT_TRUE(Up(ha) && Up(hb));
  Waiter w;
  std::string id = a.Open(w.Ask("deploy prod", 60'000));
  ASSERT_TRUE(Eventually([&] { return b.List().size() == 1; }));
  json::array list = b.List();
  EXPECT_EQ(list[0].at("approval_id").as_string(), id);
  EXPECT_EQ(list[0].at("instance").as_string(), "a");
  ASSERT_TRUE(b.Answer(id, {true, "approved by a person (token ops)"}, 600).ok());
  ASSERT_TRUE(Eventually([&] { return w.Has(); })) << "the client on a never got b's answer";
  EXPECT_TRUE(w.got->allow);
  EXPECT_EQ(w.got->reason, "approved by a person (token ops)");
  EXPECT_EQ(a.Answer(id, {false, "late"}, 0).code(), Status::Code::kNotFound);
  EXPECT_TRUE(b.Remembered(Exec("deploy prod")));
  EXPECT_TRUE(a.Remembered(Exec("deploy prod")));
  EXPECT_FALSE(b.Remembered(Exec("deploy staging")));
}

TEST_F(ClusterStoresTest, AnAskOutlivesTheInstanceThatOpenedIt) {
  auto& hb = NewHub("b");
  RedisApprovalQueue b(io_, hb);
  hb.Start();
  ASSERT_TRUE(Up(hb));
  std::string id;
  {
    auto& ha = NewHub("a");
    auto a = std::make_unique<RedisApprovalQueue>(io_, ha);
    ha.Start();
    ASSERT_TRUE(Up(ha));
    Waiter w;
    id = a->Open(w.Ask("deploy prod", 60'000));
    ASSERT_TRUE(Eventually([&] { return b.List().size() == 1; }));
    ha.Stop();  // the instance dies: its client is gone with it
  }
  json::array list = b.List();
  ASSERT_EQ(list.size(), 1u) << "the approval was lost with its instance";
  ASSERT_TRUE(b.Answer(id, {true, "ok"}, 600).ok());
  EXPECT_TRUE(b.Remembered(Exec("deploy prod"))) << "the client's retry through b is not covered";
}

TEST_F(ClusterStoresTest, ARevocationReachesTheOtherInstancesWithin100ms) {
  auto& ha = NewHub("a");
  auto& hb = NewHub("b");
  auto& hc = NewHub("c");
  auto a = security::RedisTokenStore::Open(ha, state_.string(), security::TokenFailureMode::kClosed);
  auto b = security::RedisTokenStore::Open(hb, state_.string(), security::TokenFailureMode::kClosed);
  auto c = security::RedisTokenStore::Open(hc, state_.string(), security::TokenFailureMode::kCached);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().message();
  ha.Start();
  hb.Start();
  hc.Start();
  ASSERT_TRUE(Up(ha) && Up(hb) && Up(hc));
  ASSERT_TRUE(Eventually([&] { return (*a)->loaded() && (*b)->loaded() && (*c)->loaded(); }));
  auto made = (*a)->Create("checker", "ci", 3600, UnixNow());
  ASSERT_TRUE(made.ok()) << made.status().message();
  ASSERT_TRUE(Eventually([&] { return (*b)->Verify(made->secret, UnixNow()).ok(); }, 100ms)) << "b did not learn the token within 100 ms";
  ASSERT_TRUE(Eventually([&] { return (*c)->Verify(made->secret, UnixNow()).ok(); }, 100ms));
  EXPECT_EQ((*b)->List()->size(), 1u);

  auto t0 = Clock::now();
  auto revoked = (*a)->Revoke(made->info.id, UnixNow());
  ASSERT_TRUE(revoked.ok()) << revoked.status().message();
  ASSERT_TRUE(Eventually([&] {
    return (*b)->Verify(made->secret, UnixNow()).problem == security::TokenProblem::kRevoked &&
           (*c)->Verify(made->secret, UnixNow()).problem == security::TokenProblem::kRevoked;
  }, 100ms)) << "the revocation took longer than 100 ms to reach b and c";
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  RecordProperty("revocation_ms", std::to_string(took));

  auto other = (*a)->Create("checker", "", 3600, UnixNow());
  ASSERT_TRUE(Eventually([&] { return (*b)->Verify(other->secret, UnixNow()).ok(); }));
  server_.Stop();
  ASSERT_TRUE(Eventually([&] { return !hb.connected() && !hc.connected(); }));
  EXPECT_EQ((*b)->Verify(other->secret, UnixNow()).problem, security::TokenProblem::kUnavailable) << "closed: no token while away";
  EXPECT_TRUE((*c)->Verify(other->secret, UnixNow()).ok()) << "cached: the index as it was";
  EXPECT_EQ((*c)->Verify(made->secret, UnixNow()).problem, security::TokenProblem::kRevoked);
  EXPECT_FALSE((*a)->Create("checker", "", 60, UnixNow()).ok());
  EXPECT_GE((*b)->counts().refused_unavailable.load(), 1u);
  ASSERT_TRUE(server_.Start());  // an empty Redis: the tokens are gone with it (no persistence here)
  ASSERT_TRUE(Eventually([&] { return hb.connected(); }));
  ASSERT_TRUE(Eventually([&] { return (*b)->Verify(other->secret, UnixNow()).problem == security::TokenProblem::kUnknown; }))
      << "b did not read the index again after reconnecting";
}

security::RateLimitConfig TenPerMinute() {
  security::RateLimitConfig c;
  c.classes[0] = {10, 60'000'000'000, 0};
  c.ban_after = 3;
  c.ban_ns = 3600'000'000'000;
  return c;
}

TEST_F(ClusterStoresTest, ALimitHoldsAcrossInstancesAndABanAppliesOnAll) {
  auto& ha = NewHub("a");
  auto& hb = NewHub("b");
  auto& hc = NewHub("c");
  security::RedisRateLimitStore a(ha, TenPerMinute(), security::RateFailureMode::kLocal);
  security::RedisRateLimitStore b(hb, TenPerMinute(), security::RateFailureMode::kLocal);
  security::RedisRateLimitStore c(hc, TenPerMinute(), security::RateFailureMode::kClosed);
  ha.Start();
  hb.Start();
  hc.Start();
  ASSERT_TRUE(Up(ha) && Up(hb) && Up(hc));
  security::RedisRateLimitStore* all[] = {&a, &b, &c};
  int allowed = 0;
  for (int i = 0; i < 30; ++i) {  // round robin, as nginx sends them; a request every 15 ms
    allowed += all[i % 3]->Check("tok_client", 0, Now()).allowed;
    std::this_thread::sleep_for(15ms);
  }
  // Documented slack: (instances − 1) × the key's requests per instance per sync interval — here
  // at most one each.
  EXPECT_GE(allowed, 10);
  EXPECT_LE(allowed, 12) << "10/min across three instances allowed " << allowed;
  RecordProperty("allowed_of_10", std::to_string(allowed));

  // Three refusals anywhere ban the key everywhere.
  for (int i = 0; i < 3; ++i) a.Check("tok_bad", 0, Now());
  for (int i = 0; i < 12; ++i) a.Check("tok_bad", 0, Now());
  ASSERT_TRUE(Eventually([&] { return b.Check("tok_bad", 0, Now()).banned && c.Check("tok_bad", 0, Now()).banned; }, 500ms))
      << "a ban made on a did not apply on b and c";
  EXPECT_LE(a.redis_counts().round_trips.load(), 15u + 30u) << "more than one round trip per request";

  server_.Stop();
  ASSERT_TRUE(Eventually([&] { return !ha.connected() && !hc.connected(); }));
  EXPECT_TRUE(a.Check("tok_new", 0, Now()).allowed) << "local: the local limiter decides while Redis is away";
  auto refused = c.Check("tok_new", 0, Now());
  EXPECT_FALSE(refused.allowed);
  EXPECT_TRUE(refused.unavailable) << "closed: refused while Redis is away";
  EXPECT_GE(c.redis_counts().refused_while_away.load(), 1u);
  ASSERT_TRUE(server_.Start());
  ASSERT_TRUE(Eventually([&] { return hc.connected(); }));
  EXPECT_TRUE(c.Check("tok_new", 0, Now()).allowed) << "served again once Redis is back";
}

}  // namespace
}  // namespace warden::server
