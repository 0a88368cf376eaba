// JSON-RPC 2.0 over MCP's stdio transport: framing, message classification and error answers.
//
// MCP's stdio transport (spec 2025-06-18, "Transports") sends one JSON-RPC message per line,
// UTF-8, terminated by "\n"; messages must not contain embedded newlines. This file holds the
// pieces of that which do not touch a file descriptor:
//
//   LineFramer     bytes → lines, with a per-line size cap and bounded memory whatever the input
//   ParseMessage   one line → Message (request, notification, response, or invalid with the reason)
//   RecoverId      the id of a line that was too large to keep, from its first bytes
//   ErrorResponse  one line of JSON-RPC error answer
//
// JSON-RPC batches (a top-level array) are classified kInvalid: MCP 2025-06-18 removed batching,
// and a proxy that inspects messages one by one must not let an array smuggle several past it.
// Duplicate object keys are accepted with the last one winning, as JSON.parse (the TypeScript
// SDK) and Python's json (the Python SDK) do, so Warden sees the same message as the peers.
//
// Thread-safety: free functions are pure and thread-safe; a LineFramer is a value owned by one
// reader at a time.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace warden::mcp {

// JSON-RPC 2.0's reserved error codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Warden's own, from the "-32000 to -32099 server error" range JSON-RPC leaves to implementations:
// the policy denied the request (an answer in place of the server's) …
inline constexpr int kPolicyDenied = -32001;
// … and the message exceeded the proxy's size cap, so it was never delivered.
inline constexpr int kMessageTooLarge = -32002;
// … and the server exited (or closed its output) before answering the request.
inline constexpr int kServerGone = -32003;

// The default size cap for one message (one line, without its newline).
inline constexpr size_t kDefaultMaxMessageBytes = size_t{16} << 20;
// How much of an oversize line is kept to recover its id.
inline constexpr size_t kOversizeHeadBytes = 4096;
// Nesting deeper than this is kInvalid (tool schemas nest, but not this deep); it also bounds
// the recursion when a parsed value is destroyed.
inline constexpr int kMaxJsonDepth = 256;

// Splits a byte stream into lines. Each complete line is handed over without its "\n" and
// without one "\r" before it; lines that are empty or only JSON whitespace are skipped. A line
// longer than max_bytes (counted without "\n" and "\r") is not delivered and not buffered: the
// framer keeps its first kOversizeHeadBytes, drops the rest up to the next "\n", then calls
// on_oversize(total bytes before the "\n", head); both count a "\r" before the "\n". Memory stays below max_bytes + 4 KiB + 1.
//
// A trailing fragment with no "\n" yet stays buffered until more bytes arrive; at end of input
// it is not a message (the SDKs' readers ignore it too), see pending_bytes().
class LineFramer {
 public:
  // The line is valid only during the call (it may point into the fed bytes); the callbacks
  // must not call Feed on the same framer.
  using OnLine = std::function<void(std::string_view line)>;
  using OnOversize = std::function<void(size_t total_bytes, std::string_view head)>;

  explicit LineFramer(size_t max_bytes) : max_bytes_(max_bytes) {}

  void Feed(std::string_view bytes, const OnLine& on_line, const OnOversize& on_oversize);

  // Bytes of an unfinished line seen so far (including one being discarded for its size).
  size_t pending_bytes() const { return discarding_ ? discarded_ : partial_.size(); }
  size_t max_bytes() const { return max_bytes_; }

 private:
  void EndLine(std::string_view tail, const OnLine& on_line, const OnOversize& on_oversize);
  void Deliver(std::string_view line, const OnLine& on_line, const OnOversize& on_oversize);
  void KeepPartial(std::string_view tail);
  void StartDiscarding(std::string_view first, std::string_view second);
  void ReleasePartial();
  static std::string MakeHead(std::string_view first, std::string_view second);

  size_t max_bytes_;
  std::string partial_;  // the unfinished line, at most max_bytes_ + 1 bytes ("\r" may follow)
  bool discarding_ = false;
  size_t discarded_ = 0;  // bytes of the oversize line so far
  std::string head_;      // its first kOversizeHeadBytes
};

struct Message {
  enum class Type { kRequest, kNotification, kResponse, kInvalid };
  Type type = Type::kInvalid;
  // The id as JSON text ("1", "\"abc\""); empty when the message has none or it is not a
  // string or an integer. Set for kInvalid too when the id itself is usable, so the answer
  // can carry it.
  std::string id;
  std::string method;       // requests and notifications
  boost::json::value json;  // the parsed line (null when it is not JSON)
  std::string error;        // kInvalid: what is wrong, e.g. "invalid JSON at byte 12: syntax error"
  bool not_json = false;    // kInvalid because the line is not JSON at all (JSON-RPC's parse error)
};

std::string_view MessageTypeName(Message::Type type);  // "request", "notification", …

// Classifies one line by JSON-RPC 2.0 as MCP uses it: an object with "jsonrpc": "2.0"; a
// string "method" makes a request (with an "id") or a notification (without); otherwise an
// "id" with exactly one of "result" and "error" makes a response. Ids are strings or integers
// (null only in responses, for errors about unreadable requests); "params" is an object or an
// array. Anything else, batches included, is kInvalid with the reason. Never throws.
Message ParseMessage(std::string_view line);

// Best-effort: the top-level "id" of a line of which only the first bytes are known, as JSON
// text; "null" when it cannot be told (not there yet, cut off, not a string or an integer).
std::string RecoverId(std::string_view head);

// What a head says the message is, as far as it goes: a "method" member makes it a request or
// notification, a "result" or "error" member a response; kInvalid when neither is in the head.
Message::Type RecoverType(std::string_view head);

// One line of JSON-RPC error response (no "\n"): {"jsonrpc":"2.0","id":ID,"error":{…}}.
// id_json is JSON text as in Message::id or RecoverId; empty means null. The message is escaped
// for JSON, with invalid UTF-8 replaced by U+FFFD. data, when given, is included unless its
// serialization is not valid JSON (a non-finite number), in which case it is left out.
std::string ErrorResponse(std::string_view id_json, int code, std::string_view message,
                          const boost::json::value* data = nullptr);

// Appends s to out as a JSON string literal (quotes included), invalid UTF-8 → U+FFFD.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace warden::mcp
