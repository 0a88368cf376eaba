// The policy side of `warden mcp`: handlers on a Relay (mcp_relay.h) that
//   - decide every tools/call before it reaches the server (a policy request of kind mcp:
//     server name, tool, arguments); allowed calls are forwarded unchanged, denied ones are
//     answered with a JSON-RPC error (kPolicyDenied) carrying the reason and never forwarded;
//     an ask waits for a person through the daemon (the decide callback's business);
//   - apply a per-tool rate limit (security/ratelimit, the HTTP API's limiter);
//   - pin the tools a server lists (mcp_pins.h): a changed tool is removed from tools/list and
//     its calls are refused until a person accepts it;
//   - scan what comes back (scan/scanner.h): tool results, resources/read and prompts/get
//     results and tool descriptions get secrets redacted and terminal escapes stripped; prompt-
//     injection markers and invisible characters are reported (and, with block_injection, a
//     result holding them is replaced by an error).
// Everything else passes through byte for byte. What happened is reported through on_event
// (the command audits and logs it).
//
// Decisions run on one worker thread, in arrival order, so that a call waiting for approval
// never stalls the relay; the answer is posted back to the loop thread.
// Thread-safety: construct, use and destroy on the thread that runs the Relay.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "clients/mcp_pins.h"
#include "clients/mcp_relay.h"
#include "policy/decision.h"
#include "policy/request.h"

namespace warden::scan {
class Scanner;
}
namespace warden::security {
class RateLimiter;
}

namespace warden::mcp {

struct ProxyVerdict {
  bool decided = false;  // false: nothing was decided (error says why) — the call is refused
  policy::Decision decision = policy::Decision::kDeny;
  std::string reason;
  std::string rule;
  std::string error;
};

// Something the proxy did besides relaying, for the audit log and stderr.
struct ProxyEvent {
  std::string type;     // call, rate-limited, pin-new, pin-changed, pin-blocked, redacted, injection, error
  std::string tool;     // "" when not about one tool
  std::string decision; // allow, ask, deny ("" for events that decide nothing)
  std::string detail;   // plain words; never a secret (detectors' names, not what they found)
};

struct ProxyOptions {
  std::string server;  // the server's name for policies, pins and audit
  policy::Context context = policy::Context::kAi;
  std::string cwd, workspace, home;
  // Decides one request; runs on the worker thread and may block (an approval).
  std::function<ProxyVerdict(const policy::Request&)> decide;
  // Call decide on the relay's thread instead (it must not block): for in-process decisions,
  // which take microseconds, a thread hop would cost more than the decision.
  bool decide_inline = false;
  PinStore* pins = nullptr;                     // null: no pinning
  const scan::Scanner* scanner = nullptr;       // null: no scanning
  bool block_injection = false;
  // Server output that is not a response (lines that are not JSON, notifications such as log
  // messages, requests to the client) is scanned like results; with this, a server line that
  // is not JSON is dropped instead of passed on redacted.
  bool refuse_non_json = false;
  security::RateLimiter* limiter = nullptr;     // null: no per-tool limit
  std::function<void(const ProxyEvent&)> on_event;  // loop thread
};

struct ProxyCounts {
  uint64_t calls = 0, allowed = 0, denied = 0, rate_limited = 0, pin_blocked = 0;
  uint64_t redacted_results = 0, injection_results = 0, hidden_tools = 0;
  uint64_t client_garbage = 0;  // client lines that were not JSON, answered -32700
  uint64_t server_non_json = 0;  // server lines that were not JSON (redacted, or dropped)
};

class Proxy {
 public:
  Proxy(Relay* relay, ProxyOptions options);  // installs the relay's handlers
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  const ProxyCounts& counts() const { return counts_; }

 private:
  struct Pending {
    std::string method;
    std::string tool;
  };
  struct Worker;

  void OnClientLine(std::string_view line);
  void OnServerLine(std::string_view line);
  void OnServerGone();
  void ServerNonJson(std::string_view line, const Message& m);
  bool ScanServerMessage(Message& m);
  void SendRequestToServer(std::string_view line, const std::string& id);
  void ToolCall(std::string_view line, const Message& m);
  void Finish(const std::string& id, const std::string& tool, const std::string& line, const ProxyVerdict& v);
  bool ToolsList(boost::json::value& msg);
  bool ScanResult(const Pending& p, boost::json::value& msg);
  void Event(std::string type, std::string tool, std::string decision, std::string detail);

  Relay* relay_;
  ProxyOptions o_;
  ProxyCounts counts_;
  std::unordered_map<std::string, Pending> pending_;  // client requests by id, until answered
  // Every client request forwarded to the server and not yet answered (ids as JSON text): the
  // server's exit answers each with kServerGone, so no client waits for an answer that cannot
  // come. Bounded by kMaxPending (beyond it, new requests are not tracked).
  std::unordered_set<std::string> outstanding_;
  std::shared_ptr<Worker> worker_;
};

// The message a denied tools/call gets (also used by tests).
std::string DenialMessage(std::string_view tool, const ProxyVerdict& v);

}  // namespace warden::mcp
