#!/usr/bin/env bash
# Warden cannot be turned against itself (issue #13 §4), measured for real: a private daemon in
# a temporary HOME (its config, state and socket where XDG_CONFIG_HOME and XDG_RUNTIME_DIR put
# them), decoy hook settings, and an agent's commands run through `warden shell -c` (the agent's
# $SHELL) in the ai context. Each attack must be refused without running, and afterwards the
# daemon still answers, its policy, audit log and keys are still there, and the decoys are
# untouched. A moved state directory (WARDEN_STATE_DIR in a temporary directory, where deletes
# are otherwise allowed) is protected where it is.
# usage: self_protection_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: self_protection_test.sh path/to/warden}")
TMP=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_RUNTIME_DIR=$TMP/run
unset WARDEN_STATE_DIR WARDEN_SOCKET WARDEN_CONTEXT WARDEN_PROFILE WARDEN_FAIL_OPEN
export WARDEN_APPROVAL_WAIT=0  # an ask is refused at once: nobody approves here
WORK=$HOME/project
mkdir -p "$WORK/.claude" "$HOME/.claude" "$XDG_CONFIG_HOME/warden" "$HOME/.local/state"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
git -C "$WORK" init -q 2>/dev/null
cd "$WORK"
STATE=$HOME/.local/state/warden
SOCKET=$XDG_RUNTIME_DIR/warden/warden.sock

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

cat >"$XDG_CONFIG_HOME/warden/policy.yaml" <<'EOF'
version: 1
rules:
  - id: team-no-telnet
    kind: exec
    match: {command: telnet}
    decision: deny
    reason: the team's own rule
EOF
echo '{"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"warden hook claude"}]}]}}' >"$HOME/.claude/settings.json"
cp "$HOME/.claude/settings.json" "$WORK/.claude/settings.json"

"$WARDEN" serve >"$TMP/serve.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] && ok || { fail "the daemon did not start: $(cat "$TMP/serve.log")"; exit 1; }
# The socket is bound before the state directory and the approver key are set up (connections
# wait in the backlog until then): wait for the key, briefly.
for _ in $(seq 50); do [ -f "$STATE/approver.key" ] && break; sleep 0.1; done
[ -f "$STATE/approver.key" ] && ok || fail "the daemon made no approver key"

# Everything that must survive each attack.
intact() {  # intact LABEL
  local label=$1
  kill -0 "$DAEMON_PID" 2>/dev/null && ok || fail "$label: the daemon was stopped"
  "$WARDEN" status >/dev/null 2>&1 && ok || fail "$label: the daemon no longer answers"
  grep -q team-no-telnet "$XDG_CONFIG_HOME/warden/policy.yaml" 2>/dev/null && ok || fail "$label: the user policy changed"
  [ -f "$STATE/approver.key" ] && ok || fail "$label: the approver key is gone"
  [ -d "$STATE/audit" ] && ok || fail "$label: the audit log is gone"
  [ -S "$SOCKET" ] && ok || fail "$label: the socket is gone"
  grep -q 'warden hook' "$HOME/.claude/settings.json" 2>/dev/null && ok || fail "$label: ~/.claude/settings.json changed"
  grep -q 'warden hook' "$WORK/.claude/settings.json" 2>/dev/null && ok || fail "$label: .claude/settings.json changed"
}

# refused 'COMMAND' [RULE]: run as the agent would; it must be refused (126) without running,
# by RULE when given.
refused() {
  local cmd=$1 rule=${2:-} out rc
  out=$("$WARDEN" shell -c "$cmd" 2>&1 </dev/null); rc=$?
  if [ "$rc" = 126 ]; then ok; else fail "not refused (exit $rc): $cmd — $out"; fi
  if [ -n "$rule" ]; then
    case "$out" in *"[$rule]"*) ok ;; *) fail "refused, but not by $rule: $cmd — $out" ;; esac
  fi
  intact "$cmd"
}

