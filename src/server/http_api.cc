#include "server/http_api.h"

#include <boost/json.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <chrono>
#include <cstdlib>
#include <set>

#include "core/json_text.h"
#include "core/strings.h"
#include "policy/http_target.h"
#include "security/schema.h"
#include "security/stages.h"
#include "server/http_tokens.h"
#include "server/redact.h"

namespace warden::server {

namespace json = boost::json;
using security::Endpoint;
using security::Exchange;
using security::RateClass;
using security::Schema;
using security::StageStatus;
using Type = Schema::Type;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- schemas ------------------------------------------------------------------------------

const Schema kShortString{.type = Type::kString, .min_length = 1, .max_length = 1024};
const Schema kText{.type = Type::kString, .max_length = 1 << 20};
const Schema kAnyValue{};
const Schema kStringList{.type = Type::kArray, .items = &kText, .max_items = 4096};
const Schema kResource{.type = Type::kObject, .properties = {{"type", &kShortString, true}, {"id", &kShortString}}};
const Schema kKind{.type = Type::kString, .enum_values = {"exec", "file", "mcp", "http", "action"}};
const Schema kContext{.type = Type::kString, .enum_values = {"ai", "human", "service"}};
const Schema kFileOp{.type = Type::kString, .enum_values = {"read", "write", "delete", "exec"}};
// The request JSON of docs/POLICY.md; the policy's request reader checks the rest (which
// fields each kind needs, URL syntax) and names the field too.
const Schema kRequest{.type = Type::kObject,
                      .properties = {{"kind", &kKind, true},
                                     {"context", &kContext},
                                     {"command", &kText},
                                     {"argv", &kStringList},
                                     {"cwd", &kText},
                                     {"workspace", &kText},
                                     {"home", &kText},
                                     {"op", &kFileOp},
                                     {"path", &kText},
                                     {"subject", &kShortString},
                                     {"action", &kShortString},
                                     {"resource", &kResource},
                                     {"method", &kShortString},
                                     {"url", &kText},
                                     {"server", &kShortString},
                                     {"tool", &kShortString},
                                     {"arguments", &kAnyValue}}};
const Schema kRequests{.type = Type::kArray, .items = &kRequest, .min_items = 1, .max_items = 100};
const Schema kBatchBody{.type = Type::kObject, .properties = {{"requests", &kRequests, true}}};
const Schema kRole{.type = Type::kString, .min_length = 1, .max_length = 64};
const Schema kTtl{.type = Type::kString, .min_length = 1, .max_length = 32};
const Schema kTokenCreate{.type = Type::kObject,
                          .properties = {{"role", &kRole, true}, {"name", &kShortString}, {"ttl", &kTtl}}};
const Schema kVerdict{.type = Type::kString, .enum_values = {"allow", "deny"}};
const Schema kReason{.type = Type::kString, .max_length = 1024};
const Schema kRemember{.type = Type::kInteger, .minimum = 0, .maximum = 24 * 3600};
const Schema kApprovalAnswer{.type = Type::kObject,
                             .properties = {{"decision", &kVerdict, true}, {"reason", &kReason}, {"remember_s", &kRemember}}};

// ---- endpoints ----------------------------------------------------------------------------

enum class Handler { kHealth, kReady, kMetrics, kCheck, kBatch, kAuthz, kTokens, kPolicy, kApprovals, kAudit, kEvents };

}  // namespace

struct HttpApi::Route {
  std::string_view method;  // "" = any
  std::string_view path;
  bool prefix;              // path is a prefix ("/v1/authz" also serves "/v1/authz/…")
  Handler handler;
  Endpoint endpoint;
  size_t metrics_index = 0;
};

