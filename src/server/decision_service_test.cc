// The decision service with the local stores: a decision is audited and published once; an ask
// a client waits on is listed, answered through AnswerApproval (as both transports do), audited
// again and delivered; a remembered approval turns the same ask into an allow; a reload that
// fails keeps the running policy.
#include "server/decision_service.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace warden::server {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kPolicy =
    "version: 1\nrules:\n"
    "  - id: ask-deploy\n    kind: exec\n    match: {command: deploy}\n    decision: ask\n    reason: deploys need a person\n"
    "  - id: no-make\n    kind: exec\n    match: {command: make}\n    decision: deny\n    reason: no make here\n";

class DecisionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("warden-decision-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
    fs::create_directories(dir_ / "state");
    fs::permissions(dir_ / "state", fs::perms::owner_all, fs::perm_options::replace);
    policy_file_ = (dir_ / "policy.yaml").string();
    std::ofstream(policy_file_) << kPolicy;
    PolicyStoreOptions po;
    po.policy_files = {policy_file_};
    po.user_layer = false;
    po.repository_layer = false;
    po.home = (dir_ / "home").string();
    po.state_dir = (dir_ / "state").string();
    policy_ = std::make_unique<PolicyStore>(po, [](const std::string&) {});
    ASSERT_TRUE(policy_->Load().ok());
    AuditLogOptions ao;
    ao.state_dir = (dir_ / "state").string();
    ao.always = true;
    auto audit = AuditLog::Open(ao, [](const std::string&) {});
    ASSERT_TRUE(audit.ok()) << audit.status().message();
    audit_ = std::move(*audit);
    approvals_ = std::make_unique<LocalApprovalQueue>(io_);
    DecisionServiceOptions so;
    so.home = po.home;
    so.instance_id = "test";
    service_ = std::make_unique<DecisionService>(so, *policy_, audit_.get(), bus_, *approvals_,
                                                 [] { return json::object{{"status", "ok"}}; });
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    io_thread_.join();
    (void)audit_->Close();
    fs::remove_all(dir_);
  }

  policy::Request Exec(const std::string& command) {
    policy::Request r;
    r.kind = policy::RequestKind::kExec;
    r.command = command;
    r.cwd = (dir_ / "home").string();
    return r;
  }
  Result<json::object> Decide(const std::string& command) {
    policy::Request r = Exec(command);
    policy::RequestPresence present;
    present.cwd = true;
    return service_->Decide(r, present, std::string(), 77);
  }
  size_t Records() {
    AuditQuery q;
    q.limit = 1000;
    auto r = service_->QueryAudit(q);
    return r.ok() ? r->size() : 0;
  }

  fs::path dir_;
  std::string policy_file_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread io_thread_;
  std::unique_ptr<PolicyStore> policy_;
  std::unique_ptr<AuditLog> audit_;
  LocalEventBus bus_;
  std::unique_ptr<LocalApprovalQueue> approvals_;
  std::unique_ptr<DecisionService> service_;
};

TEST_F(DecisionServiceTest, ADecisionIsAuditedAndPublishedOnce) {
  std::mutex mu;
  std::vector<std::string> events;
  bus_.Subscribe(EventBus::Via::kSocket, [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
  });
  auto d = Decide("make all");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->at("decision").as_string(), "deny");
  EXPECT_EQ(d->at("rule").as_string(), "no-make");
  EXPECT_EQ(std::string(d->at("decision_id").as_string()).rfind("test-", 0), 0u);
  EXPECT_EQ(Records(), 1u);
  std::lock_guard<std::mutex> l(mu);
  ASSERT_EQ(events.size(), 1u);
  auto ev = json::parse(events[0]).as_object();
  EXPECT_EQ(ev.at("event").as_string(), "decision");
  EXPECT_EQ(ev.at("pid").to_number<int>(), 77);
  EXPECT_EQ(service_->counts().deny.load(), 1u);
}

TEST_F(DecisionServiceTest, AnAskIsAnsweredThroughTheServiceAndDelivered) {
  auto d = Decide("deploy prod");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->at("decision").as_string(), "ask");
  std::mutex mu;
  std::optional<Result<json::object>> got;
  json::object interim = service_->Ask(Exec("deploy prod"), *d, 77, 60'000, [&](Result<json::object> r) {
    std::lock_guard<std::mutex> l(mu);
    got = std::move(r);
  });
  EXPECT_TRUE(interim.at("pending").as_bool());
  std::string id(interim.at("approval_id").as_string());
  json::array list = service_->Approvals();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("approval_id").as_string(), id);

  EXPECT_EQ(service_->AnswerApproval("a999", true, "", 0, "test").code(), Status::Code::kNotFound);
  ASSERT_TRUE(service_->AnswerApproval(id, true, "", 600, "token tok_1").ok());
  std::lock_guard<std::mutex> l(mu);
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->ok());
  EXPECT_EQ((*got)->at("decision").as_string(), "allow");
  EXPECT_NE(std::string((*got)->at("reason").as_string()).find("token tok_1"), std::string::npos);
  EXPECT_EQ((*got)->at("decision_id").as_string(), std::string(d->at("decision_id").as_string()) + "/" + id);
  EXPECT_EQ(Records(), 2u) << "the ask and its answer each have a record";
  EXPECT_TRUE(service_->Approvals().empty());

  auto again = Decide("deploy prod");  // remembered for 600 s
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->at("decision").as_string(), "allow");
  EXPECT_EQ(again->at("approval").as_string(), "remembered");
  auto other = Decide("deploy staging");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->at("decision").as_string(), "ask");
}

TEST_F(DecisionServiceTest, ADenyAnswerIsDeliveredWithItsReason) {
  auto d = Decide("deploy prod");
  ASSERT_TRUE(d.ok());
  std::mutex mu;
  std::optional<Result<json::object>> got;
  json::object interim = service_->Ask(Exec("deploy prod"), *d, 77, 60'000, [&](Result<json::object> r) {
    std::lock_guard<std::mutex> l(mu);
    got = std::move(r);
  });
  ASSERT_TRUE(service_->AnswerApproval(std::string(interim.at("approval_id").as_string()), false, "not today", 600, "pid 1").ok());
  std::lock_guard<std::mutex> l(mu);
  ASSERT_TRUE(got.has_value() && got->ok());
  EXPECT_EQ((*got)->at("decision").as_string(), "deny");
  EXPECT_NE(std::string((*got)->at("reason").as_string()).find("not today"), std::string::npos);
  EXPECT_EQ(Decide("deploy prod")->at("decision").as_string(), "ask") << "a deny was remembered";
}

TEST_F(DecisionServiceTest, AReloadThatFailsKeepsTheRunningPolicy) {
  std::string before = policy_->Base()->revision;
  std::ofstream(policy_file_) << "version: 1\nrules: [\n";
  auto r = service_->Reload("test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("still serving " + before), std::string::npos) << r.status().message();
  EXPECT_EQ(policy_->Base()->revision, before);
  EXPECT_EQ(Decide("make")->at("decision").as_string(), "deny");
  EXPECT_EQ(policy_->failed_reloads(), 1u);
  std::ofstream(policy_file_) << "version: 1\nrules: []\n";
  auto ok = service_->Reload("test");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_NE(*ok, before);
}

}  // namespace
}  // namespace warden::server
