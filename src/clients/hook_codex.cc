// OpenAI Codex CLI: the PreToolUse command hook (hooks.json or [hooks] in config.toml; on by
// default in current releases, formerly behind [features] codex_hooks / hooks).
//
// Documentation: https://developers.openai.com/codex/hooks and the generated schemas in the
// Codex repository, codex-rs/hooks/schema/generated/pre-tool-use.command.input.schema.json and
// pre-tool-use.command.output.schema.json, with codex-rs/hooks/src/events/pre_tool_use.rs for
// how answers are read (github.com/openai/codex). apply_patch payloads: openai/codex PR #18391.
//
// stdin (one JSON object):
//   session_id, turn_id, transcript_path (string or null), cwd, hook_event_name ("PreToolUse"),
//   model, permission_mode, tool_name, tool_use_id, tool_input
//   tool_name "Bash"        shell, exec_command and unified exec: tool_input {command}
//   tool_name "apply_patch" tool_input {command: the whole patch, "*** Begin Patch" … with
//                           "*** Add File: P", "*** Update File: P", "*** Move to: P",
//                           "*** Delete File: P" lines}
//   tool_name mcp__SERVER__TOOL   tool_input = the tool's arguments
// stdout on exit 0:
//   {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",
//     "permissionDecisionReason":"…"}} blocks the call, the reason goes to the model.
//   Only "deny" is honoured: Codex reports "allow" (without updatedInput) and "ask" as
//   unsupported, marks the hook failed and lets the call run. No output: no opinion.
//   Exit 2 with a reason on stderr also blocks; other exit codes are failures that let the
//   call run.
//
// So: allow → no output; deny → the deny JSON; ask → the deny JSON saying a person has to
// approve (Codex's PreToolUse cannot ask; failing closed beats letting it run). Bash → exec,
// apply_patch → one file write (delete for Delete File) per path; MCP tools → mcp; view_image →
// read; update_plan and web_search pass; any other tool (only with a wider matcher than the one
// `warden install codex` writes) → mcp from "codex:builtin", which the policy decides.
#include <utility>
#include <vector>

#include "clients/hook_payload.h"
#include "core/strings.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kEvent = "PreToolUse";

bool IsShellTool(std::string_view tool) {
  return tool == "Bash" || tool == "shell" || tool == "local_shell" || tool == "exec_command" || tool == "unified_exec";
}

// A command is a string; older shell tools sent an argv list.
Result<policy::Request> ShellRequest(const Fields& input, const Place& place) {
  const json::value* v = input.Find("command");
  if (v == nullptr) return Status::InvalidArgument(input.Name("command") + " is missing");
  if (v->is_string()) {
    auto command = input.String("command", kMaxCommandBytes);
    if (!command.ok()) return command.status();
    return ExecRequest(place, std::move(command).value());
  }
  if (!v->is_array() || v->get_array().empty()) {
    return Status::InvalidArgument(input.Name("command") + " must be a string (or a non-empty list of strings)");
  }
  policy::Request r = ExecRequest(place, "");
  size_t total = 0;
  for (const json::value& word : v->get_array()) {
    if (!word.is_string()) return Status::InvalidArgument(input.Name("command") + "[] must be strings");
    total += word.get_string().size();
    if (total > kMaxCommandBytes) return Status::TooLarge(input.Name("command") + " is too long");
    r.argv.emplace_back(word.get_string().data(), word.get_string().size());
  }
  r.has_argv = true;
  return r;
}

Result<HookCall> ToolCall(HookCall&& call, const Fields& input, const Place& place) {
  if (IsShellTool(call.tool)) {
    auto request = ShellRequest(input, place);
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  if (call.tool == "apply_patch") {  // the whole patch arrives in tool_input.command
    auto patch = input.String("command", kMaxCommandBytes);
    if (!patch.ok()) return patch.status();
    return PatchCall(std::move(call), *patch, place, input.Name("command"));
  }
  if (IsMcpTool(call.tool)) {
    auto request = McpRequest(place, call.tool, input.object());
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  if (call.tool == "view_image") {
    auto path = input.String("path");
    if (!path.ok()) return path.status();
    auto request = FileRequest(place, shell::FileOp::kRead, *path, input.Name("path"));
    if (!request.ok()) return request.status();
    call.requests.push_back(std::move(request).value());
    return call;
  }
  if (call.tool == "update_plan" || call.tool == "web_search") {
    return Unsupported(std::move(call), call.tool + ": nothing for Warden to decide (docs/HOOKS.md)");
  }
  // Any other tool (when a wider matcher sends it) is a fact the policy decides.
  auto request = AgentToolRequest(place, Agent::kCodex, call.tool, input.object());
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

json::object DenyAnswer(const std::string& message) {
  json::object specific;
  specific["hookEventName"] = kEvent;
  specific["permissionDecision"] = "deny";
  specific["permissionDecisionReason"] = message;
  json::object out;
  out["hookSpecificOutput"] = std::move(specific);
  return out;
}

}  // namespace

Result<HookCall> ParseCodex(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kCodex;
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

HookAnswer RenderCodex(const HookCall& call, policy::Decision decision, const std::string& message) {
  if (!call.unsupported.empty() || decision == policy::Decision::kAllow) return HookAnswer{"", "", 0};
  if (decision == policy::Decision::kAsk) {
    return HookAnswer{
        JsonLine(DenyAnswer(message + ". Codex hooks cannot ask for approval, so Warden refuses it: run it "
                                      "yourself if you approve, or change the policy.")),
        "", 0};
  }
  return HookAnswer{JsonLine(DenyAnswer(message)), "", 0};
}

HookAnswer RenderCodexError(const std::string& message) {
  return HookAnswer{JsonLine(DenyAnswer(message)), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
