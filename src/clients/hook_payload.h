// What the per-agent hook files share (internal to src/clients): reading payload fields with
// errors that name them, placing a call (cwd, workspace, home), building requests, and the
// wording of answers. Each agent file implements the three functions declared at the end.
// Pure functions and a read-only view; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/hook.h"
#include "core/status.h"
#include "policy/decision.h"
#include "policy/request.h"
#include "shell/facts.h"

namespace warden::clients::hook_internal {

namespace json = boost::json;

// Longest string field read from a payload other than a command (paths, names, cwd).
inline constexpr size_t kMaxFieldBytes = policy::kMaxPathBytes;
// Longest URL accepted, as for `warden check --request`.
inline constexpr size_t kMaxUrlBytes = policy::kMaxUrlBytes;
// Longest command (or patch) accepted, as for `warden check --request`.
inline constexpr size_t kMaxCommandBytes = policy::kMaxRequestJsonBytes;

// A read-only view of one JSON object of the payload. `where` is its dotted name in messages
// ("" for the payload itself, "tool_input" for its tool_input object).
class Fields {
 public:
  Fields(const json::object& object, std::string where) : object_(&object), where_(std::move(where)) {}

  // The field's full name in messages: "tool_input.command".
  std::string Name(std::string_view key) const;
  // The value, or null when it is absent or JSON null.
  const json::value* Find(std::string_view key) const;

  Result<std::string> String(std::string_view key, size_t max = kMaxFieldBytes) const;
  Result<std::optional<std::string>> OptionalString(std::string_view key, size_t max = kMaxFieldBytes) const;
  // The first of several names a field has had across versions; the message names the first.
  Result<std::string> StringAlias(std::initializer_list<std::string_view> keys, size_t max = kMaxFieldBytes) const;
  Result<std::optional<std::string>> OptionalStringAlias(std::initializer_list<std::string_view> keys,
                                                         size_t max = kMaxFieldBytes) const;
  Result<Fields> Object(std::string_view key) const;
  const json::object& object() const { return *object_; }

 private:
  Result<std::string> AsString(const json::value& v, std::string_view key, size_t max) const;

