// Cursor: the beforeShellExecution, beforeReadFile and beforeMCPExecution agent hooks
// (~/.cursor/hooks.json or <project>/.cursor/hooks.json, {"version":1,"hooks":{…}}).
//
// Documentation: https://cursor.com/docs/agent/hooks ("Hook categories", "Input", "Output",
// exit codes; hooks.json's per-hook "failClosed"), cross-checked against the Cupcake Cursor
// reference https://cupcake.eqtylab.io/reference/harnesses/cursor and the cursor-hooks type
// package (https://app.unpkg.com/cursor-hooks). Early releases (1.7) spelled the message keys
// userMessage/agentMessage; current ones use user_message/agent_message, written here.
//
// stdin (one JSON object), common fields: hook_event_name, conversation_id, generation_id,
// workspace_roots[], model, cursor_version, user_email, transcript_path; then per event:
//   beforeShellExecution  command, cwd (may be empty)
//   beforeReadFile        file_path, content (the file's text: never echoed), attachments[]
//   beforeMCPExecution    tool_name, tool_input (object or JSON text), url or command
// stdout on exit 0:
//   shell and MCP: {"permission":"allow|deny|ask","user_message":"…","agent_message":"…"}
//   beforeReadFile: {"permission":"allow|deny"} (no ask)
//   Exit 2 blocks (same as deny); other failures block only with "failClosed": true, which
//   docs/HOOKS.md tells users to set. Cursor has no "no opinion" answer for these events:
//   calls Warden does not decide (MCP tools) get allow, and Cursor's own approval still applies.
//
// Mapping: beforeShellExecution → exec (cwd, else the first workspace root); beforeReadFile →
// file read (ask becomes deny: the event cannot ask). Other events: {} (no opinion).
#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kShell = "beforeShellExecution";
constexpr std::string_view kRead = "beforeReadFile";
constexpr std::string_view kMcp = "beforeMCPExecution";

bool IsPermissionEvent(std::string_view event) {
  return event == kShell || event == kRead || event == kMcp;
}

// The first workspace root, when Cursor sent one.
Result<std::optional<std::string>> WorkspaceRoot(const Fields& fields) {
  const json::value* roots = fields.Find("workspace_roots");
  if (roots == nullptr) return std::optional<std::string>();
  if (!roots->is_array()) return Status::InvalidArgument("workspace_roots must be a list of paths");
  if (roots->get_array().empty()) return std::optional<std::string>();
  const json::value& first = roots->get_array()[0];
  if (!first.is_string() || first.get_string().size() > kMaxFieldBytes) {
    return Status::InvalidArgument("workspace_roots[0] must be a path");
  }
  return std::optional<std::string>(std::string(first.get_string()));
}

Result<Place> CursorPlace(const Fields& fields, const HookDefaults& defaults) {
  auto root = WorkspaceRoot(fields);
  if (!root.ok()) return root.status();
  auto cwd = fields.OptionalString("cwd");
  if (!cwd.ok()) return cwd.status();
  std::optional<std::string> where = cwd->has_value() && !(*cwd)->empty() ? *cwd : *root;
  return PlaceFor(where, "cwd", *root, defaults);
}

json::object PermissionAnswer(policy::Decision decision, const std::string& message, bool with_messages) {
  json::object out;
  out["permission"] = policy::DecisionName(decision);
  if (with_messages && decision != policy::Decision::kAllow) {
    out["user_message"] = message;
    out["agent_message"] = message;
  }
  return out;
}

}  // namespace

Result<HookCall> ParseCursor(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kCursor;
  auto event = fields.String("hook_event_name");
  if (!event.ok()) return event.status();
  call.event = std::move(event).value();
  if (call.event == kMcp) {
    auto tool = fields.String("tool_name");
    if (!tool.ok()) return tool.status();
    call.tool = std::move(tool).value();
    return Unsupported(std::move(call), call.tool + ": MCP tool calls are not checked by hooks yet");
  }
  if (call.event != kShell && call.event != kRead) {
    return Unsupported(std::move(call), "the " + call.event + " event is not checked");
  }
  auto place = CursorPlace(fields, defaults);
  if (!place.ok()) return place.status();
  if (call.event == kShell) {
    call.tool = "shell";
    auto command = fields.String("command", kMaxCommandBytes);
    if (!command.ok()) return command.status();
    call.requests.push_back(ExecRequest(*place, std::move(command).value()));
    return call;
  }
  call.tool = "read";
  auto path = fields.String("file_path");
  if (!path.ok()) return path.status();
  auto request = FileRequest(*place, shell::FileOp::kRead, *path, "file_path");
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

HookAnswer RenderCursor(const HookCall& call, policy::Decision decision, const std::string& message) {
  if (!call.unsupported.empty()) {
    return HookAnswer{JsonLine(IsPermissionEvent(call.event) ? PermissionAnswer(policy::Decision::kAllow, "", false)
                                                             : json::object()),
                      "", 0};
  }
  if (call.event == kRead) {
    // The answer has no message field: the reason goes to stderr (Cursor's hook log).
    if (decision == policy::Decision::kAllow) return HookAnswer{JsonLine(PermissionAnswer(decision, "", false)), "", 0};
    std::string why = decision == policy::Decision::kAsk ? " (a file read cannot ask, so it is refused)" : "";
    return HookAnswer{JsonLine(PermissionAnswer(policy::Decision::kDeny, message, false)), message + why + "\n", 0};
  }
  return HookAnswer{JsonLine(PermissionAnswer(decision, message, true)), "", 0};
}

HookAnswer RenderCursorError(const std::string& message) {
  return HookAnswer{JsonLine(PermissionAnswer(policy::Decision::kDeny, message, true)), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
