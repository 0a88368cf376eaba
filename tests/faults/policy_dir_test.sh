#!/usr/bin/env bash
# Fault injection (issue #15): the directory of a policy file is removed and made again under a
# running `warden serve`, the way a deploy or a checkout does (`rm -rf dir; mkdir dir; write the
# policy`). Promise: the daemon reloads by itself each time, without SIGHUP — also when the
# directory was renamed away, and when its parent went too.
# usage: policy_dir_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: policy_dir_test.sh path/to/warden}")
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENTS=$HERE/abuse_clients.py
TMP=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
export WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
mkdir -p "$HOME"
cd "$TMP"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
policy() {  # policy FILE RULE-ID COMMAND: a policy denying COMMAND with that rule id
  mkdir -p "$(dirname "$1")"
  printf 'version: 1\nrules:\n  - id: %s\n    kind: exec\n    match: {command: %s}\n    decision: deny\n' "$2" "$3" >"$1"
}
rule_for() {  # rule_for COMMAND: the rule the daemon decides it with
  python3 "$CLIENTS" decide "$WARDEN_SOCKET" "$1" | python3 -c 'import json,sys
print(json.loads(sys.stdin.read() or "{}").get("rule") or "")'
}
expect_rule() {  # expect_rule COMMAND ID LABEL: within 5 s, the daemon decides COMMAND with rule ID
  local got=
  for _ in $(seq 100); do
    got=$(rule_for "$1")
    [ "$got" = "$2" ] && break
    sleep 0.05
  done
  [ "$got" = "$2" ] && ok || fail "$3: the daemon still decides $1 with rule '$got', want '$2' (no reload)"
}

TEAM=$TMP/team/team.yaml DEEP=$TMP/deep/a/b/deep.yaml
policy "$TEAM" team-0 ninja
policy "$DEEP" deep-0 cmake
"$WARDEN" serve --isolated --policy "$TEAM" --policy "$DEEP" 2>"$TMP/serve.log" &
DAEMON_PID=$!
for _ in $(seq 300); do grep -q "ready in" "$TMP/serve.log" 2>/dev/null && break; sleep 0.02; done
grep -q "ready in" "$TMP/serve.log" || { echo "FAIL: the daemon did not start: $(cat "$TMP/serve.log")"; exit 1; }
expect_rule ninja team-0 "start"

# Removed and made again, twice (the second time the new directory is the one watched).
for round in 1 2; do
  rm -rf "$TMP/team"
  sleep 0.2
  policy "$TEAM" "team-$round" ninja
  expect_rule ninja "team-$round" "rm -rf team; mkdir team (round $round)"
done
# Removed and made again at once, before the daemon hears of the removal.
rm -rf "$TMP/team" && policy "$TEAM" team-3 ninja
expect_rule ninja team-3 "rm -rf team && mkdir team at once"
# Renamed away, a new one in its place; the old one is no longer the policy's.
mv "$TMP/team" "$TMP/team.old"
sleep 0.2
policy "$TEAM" team-4 ninja
expect_rule ninja team-4 "mv team team.old; mkdir team"
policy "$TMP/team.old/team.yaml" team-old ninja
sleep 0.5
expect_rule ninja team-4 "an edit in the renamed-away directory"
# The parents go too: watched again through the nearest directory that exists.
rm -rf "$TMP/deep"
sleep 0.2
policy "$DEEP" deep-5 cmake
expect_rule cmake deep-5 "rm -rf deep; mkdir -p deep/a/b (the policy directory's parents)"

grep -q "went away: watching for it to come back" "$TMP/serve.log" && ok || fail "the daemon did not log the directory going away"
kill -0 "$DAEMON_PID" 2>/dev/null && ok || fail "the daemon died: $(tail -3 "$TMP/serve.log")"
echo "policy_dir_test: $checks checks passed, $failures failed"
[ "$failures" -eq 0 ]