  const json::object* object_;
  std::string where_;
};

// The payload as one JSON object (size limit, malformed JSON with its byte offset).
Result<json::object> ParsePayload(std::string_view text);

// Where one call happens.
struct Place {
  policy::Context context = policy::Context::kAi;
  std::string cwd;
  std::string workspace;
  std::string home;
};

// `cwd` from the payload when it gave one (it must be absolute; `field` names it in errors),
// else the defaults; `workspace` likewise (an agent's own project root, when it sends one).
Result<Place> PlaceFor(const std::optional<std::string>& cwd, std::string_view field,
                       const std::optional<std::string>& workspace, const HookDefaults& defaults);

policy::Request ExecRequest(const Place& place, std::string command);
// `path` as the agent gave it (absolute, ~ or relative to the cwd); `field` names it in errors.
Result<policy::Request> FileRequest(const Place& place, shell::FileOp op, std::string_view path,
                                    std::string_view field);

// A GET of `url` (an absolute http or https URL, normalized; `field` names it in errors).
Result<policy::Request> HttpRequest(const Place& place, std::string_view url, std::string_view field);

// `call` with a request for each file an apply_patch patch touches ("*** Add File:", "*** Update
// File:", "*** Move to:" → write; "*** Delete File:" → delete); a patch naming none is an error
// (`field` names it). Codex's apply_patch, Copilot's, Droid's ApplyPatch.
Result<HookCall> PatchCall(HookCall&& call, std::string_view patch, const Place& place, std::string_view field);

// A call of MCP tool `tool` (mcp__SERVER__TOOL) with `arguments` (the tool_input object).
Result<policy::Request> McpRequest(const Place& place, std::string_view tool, const json::object& arguments);

// A tool of the agent's own that Warden has no model for, as a fact the policy decides: an MCP
// request from the pseudo-server "<agent>:builtin" (a name no MCP server can have) with the
// tool's input as arguments. The default profile asks for these (docs/HOOKS.md).
inline constexpr std::string_view kAgentToolServerSuffix = ":builtin";
Result<policy::Request> AgentToolRequest(const Place& place, Agent agent, std::string_view tool,
                                         const json::object& arguments);

// A call Warden deliberately has no opinion on (the tool tables in docs/HOOKS.md say why).
HookCall Unsupported(HookCall&& call, std::string why);
bool IsMcpTool(std::string_view tool);  // mcp__SERVER__TOOL

// The sentence an agent shows for a decision: "Warden denied this: REASON [RULE]".
std::string Explain(policy::Decision decision, std::string_view reason, std::string_view rule);
// The sentence for an error: "Warden blocked this call: MESSAGE".
std::string ExplainError(std::string_view message);
std::string JsonLine(const json::object& object);

// One set per agent (hook_<agent>.cc). Parse* gets the payload object; Render* gets the
// sentence Explain wrote.
Result<HookCall> ParseClaude(const json::object& payload, const HookDefaults& defaults);
HookAnswer RenderClaude(const HookCall& call, policy::Decision decision, const std::string& message);
HookAnswer RenderClaudeError(const std::string& message);
// An allowed call answered with its input rewritten (--sandbox): `allow` — a rule allowed it —
// adds permissionDecision allow with `message`; otherwise the agent's own permission flow goes
// on with the new input.
HookAnswer RenderClaudeRewrite(const json::object& updated_input, bool allow, const std::string& message);

// Claude Code's protocol, for the agents that speak it with tools of their own (Factory Droid;
// hook_claude.cc): the PreToolUse envelope — hook_event_name (another event: no opinion;
// Droid's hookEventName is read too), tool_name, tool_input, cwd — with `tool_call` mapping the
// tool; answers are RenderClaude's.
using ClaudeToolMapper = Result<HookCall> (*)(HookCall&& call, const Fields& input, const Place& place);
Result<HookCall> ParseClaudeEnvelope(Agent agent, const json::object& payload, const HookDefaults& defaults,
                                     ClaudeToolMapper tool_call);
// Claude's mapping steps, shared: `command` → exec; one request added (or its error); a file
// request for the first of `keys` present (the message names the first); a read of what lies
// under the first of `keys` present (the cwd when none is).
Result<HookCall> ExecCall(HookCall&& call, const Fields& input, const Place& place);
Result<HookCall> RequestCall(HookCall&& call, Result<policy::Request> request);
Result<HookCall> FilePathCall(HookCall&& call, const Fields& input, const Place& place, shell::FileOp op,
                              std::initializer_list<std::string_view> keys);
Result<HookCall> SearchPathCall(HookCall&& call, const Fields& input, const Place& place,
                                std::initializer_list<std::string_view> keys, bool recursive);

// Factory Droid: Claude Code's protocol (ParseClaudeEnvelope, RenderClaude) with Droid's tools.
Result<HookCall> ParseDroid(const json::object& payload, const HookDefaults& defaults);

Result<HookCall> ParseCodex(const json::object& payload, const HookDefaults& defaults);
HookAnswer RenderCodex(const HookCall& call, policy::Decision decision, const std::string& message);
HookAnswer RenderCodexError(const std::string& message);

Result<HookCall> ParseGemini(const json::object& payload, const HookDefaults& defaults);
HookAnswer RenderGemini(const HookCall& call, policy::Decision decision, const std::string& message);
HookAnswer RenderGeminiError(const std::string& message);
HookAnswer RenderGeminiRewrite(const json::object& tool_input, bool allow);

// Gemini CLI's tool names, for Gemini and for the agents that use them (Qwen Code): `payload`
// for its mcp_context, `input` the tool_input.
Result<HookCall> GeminiToolCall(HookCall&& call, const Fields& payload, const Fields& input, const Place& place);

// Qwen Code: Claude Code's protocol (PreToolUse, hookSpecificOutput) with Gemini CLI's tools.
Result<HookCall> ParseQwen(const json::object& payload, const HookDefaults& defaults);

// GitHub Copilot CLI: its own preToolUse payload (toolName, toolArgs) and answers.
Result<HookCall> ParseCopilot(const json::object& payload, const HookDefaults& defaults);
HookAnswer RenderCopilot(const HookCall& call, policy::Decision decision, const std::string& message);
HookAnswer RenderCopilotError(const std::string& message);

Result<HookCall> ParseCursor(const json::object& payload, const HookDefaults& defaults);
HookAnswer RenderCursor(const HookCall& call, policy::Decision decision, const std::string& message);
HookAnswer RenderCursorError(const std::string& message);

}  // namespace warden::clients::hook_internal
