// A request: the one shape every enforcement point sends to the engine (CLI, bench, later
// the daemon and the HTTP API). Its JSON form is documented in docs/POLICY.md:
//
//   {"kind":"exec","command":"rm -rf build","context":"ai","cwd":"…","workspace":"…","home":"…"}
//   {"kind":"exec","argv":["rm","-rf","build"],…}
//   {"kind":"file","op":"read|write|delete|exec","path":"…","context":"ai","cwd":"…",…}
//   {"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"42"}}
//   {"kind":"http","method":"GET","url":"https://example.com/docs","context":"ai","cwd":"…"}
//   {"kind":"http","method":"POST","path":"/v1/users?x=1","context":"service"}
//   {"kind":"mcp","server":"filesystem","tool":"read_text_file","arguments":{"path":"/etc/passwd"}}
//
// An http request gives `url` (an absolute http or https URL) or `path` (an API request's
// "/path?query"), not both; `method` defaults to GET. Both are normalized (http_target.h).
//
// ParseRequestJson rejects unknown fields, wrong types and bad enum values with a message
// that names the field (and, for malformed JSON, the byte offset). Plain data.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/decision.h"
#include "policy/http_target.h"
#include "shell/facts.h"

namespace warden::policy {

struct Request {
  RequestKind kind = RequestKind::kExec;
  Context context = Context::kAi;
  // exec
  std::string command;
  std::vector<std::string> argv;
  bool has_argv = false;
  // The rule set (hash, src/sandbox/plan.h) the program will run confined to; "" unconfined.
  // Not decided on: carried into the audit record.
  std::string sandbox;
  // where it happens (exec, file and http)
  std::string cwd;
  std::string workspace;
  std::string home;
  // file
  shell::FileOp op = shell::FileOp::kRead;
  std::string path;
  bool recursive = false;  // the whole tree below path (a search tool, a recursive listing)
  // action
  std::string subject;
  std::string action;
  std::string resource_type;
  std::string resource_id;
  // http
  HttpTarget http;
  // mcp: a tool call (tools/call) on a named server; `arguments` is the call's JSON object
  std::string server;
  std::string tool;
  boost::json::value arguments;
};

// Which of cwd/workspace/home the JSON gave; the caller fills in the rest.
struct RequestPresence {
  bool context = false;
  bool cwd = false;
  bool workspace = false;
  bool home = false;
};

Result<Request> ParseRequestJson(std::string_view json, RequestPresence* present = nullptr);
// The same for a value parsed already (the HTTP API parses bodies once).
Result<Request> ParseRequestValue(const boost::json::value& json, RequestPresence* present = nullptr);

// Limits on fields (bytes).
inline constexpr size_t kMaxRequestJsonBytes = 1 << 20;
inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxNameBytes = 256;  // mcp server and tool names

}  // namespace warden::policy
