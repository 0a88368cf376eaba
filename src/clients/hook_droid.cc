// Factory Droid: the PreToolUse command hook (~/.factory/hooks.json, or the "hooks" key of
// ~/.factory/settings.json; the project's .factory/ likewise).
//
// Documentation: https://docs.factory.ai/reference/hooks-reference and
// https://docs.factory.ai/harness/hooks (configuration, matchers — "*" matches every tool —,
// the PreToolUse input and decision control), https://docs.factory.ai/cli/configuration/hooks-guide.
// Droid's hooks are Claude Code's protocol (hook_claude.cc): the same envelope (session_id,
// transcript_path, cwd, permission_mode, hook_event_name "PreToolUse", tool_name, tool_input),
// the same answers (hookSpecificOutput.permissionDecision allow|deny|ask with
// permissionDecisionReason; exit 2 blocks with stderr fed back to Droid; other non-zero exit
// codes are non-blocking errors). Some describe the envelope's names in camelCase
// (hookEventName): the event is read under either name. droid is not on npm, so none of this
// has been measured against the real agent (tests/agents cannot run it).
//
// Tools (Droid's own names; the fields as documented or as Factory's hook examples read them —
// where the name is not documented, every name seen is read):
//   Execute          command (riskLevel, riskLevelReason, timeout: not read)
//   Read             file_path (or path)
//   Create           file_path (or path), content (never read back)
//   Edit, MultiEdit  file_path (or path), the strings (never read back)
//   ApplyPatch       input (or patch): "*** Begin Patch" text, as Codex's apply_patch
//   LS, Glob, Grep   directory_path, folder or path (the cwd when absent)
//   FetchUrl         url
//   MCP tools        mcp__SERVER__TOOL, tool_input = the arguments
//   Task, TodoWrite, WebSearch, AskUser   nothing to decide
//
// Mapping: Execute → exec; Read → read; Create, Edit, MultiEdit → write; ApplyPatch → a write
// (or delete) per file it touches; LS → read of the directory, Glob and Grep → recursive read;
// FetchUrl → http GET (a missing or bad URL blocks); MCP tools → mcp. Any other tool (one
// added later, Create-PR, …) is an mcp request from "droid:builtin" that the policy decides —
// never a silent pass. Answers: Claude Code's (RenderClaude): no rule matched and the default
// allows → no output, so Droid's own permission flow goes on.
#include <algorithm>
#include <iterator>

#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {
namespace {

// Subagents (whose own tool calls come through the hook), the to-do list, web searches and
// questions to the user change nothing outside the conversation.
bool PassedTool(std::string_view tool) {
  static constexpr std::string_view kPassed[] = {"Task", "TodoWrite", "WebSearch", "AskUser"};
  return std::find(std::begin(kPassed), std::end(kPassed), tool) != std::end(kPassed);
}

// ApplyPatch's patch: one request per file it adds, updates, moves to or deletes.
Result<HookCall> ApplyPatchCall(HookCall&& call, const Fields& input, const Place& place) {
  auto patch = input.StringAlias({"input", "patch"}, kMaxCommandBytes);
  if (!patch.ok()) return patch.status();
  return PatchCall(std::move(call), *patch, place, input.Name("input"));
}

Result<HookCall> DroidToolCall(HookCall&& call, const Fields& input, const Place& place) {
  const std::string tool = call.tool;
  if (tool == "Execute") return ExecCall(std::move(call), input, place);
  if (tool == "Read") return FilePathCall(std::move(call), input, place, shell::FileOp::kRead, {"file_path", "path"});
  if (tool == "Create" || tool == "Edit" || tool == "MultiEdit") {
    return FilePathCall(std::move(call), input, place, shell::FileOp::kWrite, {"file_path", "path"});
  }
  if (tool == "ApplyPatch") return ApplyPatchCall(std::move(call), input, place);
  if (tool == "LS") return SearchPathCall(std::move(call), input, place, {"directory_path", "folder", "path"}, false);
  if (tool == "Glob" || tool == "Grep") return SearchPathCall(std::move(call), input, place, {"directory_path", "folder", "path"}, true);
  if (tool == "FetchUrl") {
    auto url = input.String("url", kMaxUrlBytes);
    if (!url.ok()) return url.status();
    return RequestCall(std::move(call), HttpRequest(place, *url, input.Name("url")));
  }
  if (IsMcpTool(tool)) return RequestCall(std::move(call), McpRequest(place, tool, input.object()));
  if (PassedTool(tool)) return Unsupported(std::move(call), tool + ": nothing for Warden to decide (docs/HOOKS.md)");
  return RequestCall(std::move(call), AgentToolRequest(place, Agent::kDroid, tool, input.object()));
}

}  // namespace

Result<HookCall> ParseDroid(const json::object& payload, const HookDefaults& defaults) {
  return ParseClaudeEnvelope(Agent::kDroid, payload, defaults, DroidToolCall);
}

}  // namespace warden::clients::hook_internal
