// Where each coding agent reads its hooks, and what Warden's entry there is: shared by
// `warden install` (which writes it) and `warden doctor` (which checks it is live).
//
//   claude  ~/.claude/settings.json  hooks.PreToolUse  matcher "*"
//   codex   $CODEX_HOME/hooks.json (~/.codex)  hooks.PreToolUse  matcher Bash|apply_patch|mcp__.*,
//           timeout 30, trusted in $CODEX_HOME/config.toml (clients/codex_trust.h)
//   gemini  ~/.gemini/settings.json  hooks.BeforeTool  matcher ".*"
//   cursor  ~/.cursor/hooks.json  beforeShellExecution, beforeReadFile, beforeMCPExecution,
//           preToolUse, each with failClosed
//   qwen    ~/.qwen/settings.json  hooks.PreToolUse  matcher "*"
//   copilot $COPILOT_HOME/hooks/warden.json (~/.copilot; with `project`: .github/hooks/warden.json)
//           hooks.preToolUse {"type":"command","bash":…,"timeoutSec":30}
//   droid   ~/.factory/hooks.json ($FACTORY_HOME_OVERRIDE/.factory; the legacy hooks/hooks.json when
//           only that exists) PreToolUse at the top, matcher "*" — when neither file exists, the
//           "hooks" key of ~/.factory/settings.json, which Droid reads only without a hooks.json
// (with `project`: the same files under the current directory, Codex's too). Reads the
// environment (HOME, CODEX_HOME, COPILOT_HOME, FACTORY_HOME_OVERRIDE) and, for Droid, which of
// its files exist; not thread-safe against setenv.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace warden::cli {

// claude, codex, gemini, cursor, qwen, copilot, droid.
const std::vector<std::string>& HookAgents();

// Codex: every tool kind Warden decides (shell, patches, MCP tools), and the timeout the trust
// hash covers.
inline constexpr const char* kCodexMatcher = "Bash|apply_patch|mcp__.*";
inline constexpr int kCodexTimeout = 30;

// The command an agent runs: this binary by absolute path, `hook AGENT`, and the daemon's
// socket as this environment names it (agents that clean their hooks' environment would
// otherwise look elsewhere). For agents that cannot ask a person themselves (Codex; Gemini,
// which hangs on an ask when headless) also `--wait kAskWaitS`: an ask becomes the daemon's
// approval flow while someone watches it, within the agent's hook timeout.
// With `sandbox`, also `--sandbox`: allowed shell commands are rewritten to run under `warden
// sandbox` (only for agents whose hooks can rewrite a call: clients::AgentCanConfine).
inline constexpr int kAskWaitS = 25;
std::string HookCommand(const std::string& agent, bool sandbox = false);

// This binary's absolute path (/proc/self/exe), or "warden" when it cannot be read.
std::string WardenBinaryPath();

// The entries Warden adds to the agent's settings (event → entry), for `command`.
struct AgentHookTarget {
  std::string file;  // the settings file, absolute
  std::vector<std::pair<std::string, boost::json::object>> entries;
  bool versioned = false;  // the file has "version": 1 (Cursor, Copilot)
  bool events_at_top = false;  // the events are the file's own keys, not under "hooks" (Droid's hooks.json)
};
AgentHookTarget TargetFor(const std::string& agent, const std::string& command, bool project);

// The target's file as {"hooks": {event: […]}, …} whatever its layout (ReadSettings otherwise),
// and the JSON to write back for such an object.
Result<boost::json::object> ReadTargetSettings(const AgentHookTarget& target, bool* existed);
boost::json::object TargetFileJson(const AgentHookTarget& target, boost::json::object settings);

// $CODEX_HOME, else ~/.codex.
std::string CodexHome();

// Whether an event's list holds a Warden hook for this agent (any path to warden), and where.
bool HasWardenHook(const boost::json::array& list, const std::string& agent);
size_t WardenGroupIndex(const boost::json::array& list, const std::string& agent);

// The settings file as a JSON object ({} when missing or blank); `*existed` says whether it was
// there. A file that is not a JSON object is an error naming it.
Result<boost::json::object> ReadSettings(const std::string& path, bool* existed);

// POSIX shell quoting when needed ('…'), and the first word of a command line unquoted.
std::string ShellQuote(const std::string& s);
std::string FirstWord(const std::string& command);

}  // namespace warden::cli