namespace {

using Route = HttpApi::Route;

std::vector<HttpApi::Route>& Routes() {
  static std::vector<HttpApi::Route> routes = {
      {"GET", "/healthz", false, Handler::kHealth, {.name = "healthz", .rate_class = RateClass::kNone, .anonymous = true}},
      {"GET", "/readyz", false, Handler::kReady, {.name = "readyz", .rate_class = RateClass::kNone, .anonymous = true}},
      {"GET", "/metrics", false, Handler::kMetrics, {.name = "metrics", .permission_type = "api", .permission_action = "metrics"}},
      {"POST", "/v1/check", false, Handler::kCheck,
       {.name = "check", .permission_type = "api", .permission_action = "check", .json_body = true, .schema = &kRequest}},
      {"POST", "/v1/check/batch", false, Handler::kBatch,
       {.name = "check.batch", .permission_type = "api", .permission_action = "check", .rate_class = RateClass::kExpensive,
        .json_body = true, .schema = &kBatchBody}},
      {"", "/v1/authz", true, Handler::kAuthz, {.name = "authz", .permission_type = "api", .permission_action = "authz"}},
      {"GET", "/v1/tokens", false, Handler::kTokens, {.name = "tokens.list", .permission_type = "admin", .permission_action = "tokens"}},
      {"POST", "/v1/tokens", false, Handler::kTokens,
       {.name = "tokens.create", .permission_type = "admin", .permission_action = "tokens", .json_body = true, .schema = &kTokenCreate}},
      {"DELETE", "/v1/tokens/", true, Handler::kTokens,
       {.name = "tokens.revoke", .permission_type = "admin", .permission_action = "tokens"}},
      {"GET", "/v1/policy", false, Handler::kPolicy, {.name = "policy", .permission_type = "admin", .permission_action = "policy"}},
      {"POST", "/v1/policy/reload", false, Handler::kPolicy,
       {.name = "policy.reload", .permission_type = "admin", .permission_action = "policy", .rate_class = RateClass::kExpensive}},
      {"GET", "/v1/approvals", false, Handler::kApprovals,
       {.name = "approvals", .permission_type = "admin", .permission_action = "approvals"}},
      {"POST", "/v1/approvals/", true, Handler::kApprovals,
       {.name = "approvals.answer", .permission_type = "admin", .permission_action = "approvals", .json_body = true,
        .schema = &kApprovalAnswer}},
      {"GET", "/v1/audit", false, Handler::kAudit,
       {.name = "audit", .permission_type = "admin", .permission_action = "audit", .rate_class = RateClass::kExpensive}},
      {"GET", "/v1/events", false, Handler::kEvents, {.name = "events", .permission_type = "admin", .permission_action = "events"}},
  };
  return routes;
}

std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

bool PathMatches(const Route& r, std::string_view path) {
  if (!r.prefix) return path == r.path;
  if (path.substr(0, r.path.size()) != r.path) return false;
  if (r.path.back() == '/') return path.size() > r.path.size();  // "/v1/tokens/ID"
  return path.size() == r.path.size() || path[r.path.size()] == '/';
}

void Json(HttpOut* out, int status, const json::value& v) {
  out->status = status;
  out->body = JsonText(v);
}

void Error(HttpOut* out, int status, std::string_view code, std::string_view message, std::string_view field = {}) {
  out->status = status;
  out->body = ErrorBody(code, message, field);
}

}  // namespace

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field) {
  // Messages quote what the client sent (a path, a method): Printable keeps the body valid
  // UTF-8 JSON whatever bytes those were.
  json::object e;
  e["code"] = code;
  e["message"] = Printable(RedactSecrets(message), 2048);
  e["field"] = field.empty() ? json::value(nullptr) : json::value(Printable(field, 256));
  json::object o;
  o["error"] = std::move(e);
  return JsonText(o);
}

HttpApi::HttpApi(HttpBackend* backend, security::Chain chain, HttpApiOptions options,
                 std::shared_ptr<security::TokenStore> tokens, std::shared_ptr<HttpMetrics> metrics)
    : backend_(backend), chain_(std::move(chain)), opt_(std::move(options)), tokens_(std::move(tokens)), metrics_(std::move(metrics)) {
  // Every HttpApi registers the same endpoints in the same order: the indexes agree.
  for (auto& r : Routes()) r.metrics_index = metrics_->AddEndpoint(r.endpoint.name);
  std::vector<std::string> names;
  for (size_t i = 0; i < chain_.size(); ++i) names.emplace_back(chain_.name(i));
  metrics_->SetStages(std::move(names));
}

