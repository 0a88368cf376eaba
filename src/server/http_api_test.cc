// HttpApi driven with plain structs: routing, errors, the chain around endpoints. The backend
// is a small fake (unit level); tests/e2e/http_test.sh runs the real daemon.
#include "server/http_api.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "security/stages.h"

namespace warden::server {
namespace {

namespace json = boost::json;

class FakeBackend : public HttpBackend {
 public:
  void AfterAudit(const audit::Ticket&, std::function<void(const Status&)> done) override {
    done(Status::Internal("the fake backend queues no audit records"));
  }
  std::shared_ptr<const policy::Snapshot> Policy() override { return ready ? std::make_shared<policy::Snapshot>() : nullptr; }
  Result<json::object> Decide(policy::Request& req, const policy::RequestPresence&, const security::Principal& who,
                              bool audit, std::optional<audit::Ticket>* = nullptr) override {
    // Never sets a gate: the fake writes no audit log.
    last = req;
    last_audit = audit;
    if (fail_audit) return Status::Internal("the decision could not be written to the audit log: disk full");
    last_subject = who.id;
    json::object o;
    o["decision"] = req.kind == policy::RequestKind::kHttp && req.http.method == "DELETE" ? "deny" : "allow";
    o["decision_id"] = "d-1";
    return o;
  }
  Status AppendAudit(audit::Record r) override {
    audited.push_back(std::move(r));
    return Status::Ok();
  }
  json::object StatusJson() override { return json::object{{"policy", json::object{{"revision", "r1"}}}}; }
  Result<std::string> Reload(const std::string&) override { return std::string("r2"); }
  json::array Approvals() override { return {}; }
  Status AnswerApproval(const std::string&, bool, const std::string&, int64_t, const std::string&) override {
    return Status::NotFound("no such approval");
  }
  Result<json::array> QueryAudit(const AuditQuery& q) override {
    last_query = q;
    return json::array{};
  }
  uint64_t SubscribeEvents(std::function<void(const std::string&)>) override { return 1; }
  void UnsubscribeEvents(uint64_t) override {}

