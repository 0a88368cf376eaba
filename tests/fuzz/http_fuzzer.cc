// The HTTP API's request handling on arbitrary bytes, the way a connection sees them: Beast's
// parser (with the server's header and body limits), the HttpIn built from its result
// (server/http_request.h), routing, every stage of the security chain (a real token store in
// a scratch directory, the real rate limiter, schema validation, RBAC against the built-in
// roles, audit records) and the endpoints, deciding with the built-in default policy. The
// audit-query parser gets the query string of every request on its own.
//
// The first byte picks the set-up: authentication on (the request needs a token it cannot
// guess: the refusal paths) or off with the anonymous role `admin` (every endpoint's body).
// Properties: nothing crashes or hangs; every answer has a known status; a JSON answer is
// JSON, and an error is {"error":{"code","message","field"}}; a token-shaped string in the
// request never comes back in the answer; the redaction prefilter (MayHoldSecret) never skips
// text the patterns would change.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json.hpp>
#include <unistd.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/outcome_json.h"
#include "security/authn/sqlite_token_store.h"
#include "security/ratelimit/rate_limiter.h"
#include "security/stages.h"
#include "server/http_api.h"
#include "server/http_request.h"
#include "server/redact.h"

namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using namespace warden;

std::shared_ptr<const policy::Snapshot> Builtin() {
  static const auto snap = [] {
    std::vector<policy::PolicyText> texts;
    policy::BuiltinProfile("default", &texts);
    return policy::LoadPolicyTexts(texts).snapshot;
  }();
  return snap;
}

class FuzzBackend final : public server::HttpBackend {
 public:
  std::shared_ptr<const policy::Snapshot> Policy() override { return Builtin(); }
  // No audit log here: Decide never sets a gate, so AfterAudit is never asked.
  void AfterAudit(const audit::Ticket&, std::function<void(const Status&)> done) override {
    done(Status::Internal("the fuzz backend queues no audit records"));
  }
  Result<json::object> Decide(policy::Request& req, const policy::RequestPresence& present, const security::Principal&,
                              bool, std::optional<audit::Ticket>*) override {
    if (!present.cwd && req.cwd.empty()) req.cwd = "/";
    if (!present.workspace && req.workspace.empty()) req.workspace = req.cwd;
    if (!present.home) req.home = "/home/fuzz";
    policy::Outcome out = policy::Evaluate(*Builtin(), req);
    json::object o;
    o["decision"] = policy::DecisionName(out.decision);
    o["decision_id"] = "fuzz-1";
    return o;
  }
  // Every audit record must stay one valid JSON object, whatever bytes the request held.
  Status AppendAudit(audit::Record r) override {
    std::string line = "{" + audit::SerializeRecordFields(r) + "}";
    boost::system::error_code ec;
    json::parse(line, ec);
    if (ec) __builtin_trap();
    return Status::Ok();
  }
  json::object StatusJson() override { return json::object{{"policy", json::object{{"revision", "fuzz"}}}}; }
  Result<std::string> Reload(const std::string&) override { return std::string("fuzz"); }
  json::array Approvals() override { return {}; }
  Status AnswerApproval(const std::string&, bool, const std::string&, int64_t, const std::string&) override {
    return Status::NotFound("no such approval");
  }
  Result<json::array> QueryAudit(const server::AuditQuery&) override { return json::array{}; }
  uint64_t SubscribeEvents(std::function<void(const std::string&)>) override { return 1; }
  void UnsubscribeEvents(uint64_t) override {}
};

struct Setup {
  FuzzBackend backend;
  std::unique_ptr<server::HttpApi> with_authn;
  std::unique_ptr<server::HttpApi> anonymous;
};

