#!/usr/bin/env bash
# `warden install AGENT`: the hook is merged into the agent's real settings file, the user's
# settings are kept, a backup is made, running it twice changes nothing, a broken file is left
# alone, --print changes nothing, and the installed command answers a hook payload.
# usage: install_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: install_test.sh path/to/warden}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= WARDEN_SOCKET=$TMP/none.sock
mkdir -p "$HOME/.claude"
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
check() { if eval "$1"; then ok; else fail "$2"; fi; }

original='{"model":"opus","permissions":{"allow":["Bash(ls:*)"]},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"other-tool"}]}]}}'
echo "$original" >"$HOME/.claude/settings.json"
"$WARDEN" install claude >/dev/null; check '[ $? = 0 ]' "install claude"
s=$HOME/.claude/settings.json
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"model\"]==\"opus\" and d[\"permissions\"][\"allow\"]==[\"Bash(ls:*)\"]; hs=d[\"hooks\"][\"PreToolUse\"]; assert hs[0][\"hooks\"][0][\"command\"]==\"other-tool\" and len(hs)==2" "$s"' \
  "the user's settings and hooks are kept"
backup=$(ls "$HOME/.claude/"settings.json.warden-backup-* 2>/dev/null | head -1)
check '[ -n "$backup" ] && [ "$(cat "$backup")" = "$original" ]' "the backup holds the previous file"
before=$(cat "$s")
out=$("$WARDEN" install claude)
check '[ "$(cat "$s")" = "$before" ]' "a second install changes nothing"
check '[[ "$out" == *"already"* ]]' "a second install says so"

# The installed command answers a real payload.
cmd=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hooks"]["PreToolUse"][1]["hooks"][0]["command"])' "$s")
out=$(echo '{"session_id":"s","transcript_path":"/tmp/t","cwd":"/tmp","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf /"}}' | sh -c "$cmd" 2>/dev/null)
check '[[ "$out" == *"\"permissionDecision\":\"deny\""* ]]' "the installed hook command denies rm -rf /: $out"

for agent in codex gemini cursor; do
  "$WARDEN" install "$agent" --json >"$TMP/$agent.json"; check '[ $? = 0 ]' "install $agent"
done
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"version\"]==1 and all(h[0][\"failClosed\"] for h in d[\"hooks\"].values())" "$HOME/.cursor/hooks.json"' "cursor: failClosed hooks"
check 'grep -q "hook codex" "$HOME/.codex/hooks.json"' "codex hooks.json"
# Codex runs a hook only once it is trusted: config.toml must hold the SHA-256 of Warden's group
# as Codex normalizes it (compact, keys sorted, async and timeout filled in), under the key
# "<hooks.json>:pre_tool_use:<group>:<index>", and the hooks feature must be on. Computed here
# independently from what hooks.json holds.
check 'python3 - "$HOME/.codex/hooks.json" "$HOME/.codex/config.toml" <<"PY"
import hashlib, json, sys
hooks = json.load(open(sys.argv[1]))["hooks"]["PreToolUse"]
g = next(i for i, grp in enumerate(hooks) if "hook codex" in grp["hooks"][0]["command"])
grp = hooks[g]
assert grp["matcher"] == "Bash|apply_patch|mcp__.*", grp["matcher"]
h = dict(grp["hooks"][0]); h.setdefault("async", False)
canon = json.dumps({"event_name": "pre_tool_use", "hooks": [h], "matcher": grp["matcher"]}, sort_keys=True, separators=(",", ":"))
want = "sha256:" + hashlib.sha256(canon.encode()).hexdigest()
toml = open(sys.argv[2]).read()
assert "[hooks.state.\"%s:pre_tool_use:%d:0\"]\ntrusted_hash = \"%s\"" % (sys.argv[1], g, want) in toml, toml
assert "[features]\nhooks = true" in toml, toml
PY' "codex: the hook is trusted in config.toml"
check 'grep -q "BeforeTool" "$HOME/.gemini/settings.json"' "gemini settings"

# Factory Droid reads ~/.factory/hooks.json (events at the top) and, only without one, the "hooks"
# key of ~/.factory/settings.json: Warden goes into hooks.json when it exists and never creates one
# (it would hide the user's settings.json hooks).
mkdir -p "$HOME/.factory" && echo '{"model":"custom"}' >"$HOME/.factory/settings.json"
"$WARDEN" install droid >/dev/null; check '[ $? = 0 ]' "install droid"
check '[ ! -e "$HOME/.factory/hooks.json" ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"model\"]==\"custom\"; g=d[\"hooks\"][\"PreToolUse\"][0]; assert g[\"matcher\"]==\"*\" and \"hook droid\" in g[\"hooks\"][0][\"command\"], d" "$HOME/.factory/settings.json"' \
  "droid: without a hooks.json, the hook goes into settings.json and no hooks.json is created"
