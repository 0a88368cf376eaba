#!/usr/bin/env bash
# `warden monitor` driven through tmux against the real daemon: a waiting `warden exec` shows
# up as a pending approval, a person approves it with keys (Tab, a) and the program runs;
# another is denied with a reason (x) that reaches the client; decisions stream into the list.
# usage: monitor_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: monitor_test.sh path/to/warden}")
command -v tmux >/dev/null || { echo "skip: tmux is missing (scripts/bootstrap.sh installs it)"; exit 0; }
TMP=$(mktemp -d)
SESSION=warden-monitor-test-$$
DAEMON_PID=
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
export WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
mkdir -p "$HOME"
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
screen() { tmux capture-pane -p -t "$SESSION"; }
wait_screen() {  # wait_screen TEXT: until the monitor shows it (10 s)
  for _ in $(seq 200); do screen | grep -qF -- "$1" && return 0; sleep 0.05; done
  return 1
}

cat >"$TMP/p.yaml" <<'YAML'
version: 1
rules:
  - id: ask-true
    kind: exec
    match: {command: "true"}
    decision: ask
    reason: true needs a person
YAML
"$WARDEN" serve --isolated --policy "$TMP/p.yaml" 2>"$TMP/serve.log" &
DAEMON_PID=$!
for _ in $(seq 300); do "$WARDEN" status >/dev/null 2>&1 && break; sleep 0.02; done

tmux new-session -d -s "$SESSION" -x 160 -y 40 \
  "env HOME=$HOME WARDEN_STATE_DIR=$WARDEN_STATE_DIR WARDEN_SOCKET=$WARDEN_SOCKET TERM=xterm $WARDEN monitor"
wait_screen "warden monitor" && ok || fail "the monitor did not start: $(screen)"

"$WARDEN" exec -- rm -rf / 2>/dev/null
wait_screen "rm -rf /" && ok || fail "a decision did not appear in the list: $(screen)"

# Approve with keys.
"$WARDEN" exec --wait 30 -- true 2>"$TMP/w1.err" &
w1=$!
wait_screen "pending approvals: 1" && ok || fail "the pending approval did not appear: $(screen)"
wait_screen "true needs a person" && ok || fail "the approval's reason is not shown: $(screen)"
tmux send-keys -t "$SESSION" Tab a
wait "$w1"; rc=$?
[ "$rc" = 0 ] && ok || fail "the approved program did not run (exit $rc): $(cat "$TMP/w1.err")"
wait_screen "approved a" && ok || fail "the monitor did not confirm: $(screen)"

# Deny with a reason.
"$WARDEN" exec --wait 30 -- true again 2>"$TMP/w2.err" &
w2=$!
wait_screen "pending approvals: 1" && ok || fail "the second approval did not appear: $(screen)"
tmux send-keys -t "$SESSION" x
wait_screen "reason" && ok || fail "no reason prompt: $(screen)"
tmux send-keys -t "$SESSION" "not now" Enter
wait "$w2"; rc=$?
[ "$rc" = 126 ] && ok || fail "the denied program ran (exit $rc)"
grep -q "not now" "$TMP/w2.err" && ok || fail "the reason did not reach the client: $(cat "$TMP/w2.err")"

# Filters.
tmux send-keys -t "$SESSION" Tab / "rm -rf" Enter
wait_screen "text:rm -rf" && ok || fail "the text filter is not shown: $(screen)"
tmux send-keys -t "$SESSION" q
for _ in $(seq 100); do tmux has-session -t "$SESSION" 2>/dev/null || break; sleep 0.05; done
tmux has-session -t "$SESSION" 2>/dev/null && fail "q did not quit" || ok

echo "monitor e2e: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