HttpOut HttpApi::Handle(const HttpIn& in) const {
  int64_t start = NowNs();
  HttpOut out;
  std::string_view path = PathOf(in.target);
  const Route* route = nullptr;
  bool path_known = false;
  for (const auto& r : Routes()) {
    if (!PathMatches(r, path)) continue;
    path_known = true;
    if (r.method.empty() || r.method == in.method || (r.method == "GET" && in.method == "HEAD")) {
      route = &r;
      break;
    }
  }
  if (!route) {
    if (path_known) {
      Error(&out, 405, "method-not-allowed", std::string(in.method.substr(0, 16)) + " is not served on " + std::string(path.substr(0, 256)));
    } else {
      Error(&out, 404, "not-found", "no endpoint " + std::string(path.substr(0, 256)) + " (see docs/API.md)");
    }
    metrics_->CountRequest(HttpMetrics::kMaxEndpoints, out.status);
    return out;
  }
  if (route->handler == Handler::kHealth) {
    out.body = R"({"status":"ok"})";
    metrics_->CountRequest(route->metrics_index, 200);
    return out;
  }
  if (route->handler == Handler::kReady) {
    std::string why = backend_->Policy() != nullptr ? backend_->NotReady() : std::string("loading");
    out.status = why.empty() ? 200 : 503;
    out.body = why.empty() ? R"({"status":"ready"})" : R"({"status":")" + why + R"("})";
    metrics_->CountRequest(route->metrics_index, out.status);
    return out;
  }

  Exchange ex;
  ex.method = in.method;
  ex.target = in.target;
  ex.body = in.body;
  ex.authorization = in.authorization;
  ex.client_address = in.client_address;
  ex.endpoint = &route->endpoint;
  ex.now_ns = start;
  if (!opt_.stages.authn && !opt_.anonymous_role.empty()) {
    ex.principal.role = opt_.anonymous_role;
    ex.principal.method = "anonymous";
  }
  if (chain_.Run(ex) == StageStatus::kContinue) {
    Serve(*route, ex, in, &out);
  } else {
    Error(&out, ex.error.status, ex.error.code, ex.error.message, ex.error.field);
  }
  ex.status = out.status;
  for (auto& h : ex.headers) out.headers.push_back(std::move(h));
  chain_.Finish(ex);
  int64_t total = NowNs() - start;
  if (in.want_timing || opt_.timing_always) out.headers.emplace_back("Server-Timing", chain_.ServerTiming(ex, total));
  for (size_t i = 0; i < chain_.size(); ++i) {
    if (i < ex.stages_run || ex.stage_ns[i] > 0) metrics_->ObserveStage(i, ex.stage_ns[i]);
  }
  metrics_->ObserveRequest(total);
  metrics_->CountRequest(route->metrics_index, out.status);
  return out;
}

void HttpApi::Serve(const Route& route, Exchange& ex, const HttpIn& in, HttpOut* out) const {
  std::string_view path = PathOf(in.target);
  switch (route.handler) {
    case Handler::kHealth:
    case Handler::kReady: break;
    case Handler::kMetrics: return Metrics(out);
    case Handler::kCheck: return Check(ex, out);
    case Handler::kBatch: return Batch(ex, out);
    case Handler::kAuthz: return Authz(ex, in, out);
    case Handler::kTokens: return Tokens(ex, path.substr(std::min(path.size(), std::string_view("/v1/tokens").size())), out);
    case Handler::kPolicy: return Policy(ex, path.substr(std::string_view("/v1/policy").size()), out);
    case Handler::kApprovals: return Approvals(ex, path.substr(std::string_view("/v1/approvals").size()), out);
    case Handler::kAudit: return Audit(ex, out);
    case Handler::kEvents:
      out->event_stream = true;
      out->content_type = "text/event-stream";
      return;
  }
}

void HttpApi::Metrics(HttpOut* out) const {
  auto text = metrics_->Serialize();
  if (!text.ok()) return Error(out, 500, "metrics-unavailable", text.status().message());
  out->content_type = "text/plain; version=0.0.4";
  out->body = std::move(text).value();
}

namespace {

// A request from the API is a service's unless it says otherwise; where it happens is "/"
// unless it says (the daemon's own directory means nothing to a remote caller).
void PlaceRequest(policy::Request* req, const policy::RequestPresence& present) {
  if (!present.context) req->context = policy::Context::kService;
  if (!present.cwd) req->cwd = "/";
  if (!present.workspace) req->workspace = req->cwd;
}

}  // namespace

void HttpApi::AfterAudit(HttpOut out, std::function<void(HttpOut)> done) const {
  audit::Ticket ticket = *out.audit_gate;
  out.audit_gate.reset();
  backend_->AfterAudit(ticket, [out = std::move(out), done = std::move(done)](const Status& s) mutable {
    if (!s.ok()) {
      HttpOut failed;
      Error(&failed, 500, "internal", "the decision could not be written to the audit log: " + s.message());
      return done(std::move(failed));
    }
    done(std::move(out));
  });
}