cmd=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hooks"]["PreToolUse"][0]["hooks"][0]["command"])' "$HOME/.factory/settings.json")
out=$(echo '{"session_id":"s","cwd":"/tmp","hook_event_name":"PreToolUse","tool_name":"Execute","tool_input":{"command":"rm -rf /","riskLevel":"high"}}' | sh -c "$cmd" 2>/dev/null)
check '[[ "$out" == *"\"permissionDecision\":\"deny\""* ]]' "droid: the installed hook command denies Execute rm -rf /: $out"
"$WARDEN" install droid --remove >/dev/null
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d==dict(model=\"custom\", hooks={}), d" "$HOME/.factory/settings.json"' \
  "droid: --remove takes the hook out of settings.json"
echo '{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"fmt"}]}]}' >"$HOME/.factory/hooks.json"
"$WARDEN" install droid >/dev/null; check '[ $? = 0 ]' "install droid with a hooks.json"
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert \"hooks\" not in d and d[\"PostToolUse\"][0][\"hooks\"][0][\"command\"]==\"fmt\"; assert \"hook droid\" in d[\"PreToolUse\"][0][\"hooks\"][0][\"command\"], d" "$HOME/.factory/hooks.json"' \
  "droid: with a hooks.json, the hook goes there, at the top, beside the user's events"
check '[[ "$("$WARDEN" install droid --print)" == "{\"PreToolUse\":"* ]]' "droid: --print shows hooks.json's layout"
"$WARDEN" install droid --remove >/dev/null
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert list(d)==[\"PostToolUse\"], d" "$HOME/.factory/hooks.json"' \
  "droid: --remove takes it out of hooks.json and keeps the user's events"
mkdir -p "$TMP/factory-home" && FACTORY_HOME_OVERRIDE=$TMP/factory-home "$WARDEN" install droid >/dev/null
check 'grep -q "hook droid" "$TMP/factory-home/.factory/settings.json"' "droid: FACTORY_HOME_OVERRIDE is the home .factory is in"

out=$("$WARDEN" install gemini --print)
check '[[ "$out" == *BeforeTool* ]]' "--print shows the snippet"
echo '{"broken": ' >"$HOME/.gemini/settings.json"
"$WARDEN" install gemini 2>"$TMP/err"; rc=$?
check '[ $rc = 64 ] && grep -q "not valid JSON" "$TMP/err"' "a broken settings file is an error"
check '[ "$(cat "$HOME/.gemini/settings.json")" = "{\"broken\": " ]' "a broken settings file is left alone"
mkdir -p "$TMP/proj" && cd "$TMP/proj" && "$WARDEN" install claude --project >/dev/null
check '[ -f "$TMP/proj/.claude/settings.json" ]' "--project writes the project's settings"

# warden doctor: a fresh install of each agent is live; a broken one is named with its fix; a
# removed one is no longer installed, and the user's own hooks stay.
D=$TMP/doctor && mkdir -p "$D/home"
for agent in claude codex gemini cursor qwen copilot droid; do HOME=$D/home "$WARDEN" install "$agent" >/dev/null; done
HOME=$D/home "$WARDEN" doctor --json >"$TMP/doctor.json"; rc=$?
check '[ $rc = 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"ok\"] and len(d[\"agents\"])==7 and all(a[\"live\"] for a in d[\"agents\"]), d" "$TMP/doctor.json"' \
  "doctor: every fresh install is live"
sed -i 's/mcp__\.\*/mcp_x/' "$D/home/.codex/hooks.json"
HOME=$D/home "$WARDEN" doctor --json >"$TMP/doctor.json"; rc=$?
check '[ $rc = 1 ] && python3 -c "import json,sys; a=[a for a in json.load(open(sys.argv[1]))[\"agents\"] if a[\"agent\"]==\"codex\"][0]; assert not a[\"live\"] and a[\"fix\"]==\"warden install codex\" and any(\"trust\" in p for p in a[\"problems\"]) and any(\"matcher\" in p for p in a[\"problems\"]), a" "$TMP/doctor.json"' \
  "doctor: an edited Codex hook is not live (matcher, trust) and names its fix"
HOME=$D/home "$WARDEN" install codex >/dev/null
HOME=$D/home "$WARDEN" doctor >/dev/null; check '[ $? = 0 ]' "doctor: installing again makes it live"
echo '{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"other-tool"}]}]}}' >"$D/home/.claude/settings.json"
HOME=$D/home "$WARDEN" install claude >/dev/null
HOME=$D/home "$WARDEN" install claude --remove >/dev/null; check '[ $? = 0 ]' "install --remove"
check 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); hs=d[\"hooks\"][\"PreToolUse\"]; assert len(hs)==1 and hs[0][\"hooks\"][0][\"command\"]==\"other-tool\", d" "$D/home/.claude/settings.json"' \
  "--remove keeps the user's hooks and takes Warden's out"
HOME=$D/home "$WARDEN" doctor --json >"$TMP/doctor.json"
check 'python3 -c "import json,sys; a=[a for a in json.load(open(sys.argv[1]))[\"agents\"] if a[\"agent\"]==\"claude\"][0]; assert not a[\"installed\"], a" "$TMP/doctor.json"' \
  "doctor: a removed hook is not installed"

echo "install e2e: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
