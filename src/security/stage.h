// The security stack (DESIGN.md §2): every HTTP request passes a chain of stages —
// authenticate → rate-limit → validate → authorize → audit — each one small class behind the
// Stage interface below, returning a documented enum, like Envoy's HTTP filters. Only the
// Chain loops over stages. A stage that is switched off by configuration is simply not in the
// chain; that is how the cost of each layer is measured (bench/http).
//
// Per-request state lives in an Exchange, owned by the connection handling the request; stages
// keep no per-request state of their own. Stages are shared by every I/O thread: Run and
// Finish must be thread-safe (they read immutable configuration and thread-safe stores).
#pragma once

#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::security {

// What a stage says about a request.
enum class StageStatus {
  kContinue,  // on to the next stage (or the endpoint when it was the last)
  kDeny,      // stop: the exchange's `error` (status, code, message) is the answer
};

// What an endpoint needs from the stack; the router fills it in (server/http_api.cc).
enum class RateClass : uint8_t { kDefault = 0, kExpensive = 1, kAuthFailure = 2, kNone = 3 };

struct Endpoint {
  std::string_view name;             // "check", "authz", "tokens.create", … (metrics label)
  std::string_view permission_type;  // RBAC permission "TYPE:ACTION" a role needs: "api" …
  std::string_view permission_action;  // … "check"; empty type: any authenticated caller
  RateClass rate_class = RateClass::kDefault;
  bool anonymous = false;            // served without credentials (health, readiness)
  bool json_body = false;            // the body is a JSON document to parse and validate
  const struct Schema* schema = nullptr;  // its shape (validate stage), when json_body
};

// Who is calling, once authentication ran.
struct Principal {
  bool authenticated = false;
  std::string id;    // token id ("tok_…"), JWT "sub", or "" when anonymous
  std::string name;  // the token's name, when it has one
  std::string role;
  std::string method;  // "token", "jwt" or "anonymous"
};

// An error answer: {"error":{"code","message","field"}} with an HTTP status. Never holds a secret.
struct ErrorAnswer {
  int status = 0;
  std::string code;
  std::string message;
  std::string field;  // JSON pointer of the offending field, when there is one
};

inline constexpr size_t kMaxStages = 8;

struct Exchange {
  // The request (views into the connection's buffers: valid for the whole exchange).
  std::string_view method;
  std::string_view target;          // origin-form "/path?query"
  std::string_view body;
  std::string_view authorization;   // the Authorization header, "" when absent
  std::string client_address;       // the peer's address, the rate-limit key when anonymous
  const Endpoint* endpoint = nullptr;
  int64_t now_ns = 0;               // steady clock at arrival (rate limiting)

  // Filled in by stages.
  Principal principal;
  boost::json::value json;          // the parsed body, when the endpoint takes JSON
  bool json_parsed = false;
  ErrorAnswer error;                // set by the stage that denied
  std::string denied_by;            // that stage's name
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers (rate limits, WWW-Authenticate)

  // What the endpoint decided, for the audit stage (filled by the handler).
  int status = 0;
  bool decision_audited = false;    // the decision was already written (Decide audits its own)

  // Nanoseconds each stage took, in chain order (Server-Timing, histograms).
  std::array<int64_t, kMaxStages> stage_ns{};
  size_t stages_run = 0;
};

class Stage {
 public:
  virtual ~Stage() = default;
  // A short token: the metrics label and the Server-Timing metric name ("authn", "ratelimit" …).
  virtual std::string_view name() const = 0;
  virtual StageStatus Run(Exchange& ex) const = 0;
  // Called for every stage of the chain once the answer is known, including when an earlier
  // stage denied (the audit stage writes its record here). Must not fail the request.
  virtual void Finish(Exchange& ex) const { (void)ex; }
};

}  // namespace warden::security
