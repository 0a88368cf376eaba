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
//   preToolUse            tool_name (Shell, Read, Write, Delete, Grep, Task, MCP:<tool>, …),
//                         tool_input
// stdout on exit 0:
//   shell, MCP, preToolUse: {"permission":"allow|deny|ask","user_message":"…","agent_message":"…"}
//   beforeReadFile: {"permission":"allow|deny"} (no ask)
//   Exit 2 blocks (same as deny); other failures block only with "failClosed": true, which
//   docs/HOOKS.md tells users to set. Cursor has no "no opinion" answer for these events:
//   calls Warden passes (and default allows) get allow, and Cursor's own approval still applies.
//
// Mapping: beforeShellExecution → exec (cwd, else the first workspace root); beforeReadFile →
// file read (ask becomes deny: the event cannot ask); beforeMCPExecution → mcp (the server named
// from its url or command); preToolUse → by Cursor's tool name (PreToolCall). Other events: {}
// (no opinion).
#include <string>
#include <vector>

#include "clients/hook_payload.h"
#include "core/path.h"
#include "core/strings.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kShell = "beforeShellExecution";
constexpr std::string_view kRead = "beforeReadFile";
constexpr std::string_view kMcp = "beforeMCPExecution";
constexpr std::string_view kPreToolUse = "preToolUse";

bool IsPermissionEvent(std::string_view event) {
  return event == kShell || event == kRead || event == kMcp || event == kPreToolUse;
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

// tool_input as an object: Cursor sends it as one, or as JSON text (beforeMCPExecution).
Result<json::object> ToolInput(const Fields& fields) {
  const json::value* v = fields.Find("tool_input");
  if (v == nullptr) return json::object();
  if (v->is_object()) return v->get_object();
  if (!v->is_string()) return Status::InvalidArgument("tool_input must be an object or JSON text");
  auto parsed = ParsePayload(std::string_view(v->get_string()));
  if (!parsed.ok()) return Status::InvalidArgument("tool_input is not a JSON object: " + parsed.status().message());
  return std::move(parsed).value();
}

// Cursor does not name the MCP server; its URL's host or its command's program does
// ("https://mcp.example.com/x" → mcp.example.com; "npx -y @scope/server-fs /home" →
// @scope/server-fs). The policy's mcp_tools entries for server "*" apply whatever it is.
std::string ServerOf(const Fields& fields) {
  auto text = [&](std::string_view key) {
    const json::value* v = fields.Find(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  if (std::string url = text("url"); !url.empty()) {
    size_t start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    size_t end = url.find_first_of("/:?#", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  std::vector<std::string_view> words;
  const std::string command = text("command");
  for (std::string_view w : Split(command, ' ')) {
    if (!w.empty()) words.push_back(w);
  }
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    const bool launcher = i == 0 && (w == "npx" || w == "uvx" || w == "bunx" || w == "pnpx" || w == "docker" || w == "node" ||
                                     w == "python" || w == "python3" || w == "uv");
    if (launcher || w.starts_with("-") || w == "run" || w == "exec") continue;
    return std::string(Basename(w)).substr(0, policy::kMaxNameBytes);
  }
  return "unknown";
}

Result<HookCall> McpCall(HookCall&& call, const Fields& fields, const Place& place, std::string_view tool) {
  auto input = ToolInput(fields);
  if (!input.ok()) return input.status();
  auto request = McpRequest(place, "mcp__" + ServerOf(fields) + "__" + std::string(tool), *input);
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

Result<HookCall> PathCall(HookCall&& call, const Fields& input, const Place& place, shell::FileOp op, bool search) {
  auto path = input.OptionalStringAlias({"file_path", "path", "target_file", "target_directory"});
  if (!path.ok()) return path.status();
  if (!path->has_value() && !search) return Status::InvalidArgument(input.Name("file_path") + " is missing");
  auto request = FileRequest(place, op, path->value_or(place.cwd), input.Name("file_path"));
  if (!request.ok()) return request.status();
  request->recursive = search;
  call.requests.push_back(std::move(request).value());
  return call;
}

// The generic preToolUse event: Cursor's own tool names. Written from the tools the event is
// documented to carry (Shell, Read, Write, Delete, Grep, Task, MCP:<tool>); not yet checked
// against a real cursor-agent (it is not on npm).
Result<HookCall> PreToolCall(HookCall&& call, const Fields& fields, Place place) {
  auto tool = fields.StringAlias({"tool_name", "tool"}, policy::kMaxNameBytes);
  if (!tool.ok()) return tool.status();
  call.tool = std::move(tool).value();
  auto object = ToolInput(fields);
  if (!object.ok()) return object.status();
  Fields input(*object, "tool_input");
  const std::string& t = call.tool;
  if (t.starts_with("MCP:")) {
    const std::string name = t.substr(4);  // copied: `call` is moved below
    return McpCall(std::move(call), fields, place, name);
  }
  if (t == "Shell") {
    auto command = input.String("command", kMaxCommandBytes);
    if (!command.ok()) return command.status();
    if (auto cwd = input.OptionalString("cwd"); cwd.ok() && cwd->has_value() && (*cwd)->starts_with("/")) place.cwd = **cwd;
    call.requests.push_back(ExecRequest(place, std::move(command).value()));
    return call;
  }
  if (t == "Read") return PathCall(std::move(call), input, place, shell::FileOp::kRead, false);
  if (t == "Write" || t == "Edit" || t == "StrReplace" || t == "MultiEdit" || t == "TabWrite") {
    return PathCall(std::move(call), input, place, shell::FileOp::kWrite, false);
  }
  if (t == "Delete") return PathCall(std::move(call), input, place, shell::FileOp::kDelete, false);
  if (t == "Grep" || t == "Glob" || t == "LS") return PathCall(std::move(call), input, place, shell::FileOp::kRead, true);
  if (t == "Task" || t == "TodoWrite" || t == "WebSearch") {
    return Unsupported(std::move(call), t + ": nothing for Warden to decide (docs/HOOKS.md)");
  }
  auto request = AgentToolRequest(place, Agent::kCursor, t, *object);
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

}  // namespace

Result<HookCall> ParseCursor(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kCursor;
  auto event = fields.String("hook_event_name");
  if (!event.ok()) return event.status();
  call.event = std::move(event).value();
  if (!IsPermissionEvent(call.event)) return Unsupported(std::move(call), "the " + call.event + " event is not checked");
  auto place = CursorPlace(fields, defaults);
  if (!place.ok()) return place.status();
  if (call.event == kPreToolUse) return PreToolCall(std::move(call), fields, *place);
  if (call.event == kMcp) {
    auto tool = fields.String("tool_name", policy::kMaxNameBytes);
    if (!tool.ok()) return tool.status();
    call.tool = *tool;
    return McpCall(std::move(call), fields, *place, *tool);
  }
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