std::unique_ptr<server::HttpApi> MakeApi(FuzzBackend* b, std::shared_ptr<security::TokenStore> tokens, bool authn) {
  security::RateLimitConfig rl;
  rl.classes[0].count = rl.classes[1].count = rl.classes[2].count = 1'000'000'000;  // never limit: reach the endpoints
  auto limiter = std::make_shared<security::RateLimiter>(rl);
  std::vector<std::unique_ptr<security::Stage>> stages;
  if (authn) stages.push_back(std::make_unique<security::AuthnStage>(tokens, limiter));
  stages.push_back(std::make_unique<security::RateLimitStage>(limiter));
  stages.push_back(std::make_unique<security::ValidateStage>());
  stages.push_back(std::make_unique<security::AuthzStage>([] { return Builtin(); }));
  stages.push_back(std::make_unique<security::AuditStage>([b](audit::Record r) { return b->AppendAudit(std::move(r)); }));
  server::HttpApiOptions o;
  o.stages.authn = authn;
  if (!authn) o.anonymous_role = "admin";
  return std::make_unique<server::HttpApi>(b, security::Chain(std::move(stages)), o, tokens,
                                           std::make_shared<server::HttpMetrics>());
}

Setup& TheSetup() {
  static Setup* s = [] {
    auto* setup = new Setup();
    char dir[] = "/tmp/warden-http-fuzz.XXXXXX";
    std::shared_ptr<security::TokenStore> tokens;
    if (mkdtemp(dir)) {
      auto opened = security::SqliteTokenStore::Open(dir);
      if (opened.ok()) tokens = *opened;
    }
    setup->with_authn = MakeApi(&setup->backend, tokens, true);
    setup->anonymous = MakeApi(&setup->backend, tokens, false);
    return setup;
  }();
  return *s;
}

bool KnownStatus(int s) {
  switch (s) {
    case 200: case 201: case 400: case 401: case 403: case 404: case 405: case 409: case 413: case 422:
    case 429: case 431: case 500: case 503:
      return true;
    default:
      return false;
  }
}

void CheckAnswer(const server::HttpOut& out, std::string_view input) {
  if (!KnownStatus(out.status)) __builtin_trap();
  if (out.content_type == "application/json" && !out.event_stream) {
    boost::system::error_code ec;
    json::value v = json::parse(out.body, ec);
    if (ec) __builtin_trap();
    if (out.status >= 400) {
      // An error object, or (403 from /v1/authz) the decision that refused.
      const json::object* o = v.if_object();
      const json::value* e = o ? o->if_contains("error") : nullptr;
      bool error_shape = e && e->is_object() && e->get_object().contains("code") && e->get_object().contains("message");
      bool decision_shape = out.status == 403 && o && o->contains("decision");
      if (!error_shape && !decision_shape) __builtin_trap();
    }
  }
  // A secret the client sent must not be echoed (wdn_ + 43 base64url characters).
  for (size_t at = input.find("wdn_"); at != std::string_view::npos; at = input.find("wdn_", at + 1)) {
    std::string_view token = input.substr(at, security::kTokenLength);
    if (token.size() != security::kTokenLength) break;
    bool shaped = true;
    for (char c : token.substr(4)) shaped &= std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    if (shaped && out.body.find(token) != std::string::npos) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Setup& setup = TheSetup();
  const server::HttpApi& api = (data[0] & 1) ? *setup.anonymous : *setup.with_authn;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  // The redaction prefilter never skips text a pattern would have redacted.
  if (!server::MayHoldSecret(input) && server::RedactSecrets(input) != input) __builtin_trap();

  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < input.size() && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // the transport answers 400/413/431 and closes: nothing reaches the API
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) return 0;
  const auto& req = parser.get();
  server::HttpIn in = server::ToHttpIn(req, "127.0.0.1");
  CheckAnswer(api.Handle(in), input);

  std::string_view target = in.target;
  size_t q = target.find('?');
  if (q != std::string_view::npos) (void)server::ParseAuditQuery(target.substr(q + 1), 1'700'000'000'000'000);
  return 0;
}