void HttpApi::Check(Exchange& ex, HttpOut* out) const {
  if (!security::ParseJsonBody(ex)) return Error(out, ex.error.status, ex.error.code, ex.error.message);
  policy::RequestPresence present;
  auto req = policy::ParseRequestValue(ex.json, &present);
  if (!req.ok()) return Error(out, 422, "invalid-request", req.status().message());
  PlaceRequest(&*req, present);
  auto decided = backend_->Decide(*req, present, ex.principal, opt_.stages.audit, &out->audit_gate);
  ex.decision_audited = true;
  if (!decided.ok()) return Error(out, 500, "internal", decided.status().message());
  metrics_->CountDecision(std::string_view((*decided)["decision"].as_string()));
  Json(out, 200, *decided);
}

void HttpApi::Batch(Exchange& ex, HttpOut* out) const {
  if (!security::ParseJsonBody(ex)) return Error(out, ex.error.status, ex.error.code, ex.error.message);
  const json::value* list = ex.json.is_object() ? ex.json.get_object().if_contains("requests") : nullptr;
  if (!list || !list->is_array()) return Error(out, 422, "invalid-field", "/requests must be an array of requests", "/requests");
  if (list->get_array().size() > opt_.max_batch) {
    return Error(out, 422, "invalid-field", "/requests holds more than " + std::to_string(opt_.max_batch) + " requests", "/requests");
  }
  // Every request is read before any is decided: a batch is refused whole, never half-done.
  std::vector<std::pair<policy::Request, policy::RequestPresence>> reqs;
  for (size_t i = 0; i < list->get_array().size(); ++i) {
    policy::RequestPresence present;
    auto req = policy::ParseRequestValue(list->get_array()[i], &present);
    std::string field = "/requests/" + std::to_string(i);
    if (!req.ok()) return Error(out, 422, "invalid-request", field + ": " + req.status().message(), field);
    PlaceRequest(&*req, present);
    reqs.emplace_back(std::move(req).value(), present);
  }
  json::array results;
  for (auto& [req, present] : reqs) {
    // Records are acknowledged in seq order: the last one's gate covers the whole batch.
    auto decided = backend_->Decide(req, present, ex.principal, opt_.stages.audit, &out->audit_gate);
    if (!decided.ok()) {
      out->audit_gate.reset();
      return Error(out, 500, "internal", decided.status().message());
    }
    metrics_->CountDecision(std::string_view((*decided)["decision"].as_string()));
    results.push_back(std::move(decided).value());
  }
  ex.decision_audited = true;
  json::object o;
  o["results"] = std::move(results);
  Json(out, 200, o);
}

// nginx auth_request sends the original request's method and URI in headers it is configured
// to set; Envoy ext_authz (HTTP mode) forwards the request itself under a path prefix.
void HttpApi::Authz(Exchange& ex, const HttpIn& in, HttpOut* out) const {
  std::string method(in.original_method.empty() ? in.method : in.original_method);
  std::string uri;
  if (!in.original_uri.empty()) {
    uri = std::string(in.original_uri);
  } else {
    std::string_view rest = in.target.substr(std::string_view("/v1/authz").size());
    uri = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  }
  auto target = policy::ParseHttpPath(uri, "the original URI");
  if (!target.ok()) return Error(out, 400, "bad-original-uri", target.status().message());
  if (Status s = policy::CheckHttpMethod(method, "the original method"); !s.ok()) {
    return Error(out, 400, "bad-original-method", s.message());
  }
  policy::Request req;
  req.kind = policy::RequestKind::kHttp;
  req.context = policy::Context::kService;
  req.http = std::move(target).value();
  req.http.method = method;
  req.cwd = "/";
  req.workspace = "/";
  policy::RequestPresence present;
  auto decided = backend_->Decide(req, present, ex.principal, opt_.stages.audit, &out->audit_gate);
  ex.decision_audited = true;
  if (!decided.ok()) return Error(out, 500, "internal", decided.status().message());
  std::string_view decision((*decided)["decision"].as_string());
  metrics_->CountDecision(decision);
  out->headers.emplace_back("Warden-Decision", std::string(decision));
  out->headers.emplace_back("Warden-Decision-Id", std::string((*decided)["decision_id"].as_string()));
  if (ex.principal.authenticated) out->headers.emplace_back("Warden-Subject", ex.principal.id);
  if (decision == "allow") return Json(out, 200, *decided);
  // No person answers for a service: an ask is a refusal here, and says so.
  Json(out, 403, *decided);
}

void HttpApi::Policy(Exchange& ex, std::string_view rest, HttpOut* out) const {
  (void)ex;
  if (rest == "/reload") {
    auto r = backend_->Reload("requested over HTTP");
    if (!r.ok()) return Error(out, 409, "policy-error", r.status().message());
    json::object o;
    o["revision"] = *r;
    return Json(out, 200, o);
  }
  json::object status = backend_->StatusJson();
  Json(out, 200, status["policy"]);
}

