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
// Mapping: Bash and Monitor → exec (payload cwd); REPL → exec of `node -e CODE`; Read, Glob,
// Grep, LS → file read; Write, Edit, MultiEdit, NotebookEdit → file write; WebFetch → http GET
// of tool_input.url (required: a missing or bad URL is an error, which blocks); MCP tools and
// ReadMcpResource (resources/read on its server) → mcp. Passed deliberately (PassedTool):
// subagents, background-task output and stop, plans, to-dos, questions, skills, web searches.
// Every other tool (Workflow, tools added later) is an mcp request from "claude:builtin" that
// the policy decides. No rule matched and allowed by the default: no output, so Claude's own
// permission flow goes on (an explicit allow would skip it).
//
// The envelope (ParseClaudeEnvelope), the mapping steps and the answers are shared with Factory
// Droid (hook_droid.cc), which speaks this protocol with tools of its own.
#include <algorithm>
#include <iterator>

#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {
namespace {

constexpr std::string_view kEvent = "PreToolUse";

Result<HookCall> FileCall(HookCall&& call, const Fields& input, const Place& place, shell::FileOp op,
                          std::string_view key) {
  return FilePathCall(std::move(call), input, place, op, {key});
}

// Glob, Grep and LS read what lies under `path` (the cwd when it is left out).
Result<HookCall> SearchCall(HookCall&& call, const Fields& input, const Place& place) {
  const bool recursive = call.tool != "LS";  // Glob and Grep search the whole tree
  return SearchPathCall(std::move(call), input, place, {"path"}, recursive);
}

// Tools that change nothing outside the conversation, or whose effects are decided elsewhere:
// a subagent's own tool calls reach this hook one by one; output and stop of a background
// command that was decided when it started; plans, to-dos and tasks, questions, skills, web
// searches, messages to the user or teammates; scheduled prompts and wake-ups (what the agent
// then does comes through the hook again); git worktrees the agent switches into (Claude Code
// 2.1.197 offers all of these).
bool PassedTool(std::string_view tool) {
  static constexpr std::string_view kPassed[] = {
      "Agent", "Task", "TaskOutput", "TaskStop", "BashOutput", "KillShell", "KillBash", "TodoWrite", "TodoRead",
      "TaskCreate", "TaskGet", "TaskList", "TaskUpdate", "ExitPlanMode", "EnterPlanMode", "AskUserQuestion",
      "Skill", "SlashCommand", "ListMcpResources", "WebSearch", "SendMessage", "ReportFindings",
      "ScheduleWakeup", "CronCreate", "CronDelete", "CronList", "EnterWorktree", "ExitWorktree"};
  return std::find(std::begin(kPassed), std::end(kPassed), tool) != std::end(kPassed);
}

// REPL runs JavaScript: decided as `node -e CODE`, so the inline-code rules read it.
Result<HookCall> ReplCall(HookCall&& call, const Fields& input, const Place& place) {
  auto code = input.String("code", kMaxCommandBytes);
  if (!code.ok()) return code.status();
  policy::Request r = ExecRequest(place, "");
  r.has_argv = true;
  r.argv = {"node", "-e", std::move(code).value()};
  call.requests.push_back(std::move(r));
  return call;
}

// ReadMcpResource {server, uri}: the MCP method resources/read on that server.
Result<HookCall> McpResourceCall(HookCall&& call, const Fields& input, const Place& place) {
  auto server = input.String("server", policy::kMaxNameBytes);
  if (!server.ok()) return server.status();
  auto request = McpRequest(place, "mcp__" + *server + "__resources/read", input.object());
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

Result<HookCall> ToolCall(HookCall&& call, const Fields& input, const Place& place) {
  const std::string& tool = call.tool;
  if (tool == "Bash" || tool == "Monitor") return ExecCall(std::move(call), input, place);
  if (tool == "REPL") return ReplCall(std::move(call), input, place);
  if (tool == "Read") return FileCall(std::move(call), input, place, shell::FileOp::kRead, "file_path");
  if (tool == "Write" || tool == "Edit" || tool == "MultiEdit") {
    return FileCall(std::move(call), input, place, shell::FileOp::kWrite, "file_path");
  }
  if (tool == "NotebookEdit") return FileCall(std::move(call), input, place, shell::FileOp::kWrite, "notebook_path");
  if (tool == "Glob" || tool == "Grep" || tool == "LS") return SearchCall(std::move(call), input, place);
  if (tool == "WebFetch") {
    auto url = input.String("url", kMaxUrlBytes);
    if (!url.ok()) return url.status();
    return RequestCall(std::move(call), HttpRequest(place, *url, input.Name("url")));
  }
  if (tool == "ReadMcpResource") return McpResourceCall(std::move(call), input, place);
  if (IsMcpTool(tool)) return RequestCall(std::move(call), McpRequest(place, tool, input.object()));
  if (PassedTool(tool)) return Unsupported(std::move(call), tool + ": nothing for Warden to decide (docs/HOOKS.md)");
  // Any other tool — a new one, or Workflow — is a fact the policy decides, never a silent pass.
  return RequestCall(std::move(call), AgentToolRequest(place, Agent::kClaude, tool, input.object()));
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

Result<HookCall> ExecCall(HookCall&& call, const Fields& input, const Place& place) {
  auto command = input.String("command", kMaxCommandBytes);
  if (!command.ok()) return command.status();
  call.requests.push_back(ExecRequest(place, std::move(command).value()));
  call.shell_input = json::serialize(input.object());  // for --sandbox's rewrite
  return call;
}

Result<HookCall> RequestCall(HookCall&& call, Result<policy::Request> request) {
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

Result<HookCall> FilePathCall(HookCall&& call, const Fields& input, const Place& place, shell::FileOp op,
                              std::initializer_list<std::string_view> keys) {
  auto path = input.StringAlias(keys);
  if (!path.ok()) return path.status();
  return RequestCall(std::move(call), FileRequest(place, op, *path, input.Name(*keys.begin())));
}

Result<HookCall> SearchPathCall(HookCall&& call, const Fields& input, const Place& place,
                                std::initializer_list<std::string_view> keys, bool recursive) {
  auto path = input.OptionalStringAlias(keys);
  if (!path.ok()) return path.status();
  auto request = FileRequest(place, shell::FileOp::kRead, path->value_or(place.cwd), input.Name(*keys.begin()));
  if (!request.ok()) return request.status();
  request->recursive = recursive;
  call.requests.push_back(std::move(request).value());
  return call;
}

Result<HookCall> ParseClaudeEnvelope(Agent agent, const json::object& payload, const HookDefaults& defaults,
                                     ClaudeToolMapper tool_call) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = agent;
  // Droid's payload is described with the event as hookEventName too (docs/HOOKS.md, Factory Droid).
  auto event = agent == Agent::kDroid ? fields.StringAlias({"hook_event_name", "hookEventName"})
                                      : fields.String("hook_event_name");
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
  return tool_call(std::move(call), *input, *place);
}

Result<HookCall> ParseClaude(const json::object& payload, const HookDefaults& defaults) {
  return ParseClaudeEnvelope(Agent::kClaude, payload, defaults, ToolCall);
}

HookAnswer RenderClaude(const HookCall& call, policy::Decision decision, const std::string& message) {
  if (!call.unsupported.empty()) return HookAnswer{"", "", 0};
  return HookAnswer{JsonLine(PreToolUseAnswer(policy::DecisionName(decision), message)), "", 0};
}

HookAnswer RenderClaudeRewrite(const json::object& updated_input, bool allow, const std::string& message) {
  // updatedInput replaces the whole tool_input (Claude Code 2.1.197 validates it against the
  // tool's schema), so it carries every field the agent sent. Without permissionDecision,
  // Claude Code's own permission flow goes on — on the rewritten input.
  json::object specific;
  specific["hookEventName"] = kEvent;
  if (allow) {
    specific["permissionDecision"] = "allow";
    specific["permissionDecisionReason"] = message;
  }
  specific["updatedInput"] = updated_input;
  json::object out;
  out["hookSpecificOutput"] = std::move(specific);
  return HookAnswer{JsonLine(out), "", 0};
}

HookAnswer RenderClaudeError(const std::string& message) {
  // Exit 2 blocks even if the JSON were not read; the JSON says the same for anyone who does.
  return HookAnswer{JsonLine(PreToolUseAnswer("deny", message)), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
