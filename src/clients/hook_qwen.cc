// Qwen Code: the PreToolUse command hook (settings.json "hooks", Claude Code's shape).
//
// Documentation: Qwen Code's hooks follow Claude Code's protocol (hook_claude.cc) — the same
// envelope (session_id, transcript_path, cwd, hook_event_name "PreToolUse", tool_name,
// tool_input, tool_use_id) and the same answers (hookSpecificOutput.permissionDecision; exit 2
// blocks) — but its tools are Gemini CLI's, from which it was forked (run_shell_command with
// command, description, is_background; read_file; write_file; …: hook_gemini.cc). Measured
// against @qwen-code/qwen-code 0.15.10 (../shared/agents/NOTES.md): deny, exit 2 and ask (which
// headless runs treat as a refusal) block; allow runs. Matchers: "*" matches every tool
// (packages/core/src/hooks/hook-matcher.ts).
//
// Mapping: Gemini CLI's (GeminiToolCall); answers: Claude Code's (RenderClaude).
#include "clients/hook_payload.h"

namespace warden::clients::hook_internal {

Result<HookCall> ParseQwen(const json::object& payload, const HookDefaults& defaults) {
  Fields fields(payload, "");
  HookCall call;
  call.agent = Agent::kQwen;
  auto event = fields.String("hook_event_name");
  if (!event.ok()) return event.status();
  call.event = std::move(event).value();
  if (call.event != "PreToolUse") return Unsupported(std::move(call), "the " + call.event + " event is not checked");
  auto tool = fields.String("tool_name");
  if (!tool.ok()) return tool.status();
  call.tool = std::move(tool).value();
  auto input = fields.Object("tool_input");
  if (!input.ok()) return input.status();
  auto cwd = fields.OptionalString("cwd");
  if (!cwd.ok()) return cwd.status();
  auto place = PlaceFor(*cwd, "cwd", std::nullopt, defaults);
  if (!place.ok()) return place.status();
  return GeminiToolCall(std::move(call), fields, *input, *place);
}

}  // namespace warden::clients::hook_internal
