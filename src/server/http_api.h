// The HTTP decision API (docs/API.md): routing, the security chain around each endpoint, and
// the endpoints themselves — independent of the transport, so that tests and the fuzzer can
// drive it with plain structs (server/http_server.h is the Boost.Beast transport).
//
//   GET  /healthz                 200 while the process serves (no stages, not audited)
//   GET  /readyz                  200 once a policy is loaded, else 503 (no stages)
//   GET  /metrics                 Prometheus text (permission api:metrics)
//   POST /v1/check                one request of any kind → the decision (api:check)
//   POST /v1/check/batch          {"requests":[…≤100]} → {"results":[…]} (api:check, expensive)
//   GET|POST /v1/authz[/…]        nginx auth_request / Envoy ext_authz (HTTP mode): the original
//                                 method and URI from X-Original-Method / X-Original-URI, else
//                                 the method and the path after /v1/authz → 200, 401, 403, 429
//   GET  /v1/tokens, POST /v1/tokens, DELETE /v1/tokens/{id}     (admin:tokens)
//   GET  /v1/policy, POST /v1/policy/reload                      (admin:policy)
//   GET  /v1/approvals, POST /v1/approvals/{id}                  (admin:approvals)
//   GET  /v1/audit?since=&decision=&rule=&kind=&limit=           (admin:audit, expensive)
//   GET  /v1/events               server-sent events of decisions and approvals (admin:events)
//
// Errors are {"error":{"code","message","field"}} and never echo a secret.
//
// Thread-safety: Handle is called concurrently from every I/O thread; the HttpApi is built
// once and then only read. The backend must be thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/record.h"
#include "audit/scan.h"
#include "audit/ticket.h"
#include "core/status.h"
#include "policy/request.h"
#include "policy/snapshot.h"
#include "security/chain.h"
#include "security/stage.h"
#include "server/http_metrics.h"

namespace warden::security {
class TokenStore;
}

namespace warden::server {

// What the daemon offers the HTTP API.
class HttpBackend {
 public:
  virtual ~HttpBackend() = default;
  virtual std::shared_ptr<const policy::Snapshot> Policy() = 0;
  // Why the instance should get no traffic now besides a missing policy (readyz 503), e.g.
  // "redis-unavailable"; empty when ready.
  virtual std::string NotReady() { return {}; }
  // Decides like a socket decide (remembered approvals included), writes the decision's audit
  // record (its subject: `who`) unless `audit` is false (the audit stage is switched off),
  // publishes the event. An error means nothing was audited: the caller must not answer with
  // the decision. With a gate, the record is only queued and its ticket is put in *gate: the
  // answer may be sent only once AfterAudit says the record is acknowledged.
  virtual Result<boost::json::object> Decide(policy::Request& req, const policy::RequestPresence& present,
                                             const security::Principal& who, bool audit,
                                             std::optional<audit::Ticket>* gate = nullptr) = 0;
  // Calls `done` once the record of `ticket` is acknowledged (Ok) or never will be (the error).
  virtual void AfterAudit(const audit::Ticket& ticket, std::function<void(const Status&)> done) = 0;
  virtual Status AppendAudit(audit::Record record) = 0;
  virtual boost::json::object StatusJson() = 0;
  // Reloads the policy files: the new revision, or why the running one was kept.
  virtual Result<std::string> Reload(const std::string& why) = 0;
  virtual boost::json::array Approvals() = 0;
  virtual Status AnswerApproval(const std::string& id, bool allow, const std::string& reason, int64_t remember_s,
                                const std::string& who) = 0;
  // Audit records matching the query, oldest first: the last `limit` of them.
  virtual Result<boost::json::array> QueryAudit(const struct AuditQuery& query) = 0;
  // The decision events the monitor sees (one JSON object per call, already redacted), for
  // GET /v1/events. `sink` is called from any thread and must not block; it stays registered
  // until UnsubscribeEvents(id).
  virtual uint64_t SubscribeEvents(std::function<void(const std::string&)> sink) = 0;
  virtual void UnsubscribeEvents(uint64_t id) = 0;
};

// GET /v1/audit?since=1h&decision=deny&rule=R&kind=K&limit=N (percent-encoded; each at most once).
struct AuditQuery {
  audit::Filter filter;
  size_t limit = 100;  // 1-1000
};
// Errors name the parameter and say what it takes.
Result<AuditQuery> ParseAuditQuery(std::string_view query, int64_t now_micros);

// One request, as the transport read it.
struct HttpIn {
  std::string_view method;
  std::string_view target;
  std::string_view body;
  std::string_view authorization;
  std::string_view original_method;  // X-Original-Method
  std::string_view original_uri;     // X-Original-URI
  bool want_timing = false;          // Warden-Timing: 1
  std::string client_address;
};

struct HttpOut {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool event_stream = false;  // /v1/events: the transport keeps the connection and streams
  // Set when the body holds a decision whose audit record is not yet acknowledged: the
  // transport sends the response only after HttpApi::AfterAudit says so (else an error).
  std::optional<audit::Ticket> audit_gate;
};

struct StageSwitches {
  bool authn = true, ratelimit = true, validate = true, authz = true, audit = true;
};

struct HttpApiOptions {
  StageSwitches stages;
  bool timing_always = false;  // Server-Timing on every response, not only on request
  std::string anonymous_role;  // the role callers get when authentication is switched off
  size_t max_batch = 100;
};

class HttpApi {
 public:
  HttpApi(HttpBackend* backend, security::Chain chain, HttpApiOptions options,
          std::shared_ptr<security::TokenStore> tokens, std::shared_ptr<HttpMetrics> metrics);
  HttpOut Handle(const HttpIn& in) const;
  // For the transport: calls `done` with `out` once its audit gate is acknowledged, or with a
  // 500 error response if the record never will be.
  void AfterAudit(HttpOut out, std::function<void(HttpOut)> done) const;

  const security::Chain& chain() const { return chain_; }
  HttpBackend& backend() const { return *backend_; }
  HttpMetrics& metrics() const { return *metrics_; }

  struct Route;  // the endpoint table (http_api.cc)

 private:
  void Serve(const Route& route, security::Exchange& ex, const HttpIn& in, HttpOut* out) const;
  void Check(security::Exchange& ex, HttpOut* out) const;
  void Batch(security::Exchange& ex, HttpOut* out) const;
  void Authz(security::Exchange& ex, const HttpIn& in, HttpOut* out) const;
  void Tokens(security::Exchange& ex, std::string_view rest, HttpOut* out) const;
  void Policy(security::Exchange& ex, std::string_view rest, HttpOut* out) const;
  void Approvals(security::Exchange& ex, std::string_view rest, HttpOut* out) const;
  void Audit(security::Exchange& ex, HttpOut* out) const;
  void Metrics(HttpOut* out) const;

  HttpBackend* backend_;
  security::Chain chain_;
  HttpApiOptions opt_;
  std::shared_ptr<security::TokenStore> tokens_;
  std::shared_ptr<HttpMetrics> metrics_;
};

// The JSON error body.
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field = {});

}  // namespace warden::server
