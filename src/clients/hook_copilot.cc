// GitHub Copilot CLI: the preToolUse command hook (~/.copilot/hooks/*.json or the project's
// .github/hooks/*.json, {"version":1,"hooks":{"preToolUse":[{"type":"command","bash":CMD,
// "timeoutSec":N}]}}).
//
// Documentation: https://docs.github.com/en/copilot/reference/hooks-configuration, measured
// against @github/copilot 1.0.102 driven offline (COPILOT_OFFLINE=true, a fake chat-completions
// model; tests/agents/):
//
// stdin (one JSON object, no hook_event_name): sessionId, timestamp, cwd, toolName, toolArgs
// (an object; for apply_patch the raw patch text); subagents add agentId, agentType,
// parentAgentId.
//   bash         {command, description}            view     {path}
//   create       {path, file_text}                 edit     {path, old_str, new_str}
//   apply_patch  "*** Begin Patch…"                glob, grep  {pattern, paths}
//   web_fetch    {url}                             MCP tools   SERVER-TOOL (a hyphen), the arguments
// stdout on exit 0: {"permissionDecision":"allow|deny|ask","permissionDecisionReason":"…"}:
//   deny blocks (the reason goes to the model); ask prompts, and in -p is a refusal; allow also
//   skips Copilot's own permission check; {} or nothing: no opinion. Exit 2 blocks, with the
//   JSON's reason when there is one. A hook that errors blocks; one that times out (30 s by
//   default) lets the call run.
//
// Mapping: bash → exec; view → read; create, edit → write; apply_patch → the files it touches;
// glob, grep → recursive reads of their paths; web_fetch → http GET; SERVER-TOOL names → mcp
// (split at the first hyphen: Copilot does not send the server's name); task, skill, sql,
// list_agents, list_bash, read_bash, stop_bash and the documentation tool pass; any other tool
// → mcp from "copilot:builtin", which the policy decides.
#include <algorithm>
#include <iterator>

#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {
namespace {

// Tools whose effects are decided elsewhere (subagents' calls come through the hook; the
// output and stop of a bash session decided when it started) or stay inside the session.
bool PassedTool(std::string_view tool) {
  // Tools that change nothing outside the conversation: subagents (whose own tool calls come
  // through the hook), the session's own SQLite store, reading or stopping a shell already started.
  static constexpr std::string_view kPassed[] = {
      "task",      "read_agent", "write_agent", "list_agents", "skill",     "sql",
      "session_store_sql", "list_bash", "read_bash", "stop_bash", "fetch_copilot_cli_documentation", "report_intent"};
  return std::find(std::begin(kPassed), std::end(kPassed), tool) != std::end(kPassed);
}

Result<HookCall> Add(HookCall&& call, Result<policy::Request> request) {
  if (!request.ok()) return request.status();
  call.requests.push_back(std::move(request).value());
  return call;
}

// glob and grep search under each of `paths` (a string or a list; the cwd when absent).
Result<HookCall> SearchCall(HookCall&& call, const Fields& args, const Place& place) {
  std::vector<std::string> paths;
  if (const json::value* v = args.Find("paths"); v != nullptr && v->is_array()) {
    for (const json::value& p : v->get_array()) {
      if (!p.is_string()) return Status::InvalidArgument(args.Name("paths") + "[] must be strings");
      paths.emplace_back(p.get_string());
    }
  } else if (auto one = args.OptionalStringAlias({"paths", "path"}); !one.ok()) {
    return one.status();
  } else if (one->has_value()) {
    paths.push_back(**one);
  }
  if (paths.empty()) paths.push_back(place.cwd);
  for (const std::string& p : paths) {
    auto request = FileRequest(place, shell::FileOp::kRead, p, args.Name("paths"));
    if (!request.ok()) return request.status();
    request->recursive = true;
    call.requests.push_back(std::move(request).value());
  }
  return call;
}

Result<HookCall> ToolCall(HookCall&& call, const json::value& raw_args, const Place& place) {
  const std::string tool = call.tool;
  if (tool == "apply_patch" && raw_args.is_string()) {
    return PatchCall(std::move(call), std::string_view(raw_args.get_string()), place, "toolArgs");
  }
  static const json::object kNone;
  if (!raw_args.is_object() && !raw_args.is_null()) return Status::InvalidArgument("toolArgs must be an object");
  Fields args(raw_args.is_object() ? raw_args.get_object() : kNone, "toolArgs");
  if (tool == "bash") {
    auto command = args.String("command", kMaxCommandBytes);
    if (!command.ok()) return command.status();
    call.requests.push_back(ExecRequest(place, std::move(command).value()));
    return call;
  }
  auto file = [&](shell::FileOp op) -> Result<HookCall> {
    auto path = args.String("path");
    if (!path.ok()) return path.status();
    return Add(std::move(call), FileRequest(place, op, *path, args.Name("path")));
  };
  if (tool == "view") return file(shell::FileOp::kRead);
  if (tool == "create" || tool == "edit") return file(shell::FileOp::kWrite);
  if (tool == "glob" || tool == "grep" || tool == "rg") return SearchCall(std::move(call), args, place);
  if (tool == "web_fetch") {
    auto url = args.String("url", kMaxUrlBytes);
    if (!url.ok()) return url.status();
    return Add(std::move(call), HttpRequest(place, *url, args.Name("url")));
  }
  if (PassedTool(tool)) return Unsupported(std::move(call), tool + ": nothing for Warden to decide (docs/HOOKS.md)");
  if (size_t dash = tool.find('-'); dash != std::string::npos && dash > 0 && dash + 1 < tool.size()) {
    return Add(std::move(call), McpRequest(place, "mcp__" + tool.substr(0, dash) + "__" + tool.substr(dash + 1), args.object()));
  }
  return Add(std::move(call), AgentToolRequest(place, Agent::kCopilot, tool, args.object()));
}

json::object Answer(std::string_view decision, const std::string& message) {
  json::object out;
  out["permissionDecision"] = decision;
  if (!message.empty()) out["permissionDecisionReason"] = message;
  return out;
}

}  // namespace

Result<HookCall> ParseCopilot(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kCopilot;
  call.event = "preToolUse";
  auto tool = fields.String("toolName", policy::kMaxNameBytes);
  if (!tool.ok()) return tool.status();
  call.tool = std::move(tool).value();
  auto cwd = fields.OptionalString("cwd");
  if (!cwd.ok()) return cwd.status();
  auto place = PlaceFor(*cwd, "cwd", std::nullopt, defaults);
  if (!place.ok()) return place.status();
  const json::value* args = fields.Find("toolArgs");
  static const json::value kNull;
  return ToolCall(std::move(call), args != nullptr ? *args : kNull, *place);
}

HookAnswer RenderCopilot(const HookCall& call, policy::Decision decision, const std::string& message) {
  if (!call.unsupported.empty()) return HookAnswer{"", "", 0};
  return HookAnswer{JsonLine(Answer(policy::DecisionName(decision), message)), "", 0};
}

HookAnswer RenderCopilotError(const std::string& message) {
  // Exit 2 blocks; with it Copilot takes the reason from the JSON (its stderr is not passed on).
  return HookAnswer{JsonLine(Answer("deny", message)), message + "\n", 2};
}

}  // namespace warden::clients::hook_internal
