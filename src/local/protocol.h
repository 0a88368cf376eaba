// The local protocol (docs/PROTOCOL.md): newline-delimited JSON over the daemon's Unix
// socket. Each line a client sends is one message, an object with an "op":
//
//   {"op":"decide","id":ID,"request":{…request JSON, docs/POLICY.md…}}
//   {"op":"status","id":ID}
//   {"op":"reload","id":ID}
//   {"op":"subscribe","id":ID}      then every decision is sent as an event line
//   {"op":"decide",…,"wait_ms":N}   on ask: a pending approval; an interim reply with
//                                   "pending": true, then the final decision within N ms
//   {"op":"decide",…,"wait_ms":N,"if_watched":true}
//                                   the same, but only while someone watches the daemon's
//                                   events (warden monitor, /v1/events); else the ask at once
//   {"op":"approvals"}              the pending approvals
//   {"op":"approve","approval":ID,"key":KEY[,"remember_s":S]}
//   {"op":"deny","approval":ID,"key":KEY[,"reason":TEXT]}
//   {"op":"record","event":{"kind":"mcp","server":S,"tool":T,"type":TYPE,"decision":D,
//                           "detail":TEXT,"context":C}}
//   {"op":"record","event":{"kind":"sandbox","command":TEXT,"sandbox":HASH,"cwd":DIR,
//                           "type":"confined","decision":"allow","context":C}}
//                                   an audit record of something a client enforced itself
//                                   (warden mcp: a result redacted, an injection flagged, a
//                                   pin changed; warden sandbox: a program run confined by the
//                                   rule set HASH); the daemon's own user only
//
// "id" is optional and echoed in the reply. Every reply is one line with "ok": true, or
// "ok": false and "error": {"code","message"}. A line that is not such a message (bad JSON,
// over kMaxMessageBytes, no or unknown op, a request that does not validate) gets an error
// reply and the connection is closed. Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "core/status.h"
#include "policy/request.h"

namespace warden::local {

// A request of up to 1 MiB plus its envelope.
inline constexpr size_t kMaxMessageBytes = policy::kMaxRequestJsonBytes + 4096;

enum class Op { kDecide, kStatus, kReload, kSubscribe, kApprovals, kApprove, kDeny, kRecord };

inline constexpr int64_t kMaxWaitMs = 10 * 60 * 1000;
inline constexpr int64_t kMaxRememberS = 24 * 3600;

struct Message {
  Op op = Op::kStatus;
  boost::json::value id;  // null when absent
  policy::Request request;            // kDecide
  policy::RequestPresence present;    // kDecide: what the request said of context/cwd/…
  int64_t wait_ms = 0;                // kDecide: wait this long for a person on ask (0: do not)
  bool if_watched = false;            // kDecide: wait only while someone watches the events
  std::string approval;               // kApprove/kDeny: the pending approval's id
  std::string key;                    // kApprove/kDeny: the approver key (hex)
  int64_t remember_s = 0;             // kApprove: also allow the same request for this long
  std::string reason;                 // kDeny: said to the waiting client; kRecord: the detail
  std::string event_type;             // kRecord: what happened (redacted, injection, pin-changed, …)
  std::string event_decision;         // kRecord: allow, ask or deny
};

// Stable error codes of the protocol.
inline constexpr std::string_view kErrBadMessage = "bad-message";  // not JSON, not an object, bad op
inline constexpr std::string_view kErrBadRequest = "bad-request";  // decide: the request does not validate
inline constexpr std::string_view kErrTooLarge = "too-large";
inline constexpr std::string_view kErrTimeout = "timeout";          // a line not finished in time
inline constexpr std::string_view kErrBusy = "busy";                // the daemon holds too much unfinished input
inline constexpr std::string_view kErrRefused = "refused";          // peer credentials
inline constexpr std::string_view kErrInternal = "internal";        // the daemon could not decide

struct ProtocolError {
  std::string_view code;
  std::string message;
  boost::json::value id;  // echoed when the message got that far
};

// Parses one line (without its newline). On failure, `error` says why.
bool ParseMessage(std::string_view line, Message* out, ProtocolError* error);

// The request JSON of docs/POLICY.md for `req` (what clients put in a decide message).
boost::json::object RequestJson(const policy::Request& req);

// One reply line, newline included.
std::string ErrorLine(const ProtocolError& e);
std::string ReplyLine(boost::json::object reply, const boost::json::value& id);

}  // namespace warden::local
