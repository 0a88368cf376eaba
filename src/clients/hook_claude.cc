// Claude Code: the PreToolUse command hook.
//
// Documentation: https://code.claude.com/docs/en/hooks (formerly
// https://docs.anthropic.com/en/docs/claude-code/hooks), sections "PreToolUse", "Hook output"
// and "PreToolUse decision control"; the guide https://code.claude.com/docs/en/hooks-guide.
//
// stdin (one JSON object):
//   session_id, transcript_path, cwd, permission_mode, hook_event_name ("PreToolUse"),
//   tool_name, tool_input, tool_use_id
//   tool_input by tool:
//     Bash          command, description, timeout, run_in_background
//     Read          file_path, offset, limit
//     Write         file_path, content
//     Edit          file_path, old_string, new_string, replace_all
//     MultiEdit     file_path, edits[{old_string, new_string}]
//     NotebookEdit  notebook_path, cell_id, new_source, …
//     Glob, Grep    pattern, path (optional); LS path
//     WebFetch      url, prompt; WebSearch query
//     MCP tools     named mcp__SERVER__TOOL, tool_input = the tool's arguments
// stdout on exit 0:
//   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow|deny|ask",
//     "permissionDecisionReason":"…"}}
//   deny: the reason is shown to Claude; ask: to the user in the permission prompt; allow
//   skips the prompt. Exit 0 with no output: no decision (Claude Code's own permission rules
//   apply). Exit 2: blocks the tool call, stderr is fed to Claude, stdout is ignored. Any
//   other exit code is a non-blocking error — the call goes ahead, so Warden never uses one.
//
// Mapping: Bash → exec (payload cwd); Read, Glob, Grep, LS → file read; Write, Edit,
// MultiEdit, NotebookEdit → file write; WebFetch → http GET of tool_input.url (required: a
// missing or bad URL is an error, which blocks). WebSearch, MCP tools and every other tool
// are not decided (no output, exit 0).
#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kEvent = "PreToolUse";

Result<HookCall> FileCall(HookCall call, const Fields& input, const Place& place, shell::FileOp op,
                          std::string_view key) {
  auto path = input.String(key);
  if (!path.ok()) return path.status();
  auto request = FileRequest(place, op, *path, input.Name(key));
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

// Glob, Grep and LS read what lies under `path` (the cwd when it is left out).
Result<HookCall> SearchCall(HookCall call, const Fields& input, const Place& place) {
  auto path = input.OptionalString("path");
  if (!path.ok()) return path.status();
  auto request = FileRequest(place, shell::FileOp::kRead, path->value_or(place.cwd), input.Name("path"));
  if (!request.ok()) return request.status();
  request->recursive = call.tool != "LS";  // Glob and Grep search the whole tree
  call.requests.push_back(std::move(request).value());
  return call;
}

Result<HookCall> ToolCall(HookCall call, const Fields& input, const Place& place) {
  const std::string& tool = call.tool;
  if (tool == "Bash") {
    auto command = input.String("command", kMaxCommandBytes);
    if (!command.ok()) return command.status();
    call.requests.push_back(ExecRequest(place, std::move(command).value()));
    return call;
  }
  if (tool == "Read") return FileCall(std::move(call), input, place, shell::FileOp::kRead, "file_path");
  if (tool == "Write" || tool == "Edit" || tool == "MultiEdit") {
    return FileCall(std::move(call), input, place, shell::FileOp::kWrite, "file_path");
  }
  if (tool == "NotebookEdit") return FileCall(std::move(call), input, place, shell::FileOp::kWrite, "notebook_path");
  if (tool == "Glob" || tool == "Grep" || tool == "LS") return SearchCall(std::move(call), input, place);
  if (tool == "WebFetch") {
    auto url = input.String("url", kMaxUrlBytes);
    if (!url.ok()) return url.status();
    auto request = HttpRequest(place, *url, input.Name("url"));
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  if (tool == "WebSearch") return Unsupported(std::move(call), tool + ": web searches are not checked by Warden");
  if (IsMcpTool(tool)) {
    auto request = McpRequest(place, tool, input.object());
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  return Unsupported(std::move(call), tool + ": Warden does not check this tool");
}

json::object PreToolUseAnswer(std::string_view decision, const std::string& message) {
  json::object specific;
  specific["hookEventName"] = kEvent;
  specific["permissionDecision"] = decision;
  specific["permissionDecisionReason"] = message;
  json::object out;
  out["hookSpecificOutput"] = std::move(specific);
  return out;
}

}  // namespace

Result<HookCall> ParseClaude(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kClaude;
  auto event = fields.String("hook_event_name");
  if (!event.ok()) return event.status();
  call.event = std::move(event).value();
  if (call.event != kEvent) return Unsupported(std::move(call), "the " + call.event + " event is not checked");
  auto tool = fields.String("tool_name");
  if (!tool.ok()) return tool.status();
  call.tool = std::move(tool).value();
  auto input = fields.Object("tool_input");
  if (!input.ok()) return input.status();
  auto cwd = fields.OptionalString("cwd");
  if (!cwd.ok()) return cwd.status();
  auto place = PlaceFor(*cwd, "cwd", std::nullopt, defaults);
  if (!place.ok()) return place.status();
  return ToolCall(std::move(call), *input, *place);
}

HookAnswer RenderClaude(const HookCall& call, policy::Decision decision, const std::string& message) {
  if (!call.unsupported.empty()) return HookAnswer{"", "", 0};
  return HookAnswer{JsonLine(PreToolUseAnswer(policy::DecisionName(decision), message)), "", 0};
}

HookAnswer RenderClaudeError(const std::string& message) {
  // Exit 2 blocks even if the JSON were not read; the JSON says the same for anyone who does.
  return HookAnswer{JsonLine(PreToolUseAnswer("deny", message)), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
