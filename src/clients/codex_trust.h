// Codex CLI runs a command hook only once it is trusted: `codex exec` skips an untrusted hook
// without a word. Trust is an entry in $CODEX_HOME/config.toml,
//
//   [hooks.state."<absolute hooks.json path>:pre_tool_use:<group>:<index>"]
//   trusted_hash = "sha256:<hex>"
//
// where <hex> is the SHA-256 of the hook group as Codex normalizes it: compact JSON, keys
// sorted, defaults filled in —
//   {"event_name":"pre_tool_use","hooks":[{"async":false,"command":CMD,"timeout":T,
//    "type":"command"}],"matcher":M}
// (measured against @openai/codex 0.171.0 through its app-server's hooks/list; see
// ../shared/agents/NOTES.md). Hooks also need `[features] hooks = true` in older releases.
//
// The functions here compute that hash and edit config.toml's text for `warden install codex`:
// only the lines they own are added or replaced; everything else in the file stays byte for
// byte. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace warden::clients {

// The hook group Warden installs: one command hook under one matcher.
struct CodexHookGroup {
  std::string matcher;
  std::string command;
  int timeout_seconds = 30;
};

// "sha256:<64 hex digits>" for `group` as the PreToolUse event's group.
std::string CodexTrustedHash(const CodexHookGroup& group);

// The key of a hook's trust state: "<hooks_json>:pre_tool_use:<group>:<index>".
std::string CodexTrustKey(std::string_view hooks_json, size_t group, size_t index);

// `toml` with `[hooks.state."KEY"] trusted_hash = "HASH"` set (added, or the value replaced
// when the table is already there).
std::string WithCodexTrust(std::string_view toml, std::string_view key, std::string_view hash);

// `toml` with `hooks = true` in its [features] table (the table added when missing; a `hooks =
// false` there turned on).
std::string WithCodexHooksFeature(std::string_view toml);

}  // namespace warden::clients
