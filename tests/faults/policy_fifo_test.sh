#!/usr/bin/env bash
# Fault: a FIFO (or a socket, or a device) where a policy file is expected (issue #15's table,
# row 3). Promise: nothing blocks on it — the daemon, even with one I/O thread, refuses it on
# reload at once and keeps answering with the policy it has; in-process clients (`check`,
# `exec`, `hook`, `policy check`) refuse it and fail closed within a second, never hang.
# (A policy directory removed and made again: tests/faults/policy_dir_test.sh.)
# usage: policy_fifo_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: policy_fifo_test.sh path/to/warden}")
TMP=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
export WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
mkdir -p "$HOME" "$TMP/policies"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
POLICY=$TMP/policies/team.yaml
write_policy() {  # write_policy RULE-ID COMMAND
  printf 'version: 1\nrules:\n  - id: %s\n    kind: exec\n    match: {command: %s}\n    decision: deny\n    reason: not here\n' \
    "$1" "$2" >"$POLICY.tmp" && mv "$POLICY.tmp" "$POLICY"
}
rule_for() {  # the rule the daemon decides COMMAND with, over its socket (5 s at most)
  python3 - "$WARDEN_SOCKET" "$1" <<'EOF'
import json, socket, sys
try:
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1]); f = s.makefile("rwb")
    f.write((json.dumps({"op": "decide", "request": {"kind": "exec", "command": sys.argv[2], "cwd": "/tmp"}}) + "\n").encode())
    f.flush()
    print(json.loads(f.readline()).get("rule") or "-")
except Exception as e:
    print("no-answer")
EOF
}
write_policy no-make make

"$WARDEN" serve --isolated --threads 1 --policy "$POLICY" 2>"$TMP/serve.log" &
DAEMON_PID=$!
for _ in $(seq 300); do "$WARDEN" status >/dev/null 2>&1 && break; sleep 0.02; done
[ "$(rule_for make)" = no-make ] && ok || fail "the daemon does not decide with the policy: $(rule_for make)"

# The file becomes a FIFO (nobody will ever write to it): the reload must not block the only thread.
rm "$POLICY" && mkfifo "$POLICY"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do grep -q "a FIFO" "$TMP/serve.log" && break; sleep 0.02; done
grep -q "is a FIFO, not a regular file" "$TMP/serve.log" && ok || fail "the FIFO is not refused by name: $(tail -3 "$TMP/serve.log")"
start=$(date +%s%N)
[ "$(rule_for make)" = no-make ] && ok || fail "with a FIFO as its policy file the daemon does not answer as before"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 1000 ] && ok || fail "answering took $ms ms with a FIFO as the policy file"

# In-process clients: refuse at once, fail closed (never 0 = allow, never 124 = hung).
for cmd in "policy check $POLICY" "check --isolated --policy $POLICY -- ls" "exec --isolated --no-daemon --policy $POLICY -- true"; do
  # shellcheck disable=SC2086
  out=$(timeout 5 "$WARDEN" $cmd 2>&1); rc=$?
  [ "$rc" != 0 ] && [ "$rc" != 124 ] && ok || fail "warden $cmd with a FIFO: exit $rc: $out"
  [[ "$out" == *"not a regular file"* ]] && ok || fail "warden $cmd does not say what is wrong: $out"
done
out=$(echo '{"tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/tmp","hook_event_name":"PreToolUse"}' |
      timeout 5 "$WARDEN" hook claude --isolated --no-daemon --policy "$POLICY" 2>&1); rc=$?
[ "$rc" = 2 ] && ok || fail "hook with a FIFO policy: exit $rc, want 2 (the agent's block): $out"

# A Unix socket where the policy file was: the same.
rm "$POLICY"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$POLICY"
out=$(timeout 5 "$WARDEN" policy check "$POLICY" 2>&1); rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] && [[ "$out" == *"socket"* ]] && ok || fail "policy check of a socket: exit $rc: $out"
rm -f "$POLICY"

echo "policy FIFO fault: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
