// The local protocol (docs/PROTOCOL.md): newline-delimited JSON over the daemon's Unix
// socket. Each line a client sends is one message, an object with an "op":
//
//   {"op":"decide","id":ID,"request":{…request JSON, docs/POLICY.md…}}
//   {"op":"status","id":ID}
//   {"op":"reload","id":ID}
//   {"op":"subscribe","id":ID}      then every decision is sent as an event line
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

namespace warden::server {

// A request of up to 1 MiB plus its envelope.
inline constexpr size_t kMaxMessageBytes = policy::kMaxRequestJsonBytes + 4096;

enum class Op { kDecide, kStatus, kReload, kSubscribe };

struct Message {
  Op op = Op::kStatus;
  boost::json::value id;  // null when absent
  policy::Request request;            // kDecide
  policy::RequestPresence present;    // kDecide: what the request said of context/cwd/…
};

// Stable error codes of the protocol.
inline constexpr std::string_view kErrBadMessage = "bad-message";  // not JSON, not an object, bad op
inline constexpr std::string_view kErrBadRequest = "bad-request";  // decide: the request does not validate
inline constexpr std::string_view kErrTooLarge = "too-large";
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

}  // namespace warden::server