# A positive control: an allowed command runs.
"$WARDEN" shell -c "touch $WORK/control" </dev/null >/dev/null 2>&1
[ -f "$WORK/control" ] && ok || fail "an allowed command did not run through warden shell"

DPID=$DAEMON_PID
refused 'rm -rf ~/.config/warden' warden-self
refused "rm -rf $XDG_CONFIG_HOME"
refused 'rm -rf ~/.local/state/warden'
refused 'cd ~/.local/state && rm -rf warden' warden-self
refused 'mv ~/.local/state ~/.local/state.old'
refused "ln -sfn /tmp ~/.config/warden"
refused "echo 'rules: []' > ~/.config/warden/policy.yaml"
refused 'rm -rf ~/.claude'
refused 'rm -rf .claude'
refused "sed -i 's/warden/true/' .claude/settings.json"
refused "python3 -c \"import json;p='.claude/settings.json';d=json.load(open(p));d.pop('hooks');json.dump(d,open(p,'w'))\""
refused 'cat ~/.local/state/warden/approver.key'
refused "kill -9 \$(warden status --json | sed -n 's/.*\"pid\":\\([0-9]*\\).*/\\1/p')"
refused "kill -9 $DPID" warden-tamper
refused "kill -STOP $DPID" warden-tamper
refused 'pkill ward' warden-tamper
refused "pkill -f 'w.rden'" warden-tamper
refused 'killall warden-serve' warden-tamper
refused "fuser -k $SOCKET" warden-tamper
refused 'systemctl --user stop warden' warden-tamper
refused "curl -s --unix-socket $SOCKET http://x/" warden-self
refused "socat - UNIX-CONNECT:$SOCKET </dev/null"
refused "python3 -c \"import socket;s=socket.socket(socket.AF_UNIX);s.connect('$SOCKET')\""
refused 'WARDEN_CONTEXT=human bash -c "rm -rf ~/.config/warden"'
refused 'export WARDEN_FAIL_OPEN=1; ls' warden-tamper
refused 'warden exec --context human -- rm -rf ~/.config/warden'
refused 'warden exec --no-daemon -- true' warden-tamper
refused 'warden approve a1' warden-tamper
refused 'XDG_CONFIG_HOME=/tmp/empty warden exec -- true' warden-tamper

# A state directory moved into a temporary directory (where deleting is otherwise allowed) is
# protected where the environment puts it.
ALT=$TMP/alt-state
mkdir -p "$ALT" && echo keep >"$ALT/approver.key"
out=$(WARDEN_STATE_DIR=$ALT WARDEN_SOCKET=$TMP/none.sock "$WARDEN" check --json -- "rm -rf $ALT" 2>&1)
case "$out" in *'"decision":"deny"'*'"rule":"warden-self"'*) ok ;; *) fail "a moved state directory is not protected: $out" ;; esac
out=$(WARDEN_SOCKET=$TMP/none.sock "$WARDEN" check --json -- "rm -rf $ALT" 2>&1)
case "$out" in *'"decision":"allow"'*) ok ;; *) fail "the same directory, not Warden's, should be an ordinary delete: $out" ;; esac
out=$(WARDEN_STATE_DIR=$ALT WARDEN_SOCKET=$TMP/none.sock "$WARDEN" shell -c "rm -rf $ALT" 2>&1 </dev/null); rc=$?
[ "$rc" = 126 ] && [ -f "$ALT/approver.key" ] && ok || fail "the moved state directory was deleted (exit $rc): $out"

# Agents' search tools pointed into Warden's state: a recursive read that reaches the keys.
payload='{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Grep","tool_input":{"pattern":"key","path":"'$STATE'"},"cwd":"'$WORK'"}'
out=$(printf '%s' "$payload" | "$WARDEN" hook claude 2>/dev/null)
case "$out" in *'"permissionDecision":"deny"'*) ok ;; *) fail "Grep into the state directory was not denied: $out" ;; esac

echo "$checks checks passed, $failures failed"
[ "$failures" -eq 0 ]
