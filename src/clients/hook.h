// Agent hooks: what a coding agent (Claude Code, Codex CLI, Gemini CLI, Cursor, Qwen Code, Copilot CLI,
// Factory Droid) sends on
// stdin before it uses a tool, turned into Warden requests, and Warden's decision turned back
// into the answer that agent documents (stdout, stderr, exit code). One file per agent
// (hook_claude.cc, hook_codex.cc, hook_gemini.cc, hook_cursor.cc, hook_qwen.cc, hook_copilot.cc,
// hook_droid.cc) says which documentation it
// follows and which fields it reads; docs/HOOKS.md is the user's guide.
//
//   ParseHook   payload → HookCall: the tool's requests (a shell command → exec; a file read,
//               write, edit or patch → one file request per path; Claude's WebFetch → http),
//               or `unsupported` when the tool is not something Warden decides (web searches,
//               MCP tools, …)
//   DecideHook  decides every request with a caller's function; the strictest wins
//               (deny > ask > allow), as in the engine; an allow keeps an empty rule when
//               any request was allowed only by the default
//   (an unknown tool is not `unsupported`: it becomes a request the policy decides)
//   RenderHook  the agent's answer for a decision; `unsupported` calls, and allows no rule
//               gave (unless DefaultAllow::kAllow), get the agent's "no opinion" answer (or
//               allow where the agent has none)
//   RenderHookError  a malformed payload or an internal error: the agent's block answer,
//               with the message as the reason — never a silent allow
//   SandboxRewrite  (`warden hook AGENT --sandbox`) an allowed shell tool call — by a rule or
//               only by the default — is answered with the agent's input rewrite: the command
//               becomes `WARDEN sandbox -- bash -c 'COMMAND'` (ConfinedCommand), so it runs
//               under the kernel sandbox. Only for agents whose hooks can rewrite a tool's
//               input (AgentCanConfine: Claude Code's updatedInput, Gemini CLI's tool_input);
//               for the others `--sandbox` blocks every call (the caller checks
//               AgentCanConfine; RenderHook blocks too)
//
// Errors name the field ("tool_input.command is missing"). Answers never repeat a payload's
// file contents (Write `content`, Edit strings, Cursor's read `content`). Everything here is
// pure (no I/O except HookDefaults::find_workspace, which the caller supplies) and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/decision.h"
#include "policy/request.h"

namespace warden::clients {

enum class Agent : uint8_t { kClaude, kCodex, kGemini, kCursor, kQwen, kCopilot, kDroid };

// "claude", "codex", "gemini", "cursor", "qwen", "copilot", "droid".
std::string_view AgentName(Agent agent);
std::optional<Agent> ParseAgent(std::string_view name);

// The largest payload read from stdin; a bigger one is an error (answered with a block).
inline constexpr size_t kMaxHookInputBytes = 16 * 1024 * 1024;

// What the payload does not say.
struct HookDefaults {
  policy::Context context = policy::Context::kAi;
  std::string cwd;        // absolute; used when the payload names no working directory
  std::string home;       // absolute; for ~
  std::string workspace;  // absolute project root; empty: find_workspace(cwd), else cwd
  std::function<std::string(const std::string& cwd)> find_workspace;
};

struct HookCall {
  Agent agent = Agent::kClaude;
  std::string event;  // hook_event_name as sent ("PreToolUse", "BeforeTool", "beforeShellExecution", …)
  std::string tool;   // the tool's name as sent ("Bash", "run_shell_command", "apply_patch", …)
  // What the call would do, each decided on its own (a patch touching three files is three
  // file requests). Never empty unless `unsupported` is set.
  std::vector<policy::Request> requests;
  // Why Warden has no opinion on this call ("WebSearch: web searches are not checked"); empty
  // when it decides.
  std::string unsupported;
  // A shell tool call (Claude's Bash and Monitor, Gemini's run_shell_command): its whole
  // tool_input object as JSON text, which a SandboxRewrite answers with `command` rewritten and
  // every other field (description, timeout, dir_path, …) as sent. Empty for other calls.
  std::string shell_input;
};

Result<HookCall> ParseHook(Agent agent, std::string_view stdin_json, const HookDefaults& defaults);

struct HookVerdict {
  policy::Decision decision = policy::Decision::kDeny;
  std::string reason;
  std::string rule;  // "" when a default decided
};

// Decides each request with `decide` and keeps the strictest verdict (the first request that
// reaches it gives the reason and rule). Not for unsupported calls (nothing to decide: deny).
HookVerdict DecideHook(const HookCall& call, const std::function<HookVerdict(const policy::Request&)>& decide);

struct HookAnswer {
  std::string stdout_text;  // "" or one JSON object and a newline
  std::string stderr_text;
  int exit_code = 0;
};

// How an allow that no rule gave (only the context's default) is answered: no opinion, so the
// agent's own permission flow goes on (the default), or an explicit allow — which in Claude Code
// skips Claude's own prompt, so installing Warden would make the agent ask the person less.
enum class DefaultAllow : uint8_t { kNoOpinion, kAllow };

// `warden hook AGENT --sandbox`: allowed shell commands are rewritten to run under
// `WARDEN sandbox` (the kernel sandbox of the policy's context, without the analyzer: the hook
// has decided already).
struct SandboxRewrite {
  std::string warden;  // the warden binary the rewritten command runs, absolute
  // Options of `warden sandbox` before `--`: the hook's own policy choice (--context, --policy
  // FILE with FILE absolute, --profile, --isolated), so one policy drives both layers.
  std::vector<std::string> flags;
};

// Whether the agent's hook can replace a tool call's input and the agent runs what it gets
// (Claude Code: hookSpecificOutput.updatedInput; Gemini CLI: hookSpecificOutput.tool_input).
// Qwen Code's PreToolUse ignores updatedInput, Copilot CLI's preToolUse too, Codex's and
// Droid's and Cursor's are unmeasured: docs/HOOKS.md, "Confining allowed commands".
bool AgentCanConfine(Agent agent);
// Why `--sandbox` cannot work for `agent` ("" for those it works for), and the message of the
// block answer `warden hook AGENT --sandbox` gives every call of such an agent.
std::string CannotConfine(Agent agent);
std::string SandboxRefusal(Agent agent);

// `WARDEN sandbox FLAGS -- bash -c 'COMMAND'`, WARDEN and FLAGS quoted only when they need to
// be, COMMAND in POSIX single quotes (a ' is '\''), so bash -c gets COMMAND byte for byte.
// COMMAND must not contain a NUL byte (no argv can carry one).
std::string ConfinedCommand(const SandboxRewrite& sandbox, std::string_view command);
// True when `command` is already confined this way and needs no second wrap: exactly
// `WARDEN sandbox FLAGS -- …` (or, without FLAGS, `WARDEN exec --sandbox -- …`), spelled as
// ConfinedCommand spells it — the same binary, not any program named warden — followed by
// plain or single-quoted words only (no shell operator, expansion, redirection or newline that
// would run something outside the sandbox).
bool IsConfinedCommand(const SandboxRewrite& sandbox, std::string_view command);

HookAnswer RenderHook(Agent agent, const HookCall& call, policy::Decision decision, std::string_view reason,
                      std::string_view rule, DefaultAllow default_allow = DefaultAllow::kNoOpinion,
                      const SandboxRewrite* sandbox = nullptr);
HookAnswer RenderHookError(Agent agent, std::string_view message);

}  // namespace warden::clients