void HttpApi::Approvals(Exchange& ex, std::string_view rest, HttpOut* out) const {
  if (rest.empty()) {
    json::object o;
    o["approvals"] = backend_->Approvals();
    return Json(out, 200, o);
  }
  if (!security::ParseJsonBody(ex)) return Error(out, ex.error.status, ex.error.code, ex.error.message);
  std::string id(rest.substr(1, 64));
  const json::object* body = ex.json.if_object();
  const json::value* d = body ? body->if_contains("decision") : nullptr;
  if (!d || !d->is_string()) return Error(out, 422, "invalid-field", "/decision must be allow or deny", "/decision");
  bool allow = d->get_string() == "allow";
  std::string reason;
  if (const json::value* r = body->if_contains("reason"); r && r->is_string()) reason = std::string(r->get_string());
  int64_t remember = 0;
  if (const json::value* r = body->if_contains("remember_s"); r && r->is_int64()) remember = r->get_int64();
  std::string who = "HTTP caller " + (ex.principal.id.empty() ? ex.client_address : ex.principal.id);
  Status s = backend_->AnswerApproval(id, allow, reason, remember, who);
  if (!s.ok()) return Error(out, 404, "unknown-approval", s.message());
  json::object o;
  o["approval_id"] = id;
  o["decision"] = allow ? "allow" : "deny";
  Json(out, 200, o);
}

Result<AuditQuery> ParseAuditQuery(std::string_view query, int64_t now_micros) {
  AuditQuery q;
  if (query.empty()) return q;
  // Boost 1.81's parse_query measures the buffer it keeps with strlen (query_ref gets s.data()),
  // reading past the end of a view that is not NUL-terminated: give it a terminated copy. The
  // grammar refuses a raw NUL, so strlen and the copy's size agree once it parsed.
  std::string copy(query);
  boost::urls::string_view text(copy.data(), copy.size());
  if (!boost::urls::parse_query(text)) return Status::InvalidArgument("the query string is not percent-encoded correctly");
  boost::urls::params_view params(text);  // validated above, so it does not throw; '+' is a space
  std::set<std::string> seen;
  for (const auto& p : params) {
    const std::string& key = p.key;
    const std::string& value = p.value;
    std::string shown = key.substr(0, 40);
    if (!seen.insert(key).second) return Status::InvalidArgument("parameter \"" + shown + "\" is given twice");
    if (key == "since") {
      auto since = audit::ParseSince(value, now_micros);
      if (!since.ok()) return Status::InvalidArgument("since: " + since.status().message());
      q.filter.since = *since;
    } else if (key == "decision") {
      if (value != "allow" && value != "deny" && value != "ask") return Status::InvalidArgument("decision must be allow, deny or ask");
      q.filter.decision = value;
    } else if (key == "rule") {
      q.filter.rule = value;
    } else if (key == "kind") {
      q.filter.kind = value;
    } else if (key == "limit") {
      char* end = nullptr;
      unsigned long n = std::strtoul(value.c_str(), &end, 10);
      if (value.empty() || value.size() > 6 || *end != '\0' || n == 0 || n > 1000) {
        return Status::InvalidArgument("limit must be a number from 1 to 1000");
      }
      q.limit = n;
    } else {
      return Status::InvalidArgument("unknown parameter \"" + shown + "\" (since, decision, rule, kind, limit)");
    }
  }
  return q;
}

void HttpApi::Audit(Exchange& ex, HttpOut* out) const {
  size_t qpos = ex.target.find('?');
  std::string_view query = qpos == std::string_view::npos ? std::string_view() : ex.target.substr(qpos + 1);
  auto parsed = ParseAuditQuery(query, audit::NowMicros());
  if (!parsed.ok()) return Error(out, 400, "bad-query", parsed.status().message());
  auto records = backend_->QueryAudit(*parsed);
  if (!records.ok()) return Error(out, 500, "audit-unavailable", records.status().message());
  json::object o;
  o["records"] = std::move(records).value();
  Json(out, 200, o);
}

void HttpApi::Tokens(Exchange& ex, std::string_view rest, HttpOut* out) const {
  if (!tokens_) return Error(out, 503, "no-token-store", "this daemon has no token store (no state directory)");
  TokenEndpoint(*tokens_, ex, rest, out);
}

}  // namespace warden::server