  bool ready = true;
  policy::Request last;
  std::string last_subject;
  bool last_audit = false;
  bool fail_audit = false;
  AuditQuery last_query;
  std::vector<audit::Record> audited;
};

HttpApi Api(FakeBackend* b, HttpApiOptions o = {}) {
  std::vector<std::unique_ptr<security::Stage>> stages;
  stages.push_back(std::make_unique<security::ValidateStage>());
  stages.push_back(std::make_unique<security::AuditStage>([b](audit::Record r) { return b->AppendAudit(std::move(r)); }));
  return HttpApi(b, security::Chain(std::move(stages)), o, nullptr, std::make_shared<HttpMetrics>());
}

HttpOut Call(const HttpApi& api, std::string_view method, std::string_view target, std::string_view body = {}) {
  HttpIn in;
  in.method = method;
  in.target = target;
  in.body = body;
  in.client_address = "127.0.0.1";
  return api.Handle(in);
}

TEST(HttpApiTest, RoutesAndTheirErrors) {
  FakeBackend b;
  HttpApi api = Api(&b);
  EXPECT_EQ(Call(api, "GET", "/healthz").status, 200);
  EXPECT_EQ(Call(api, "GET", "/readyz").status, 200);
  b.ready = false;
  EXPECT_EQ(Call(api, "GET", "/readyz").status, 503);
  HttpOut nf = Call(api, "GET", "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(json::parse(nf.body).at("error").at("code").as_string(), "not-found");
  EXPECT_EQ(Call(api, "GET", "/v1/check").status, 405);
  EXPECT_EQ(Call(api, "DELETE", "/healthz").status, 405);
}

TEST(HttpApiTest, CheckDecidesAsAServiceAndNamesBadFields) {
  FakeBackend b;
  HttpApi api = Api(&b);
  HttpOut ok = Call(api, "POST", "/v1/check", R"({"kind":"exec","command":"ls"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(b.last.command, "ls");
  EXPECT_EQ(b.last.context, policy::Context::kService);
  EXPECT_TRUE(b.audited.empty());  // the decision audits itself; no second record
  HttpOut bad = Call(api, "POST", "/v1/check", R"({"kind":"exec","command":"ls",})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("at byte"), std::string::npos);
  HttpOut field = Call(api, "POST", "/v1/check", R"({"kind":"exec","context":"robot"})");
  EXPECT_EQ(field.status, 422);
  EXPECT_EQ(json::parse(field.body).at("error").at("field").as_string(), "/context");
  EXPECT_EQ(b.audited.size(), 2u);  // refusals are audited
  EXPECT_EQ(b.audited.back().decision, "deny");
  EXPECT_EQ(*b.audited.back().rule, "http.validate");
}

TEST(HttpApiTest, BatchIsReadWholeBeforeAnythingIsDecided) {
  FakeBackend b;
  HttpApi api = Api(&b);
  HttpOut ok = Call(api, "POST", "/v1/check/batch", R"({"requests":[{"kind":"exec","command":"a"},{"kind":"exec","command":"b"}]})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body).at("results").as_array().size(), 2u);
  b.last.command.clear();
  HttpOut bad = Call(api, "POST", "/v1/check/batch", R"({"requests":[{"kind":"exec","command":"a"},{"kind":"file"}]})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body).at("error").at("field").as_string(), "/requests/1");
  EXPECT_EQ(b.last.command, "");  // nothing of it was decided
}

TEST(HttpApiTest, AuthzTakesTheOriginalRequestFromNginxOrEnvoy) {
  FakeBackend b;
  HttpApi api = Api(&b);
  HttpIn in;
  in.method = "GET";
  in.target = "/v1/authz";
  in.original_method = "DELETE";
  in.original_uri = "/api/users/7?x=1";
  HttpOut nginx = api.Handle(in);
  EXPECT_EQ(nginx.status, 403);
  EXPECT_EQ(b.last.http.method, "DELETE");
  EXPECT_EQ(b.last.http.path, "/api/users/7");
  HttpOut envoy = Call(api, "GET", "/v1/authz/api/docs");
  EXPECT_EQ(envoy.status, 200);
  EXPECT_EQ(b.last.http.path, "/api/docs");
  EXPECT_EQ(Call(api, "GET", "/v1/authz").status, 200);
  EXPECT_EQ(b.last.http.path, "/");
}

TEST(HttpApiTest, ServerTimingOnRequest) {
  FakeBackend b;
  HttpApi api = Api(&b);
  HttpIn in;
  in.method = "POST";
  in.target = "/v1/check";
  in.body = R"({"kind":"exec","command":"ls"})";
  in.want_timing = true;
  HttpOut out = api.Handle(in);
  std::string timing;
  for (auto& [k, v] : out.headers) {
    if (k == "Server-Timing") timing = v;
  }
  EXPECT_NE(timing.find("validate;dur="), std::string::npos) << timing;
  EXPECT_NE(timing.find("total;dur="), std::string::npos) << timing;
}

TEST(HttpApiTest, AuditStageOffMeansDecisionsAreNotAudited) {
  FakeBackend b;
  HttpApiOptions o;
  ASSERT_EQ(Call(Api(&b, o), "POST", "/v1/check", R"({"kind":"exec","command":"ls"})").status, 200);
  EXPECT_TRUE(b.last_audit);
  o.stages.audit = false;
  ASSERT_EQ(Call(Api(&b, o), "POST", "/v1/check", R"({"kind":"exec","command":"ls"})").status, 200);
  EXPECT_FALSE(b.last_audit);
}

TEST(HttpApiTest, ADecisionThatCouldNotBeAuditedIsNeverAnswered) {
  FakeBackend b;
  b.fail_audit = true;
  HttpApi api = Api(&b);
  HttpOut out = Call(api, "POST", "/v1/check", R"({"kind":"exec","command":"ls"})");
  EXPECT_EQ(out.status, 500);
  EXPECT_EQ(json::parse(out.body).at("error").at("code").as_string(), "internal");
  EXPECT_EQ(out.body.find("\"decision\""), std::string::npos);
  HttpIn in;
  in.method = "GET";
  in.target = "/v1/authz/api/docs";
  HttpOut authz = api.Handle(in);
  EXPECT_EQ(authz.status, 500);  // a gateway refuses on 500: never an allow
}

TEST(HttpApiTest, AuditQueryParameters) {
  const int64_t now = 1'700'000'000'000'000;
  auto q = ParseAuditQuery("since=2023-11-14T00:00:00Z&decision=deny&rule=a%20b&kind=exec&limit=7", now);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(*q->filter.decision, "deny");
  EXPECT_EQ(*q->filter.rule, "a b");
  EXPECT_EQ(*q->filter.kind, "exec");
  EXPECT_EQ(q->limit, 7u);
  auto plus = ParseAuditQuery("rule=a+b", now);
  ASSERT_TRUE(plus.ok()) << plus.status().message();
  EXPECT_EQ(plus->filter.rule, "a b");
  auto empty = ParseAuditQuery("", now);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->limit, 100u);
  for (std::string_view bad : {"limit=0", "limit=1001", "limit=x", "decision=maybe", "since=yesterday", "color=red",
                               "limit=5&limit=6", "rule=%zz"}) {
    auto r = ParseAuditQuery(bad, now);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(ParseAuditQuery("color=red", now).status().message().find("unknown parameter \"color\""), std::string::npos);
  // A view that is not NUL-terminated is read to its length, not beyond.
  std::string padded = "limit=5XXXX";
  auto cut = ParseAuditQuery(std::string_view(padded).substr(0, 7), now);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_EQ(cut->limit, 5u);
}

TEST(HttpApiTest, AuditEndpointRefusesBadQueriesBeforeTheBackend) {
  FakeBackend b;
  HttpApi api = Api(&b);
  HttpOut bad = Call(api, "GET", "/v1/audit?limit=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body).at("error").at("code").as_string(), "bad-query");
  HttpOut ok = Call(api, "GET", "/v1/audit?decision=ask&limit=3");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(b.last_query.limit, 3u);
}

}  // namespace
}  // namespace warden::server
