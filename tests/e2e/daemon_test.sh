#!/usr/bin/env bash
# End-to-end tests of the real daemon: `warden serve` started as a process, then `warden
# status` and `warden exec` against it over its socket — decisions, exec in place, the
# in-process fallback, reload on SIGHUP and on a file change, a policy that fails to load,
# peers of another uid refused, SIGTERM.
# usage: daemon_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: daemon_test.sh path/to/warden}")
TMP=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
export WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
mkdir -p "$HOME" "$TMP/work"
cd "$TMP/work"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
expect_contains() {  # expect_contains TEXT NEEDLE LABEL
  if [[ "$1" == *"$2"* ]]; then ok; else fail "$3: output lacks '$2': $1"; fi
}
expect_rc() {  # expect_rc WANT GOT LABEL
  if [ "$1" = "$2" ]; then ok; else fail "$3: exit $2, want $1"; fi
}
json_get() {  # json_get JSON PATH… (python3 is on every Debian)
  python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[k]
print(v)' "$@"
}

POLICY=$TMP/team.yaml
cat >"$POLICY" <<'EOF'
version: 1
rules:
  - id: no-make
    kind: exec
    match: {command: make}
    decision: deny
    reason: make is not allowed here
  - id: ask-true
    kind: exec
    match: {command: "true"}
    decision: ask
    reason: true needs a person
EOF

# ---- without a daemon: status says so; exec decides in-process and says so -----------------
out=$("$WARDEN" status 2>&1); rc=$?
expect_rc 69 "$rc" "status without a daemon"
expect_contains "$out" "no daemon on $TMP/run/warden.sock" "status without a daemon"
out=$("$WARDEN" status --json 2>&1)
expect_contains "$(json_get "$out" running)" "False" "status --json without a daemon"
out=$("$WARDEN" exec -- echo hello 2>&1); rc=$?
expect_rc 0 "$rc" "in-process exec"
expect_contains "$out" "deciding in-process" "in-process exec says so"
expect_contains "$out" "hello" "in-process exec runs the program"

# ---- nothing decidable (a broken policy): fail closed, unless --fail-open, which is counted --
printf 'version: 1\nrules: [oops\n' >"$TMP/broken.yaml"
out=$("$WARDEN" exec --policy "$TMP/broken.yaml" -- echo ran 2>&1); rc=$?
expect_rc 126 "$rc" "broken policy: exec fails closed"
case "$out" in *ran*) fail "broken policy: the program ran without --fail-open" ;; *) ok ;; esac
out=$("$WARDEN" exec --fail-open --policy "$TMP/broken.yaml" -- echo ran --password=hunter2 2>&1); rc=$?
expect_rc 0 "$rc" "broken policy: --fail-open runs the program"
expect_contains "$out" "running anyway because of --fail-open" "--fail-open says so"
# `warden shell` takes no --policy: a broken user layer instead
mkdir -p "$TMP/xdg/warden"; cp "$TMP/broken.yaml" "$TMP/xdg/warden/policy.yaml"
out=$(XDG_CONFIG_HOME=$TMP/xdg WARDEN_FAIL_OPEN=1 "$WARDEN" shell -c 'echo shell-ran' 2>&1 </dev/null); rc=$?
expect_rc 0 "$rc" "broken user policy: WARDEN_FAIL_OPEN=1 shell runs"
expect_contains "$out" "shell-ran" "WARDEN_FAIL_OPEN=1 shell runs the command"
out=$(XDG_CONFIG_HOME=$TMP/xdg "$WARDEN" shell -c 'echo shell-ran' 2>&1 </dev/null); rc=$?
expect_rc 126 "$rc" "broken user policy: shell fails closed"
expect_rc 2 "$(wc -l <"$TMP/state/fail-open.jsonl")" "each fail-open run is one line"
expect_rc 600 "$(stat -c %a "$TMP/state/fail-open.jsonl")" "fail-open record mode"
case "$(cat "$TMP/state/fail-open.jsonl")" in *hunter2*) fail "a secret reached the fail-open record" ;; *) ok ;; esac
out=$("$WARDEN" status --json 2>&1)
expect_rc 2 "$(json_get "$out" fail_open count)" "status --json counts fail-open runs (no daemon)"
out=$("$WARDEN" status 2>&1)
expect_contains "$out" "fail-open 2 runs went ahead undecided" "status text counts fail-open runs"

# ---- start the daemon ------------------------------------------------------------------------
"$WARDEN" serve --policy "$POLICY" 2>"$TMP/serve.log" &
DAEMON_PID=$!
# Ready: the socket is there and the daemon has logged so (it logs just after listening).
for _ in $(seq 200); do [ -S "$TMP/run/warden.sock" ] && grep -q "ready in" "$TMP/serve.log" && break; sleep 0.02; done
[ -S "$TMP/run/warden.sock" ] && ok || fail "the socket did not appear: $(cat "$TMP/serve.log")"
expect_contains "$(cat "$TMP/serve.log")" "ready in" "serve logs readiness"
expect_rc 600 "$(stat -c %a "$TMP/run/warden.sock")" "socket mode"
expect_rc 700 "$(stat -c %a "$TMP/run")" "socket directory mode"

out=$("$WARDEN" status --json); rc=$?
expect_rc 0 "$rc" "status with the daemon"
expect_contains "$(json_get "$out" running)" "True" "status --json running"
rev1=$(json_get "$out" policy revision)
out=$("$WARDEN" status)
expect_contains "$out" "policy   revision $rev1" "status text"

# ---- exec through the daemon ---------------------------------------------------------------
out=$("$WARDEN" exec -- sh -c 'echo "args: $0 $1"' a b 2>&1); rc=$?
expect_rc 0 "$rc" "allowed exec"
expect_contains "$out" "args: a b" "the program gets its arguments"
[[ "$out" == *"in-process"* ]] && fail "exec used the in-process fallback while the daemon runs" || ok
"$WARDEN" exec -- sh -c 'exit 7'; expect_rc 7 "$?" "the program's exit status passes through"
# Same pid: the program replaces warden.
"$WARDEN" exec -- sh -c 'echo $$ >"$0"' "$TMP/pid" &
bg=$!
wait $bg
expect_rc "$bg" "$(cat "$TMP/pid")" "exec in place keeps the pid"
# Same stdin.
out=$(echo piped | "$WARDEN" exec -- cat)
expect_rc piped "$out" "stdin passes to the program"
out=$("$WARDEN" exec -- rm -rf / 2>&1); rc=$?
expect_rc 126 "$rc" "denied exec"
expect_contains "$out" "denied:" "denied exec says why"
out=$("$WARDEN" exec -- make all 2>&1); rc=$?
expect_rc 126 "$rc" "the --policy layer of the daemon"
expect_contains "$out" "make is not allowed here" "the daemon's own layers decide"
out=$("$WARDEN" exec --wait 0 -- git push --force origin main 2>&1); rc=$?
expect_rc 126 "$rc" "ask without waiting"
expect_contains "$out" "needs approval" "ask is not a run"

# ---- approvals: the waiting client names the id; a person approves or denies with the key ----
pending_id() {
  for _ in $(seq 200); do
    id=$("$WARDEN" approvals --json | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["approval_id"] if a else "")')
    [ -n "$id" ] && { echo "$id"; return; }
    sleep 0.05
  done
}
expect_rc 600 "$(stat -c %a "$WARDEN_STATE_DIR/approver.key")" "approver key mode"
"$WARDEN" exec --wait 30 -- true 2>"$TMP/wait.err" &
waiter=$!
id=$(pending_id)
[ -n "$id" ] && ok || fail "no pending approval appeared"
out=$("$WARDEN" approvals)
expect_contains "$out" "true needs a person" "approvals lists the reason"
mkdir -p "$TMP/fake-state" && printf '%064d\n' 0 >"$TMP/fake-state/approver.key"
chmod 644 "$TMP/fake-state/approver.key"
out=$(WARDEN_STATE_DIR=$TMP/fake-state "$WARDEN" approve "$id" 2>&1); rc=$?
expect_rc 64 "$rc" "an approver key others can read is refused before it is sent"
expect_contains "$out" "mode 0600" "the refusal names the mode"
chmod 600 "$TMP/fake-state/approver.key"
out=$(WARDEN_STATE_DIR=$TMP/fake-state "$WARDEN" approve "$id" 2>&1); rc=$?
expect_rc 64 "$rc" "a wrong approver key is refused"
expect_contains "$out" "wrong approver key" "the refusal says why"
"$WARDEN" approve "$id" --remember 10m >/dev/null; expect_rc 0 "$?" "approve"
wait "$waiter"; expect_rc 0 "$?" "the approved program ran"
expect_contains "$(cat "$TMP/wait.err")" "waiting up to 30 s for a person to approve $id" "the client names the approval"
"$WARDEN" exec --wait 0 -- true; expect_rc 0 "$?" "remembered: the same request runs without asking"
"$WARDEN" exec --wait 30 -- true other 2>"$TMP/wait2.err" &
waiter=$!
id=$(pending_id)
"$WARDEN" deny "$id" --reason "not this one" >/dev/null; expect_rc 0 "$?" "deny"
wait "$waiter"; expect_rc 126 "$?" "the denied program did not run"
expect_contains "$(cat "$TMP/wait2.err")" "not this one" "the denial's reason reaches the client"
out=$("$WARDEN" exec --wait 1 -- true third 2>&1); rc=$?
expect_rc 126 "$rc" "nobody answering is a denial"
expect_contains "$out" "nobody approved it" "the timeout says so"
out=$("$WARDEN" exec -- /nonexistent/program 2>&1); rc=$?
expect_rc 127 "$rc" "missing program"
out=$("$WARDEN" exec 2>&1); rc=$?
expect_rc 64 "$rc" "exec without a program"

# ---- agent hooks decide through the daemon (its --policy layer is visible) ------------------
payload='{"session_id":"s","transcript_path":"/tmp/t.jsonl","cwd":"'"$TMP/work"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"make install"}}'
out=$(echo "$payload" | "$WARDEN" hook claude 2>"$TMP/hook.err"); rc=$?
expect_rc 0 "$rc" "hook claude exit status"
expect_contains "$out" '"permissionDecision":"deny"' "hook claude through the daemon"
expect_contains "$out" "make is not allowed here" "hook claude gets the daemon's reason"
[[ "$(cat "$TMP/hook.err")" == *"in-process"* ]] && fail "the hook decided in-process while the daemon runs" || ok
# A WebFetch is an http request: the daemon decides it (the request crosses the socket as JSON).
payload='{"session_id":"s","transcript_path":"/tmp/t.jsonl","cwd":"'"$TMP/work"'","hook_event_name":"PreToolUse","tool_name":"WebFetch","tool_input":{"url":"http://169.254.169.254/latest/?key=apikey-secret77","prompt":"p"}}'
out=$(echo "$payload" | "$WARDEN" hook claude 2>"$TMP/hook.err"); rc=$?
expect_rc 0 "$rc" "hook claude WebFetch exit status"
expect_contains "$out" '"permissionDecision":"deny"' "WebFetch of a metadata endpoint through the daemon"
expect_contains "$out" "http-cloud-metadata" "WebFetch names the rule"
[[ "$(cat "$TMP/hook.err")" == *"in-process"* ]] && fail "the WebFetch hook decided in-process while the daemon runs" || ok

# ---- warden shell: decides on the -c string, then runs the real shell with the same arguments
out=$("$WARDEN" shell -c 'echo "hi $0"' named 2>&1); rc=$?
expect_rc 0 "$rc" "shell -c allowed"
expect_contains "$out" "hi named" "shell passes every argument to the real shell"
"$WARDEN" shell -lc 'exit 5' 2>/dev/null; expect_rc 5 "$?" "shell -lc: the exit status passes through"
out=$("$WARDEN" shell -c 'cd / && rm -rf *' 2>&1); rc=$?
expect_rc 126 "$rc" "shell -c denied"
expect_contains "$out" "denied:" "shell says why"
out=$("$WARDEN" shell -e -o pipefail -c 'true | bash -c "rm -rf ~"' 2>&1); rc=$?
expect_rc 126 "$rc" "shell: options before -c, a nested bash -c"
ln -s "$WARDEN" "$TMP/warden-shell"
out=$("$TMP/warden-shell" -c 'echo via link' 2>&1); rc=$?
expect_rc 0 "$rc" "warden-shell link"
expect_contains "$out" "via link" "warden-shell link runs the command"
out=$("$TMP/warden-shell" -c 'make' 2>&1); rc=$?
expect_rc 126 "$rc" "warden-shell link decides through the daemon's layers"
echo 'echo from script' >"$TMP/s.sh"
out=$("$WARDEN" shell "$TMP/s.sh" 2>&1)
expect_contains "$out" "from script" "a script invocation passes through"
out=$(WARDEN_REAL_SHELL=relative "$WARDEN" shell -c true 2>&1); rc=$?
expect_rc 64 "$rc" "WARDEN_REAL_SHELL must be absolute"
out=$("$WARDEN" shell --help)
expect_contains "$out" "drop-in \$SHELL" "shell --help"

# ---- reload: a broken file never replaces the running policy; SIGHUP and edits reload ---------
echo "version: 1
rules: [ {id: x, kind: exec, decision: sometimes} ]" >"$POLICY.new"
mv "$POLICY.new" "$POLICY"
for _ in $(seq 250); do grep -q "failed, still serving" "$TMP/serve.log" && break; sleep 0.02; done
out=$("$WARDEN" status --json)
[ "$(json_get "$out" policy revision)" = "$rev1" ] && ok || fail "a broken policy replaced the running one"
expect_contains "$(json_get "$out" policy load_errors)" "sometimes" "status shows the load error"
out=$("$WARDEN" exec -- make 2>&1); rc=$?
expect_rc 126 "$rc" "the old policy still decides after a failed reload"
cat >"$POLICY" <<'EOF'
version: 1
rules:
  - id: no-cmake
    kind: exec
    match: {command: cmake}
    decision: deny
EOF
kill -HUP "$DAEMON_PID"
for _ in $(seq 250); do grep -q "reloaded (SIGHUP)" "$TMP/serve.log" && break; sleep 0.02; done
out=$("$WARDEN" exec -- cmake --version 2>&1); rc=$?
expect_rc 126 "$rc" "the reloaded policy decides"
expect_contains "$(cat "$TMP/serve.log")" "reloaded (SIGHUP)" "SIGHUP reload is logged"
out=$("$WARDEN" status --json)
[ "$(json_get "$out" policy revision)" != "$rev1" ] && ok || fail "the revision did not change after a reload"

# ---- a FIFO where the policy file was: refused at once, never opened blocking; serving goes on --
rev2=$(json_get "$out" policy revision)
cp "$POLICY" "$TMP/policy.saved" && rm "$POLICY" && mkfifo "$POLICY"
kill -HUP "$DAEMON_PID"
for _ in $(seq 250); do grep -q "a FIFO" "$TMP/serve.log" && break; sleep 0.02; done
expect_contains "$(cat "$TMP/serve.log")" "is a FIFO, not a regular file" "a FIFO policy file is refused on reload"
out=$(timeout 5 "$WARDEN" status --json); rc=$?
expect_rc 0 "$rc" "the daemon still answers with a FIFO as its policy file"
[ "$(json_get "$out" policy revision)" = "$rev2" ] && ok || fail "a FIFO replaced the running policy"
out=$(timeout 5 "$WARDEN" exec -- cmake --version 2>&1); rc=$?
expect_rc 126 "$rc" "the running policy still decides while the file is a FIFO"
rm "$POLICY" && mv "$TMP/policy.saved" "$POLICY"

# ---- a malformed message ends its own connection, nobody else's -----------------------------
out=$(printf 'garbage\n' | python3 -c '
import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
data=b""
while True:
  b=s.recv(4096)
  if not b: break
  data+=b
print(data.decode())' "$TMP/run/warden.sock")
expect_contains "$out" '"ok":false' "malformed message answered"
expect_contains "$out" 'bad-message' "malformed message code"
"$WARDEN" status >/dev/null; expect_rc 0 "$?" "still serving after a malformed message"

# ---- a peer of another uid is refused, even if the socket's modes were loosened -------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 0755 "$TMP" "$TMP/run"; chmod 0777 "$TMP/run/warden.sock"
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env WARDEN_SOCKET="$TMP/run/warden.sock" \
        "$WARDEN" status --json 2>&1); rc=$?
  chmod 0700 "$TMP/run"; chmod 0600 "$TMP/run/warden.sock"
  expect_rc 69 "$rc" "another uid"
  expect_contains "$(cat "$TMP/serve.log")" "refused a connection from uid 65534" "refusal is logged"
else
  echo "skip: the other-uid check needs root and setpriv"
fi

# ---- the hardened set-up: --allow-uid may decide (nothing else), --socket-group opens the socket
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 0711 "$TMP"
  HSOCK=$TMP/hard/warden.sock
  printf 'version: 1\nrules:\n  - {id: no-make, kind: exec, match: {command: make}, decision: deny}\n' >"$TMP/hard.yaml"
  "$WARDEN" serve --socket "$HSOCK" --state-dir "$TMP/hard-state" --policy "$TMP/hard.yaml" \
    --allow-uid 65534 --socket-group 65534 2>"$TMP/hard.log" &
  HARD_PID=$!
  for _ in $(seq 200); do [ -S "$HSOCK" ] && break; sleep 0.05; done
  expect_rc 660 "$(stat -c %a "$HSOCK")" "--socket-group: socket mode"
  expect_rc 65534 "$(stat -c %g "$HSOCK")" "--socket-group: socket group"
  expect_rc 750 "$(stat -c %a "$TMP/hard")" "--socket-group: directory mode"
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent WARDEN_SOCKET="$HSOCK" \
                  WARDEN_STATE_DIR=/nonexistent/state "$@"; }
  out=$(cd / && as_nobody "$WARDEN" exec -- echo allowed-peer 2>&1); rc=$?
  expect_rc 0 "$rc" "an --allow-uid peer decides through the daemon"
  expect_contains "$out" "allowed-peer" "an --allow-uid peer's program runs"
  case "$out" in *in-process*) fail "the --allow-uid peer decided in-process: $out" ;; *) ok ;; esac
  out=$(cd / && as_nobody "$WARDEN" exec -- make 2>&1); rc=$?
  expect_rc 126 "$rc" "an --allow-uid peer is denied by the policy"
  out=$(cd / && as_nobody "$WARDEN" approvals 2>&1); rc=$?
  [ "$rc" != 0 ] && ok || fail "an --allow-uid peer listed approvals"
  expect_contains "$out" "may only decide and ask for status" "an --allow-uid peer cannot list approvals"
  out=$(cd / && as_nobody "$WARDEN" monitor --history 0 2>&1 </dev/null); rc=$?
  [ "$rc" != 0 ] && ok || fail "an --allow-uid peer subscribed to events"
  expect_contains "$(cat "$TMP/hard.log")" "refused a approvals from uid 65534" "the refused op is logged"
  out=$(setpriv --reuid=65533 --regid=65534 --clear-groups env WARDEN_SOCKET="$HSOCK" "$WARDEN" status 2>&1); rc=$?
  expect_rc 69 "$rc" "a uid not allowed is refused even with the socket's group"
  expect_contains "$(cat "$TMP/hard.log")" "refused a connection from uid 65533" "that refusal is logged"
  out=$("$WARDEN" approvals --socket "$HSOCK" --state-dir "$TMP/hard-state" 2>&1); rc=$?
  expect_rc 0 "$rc" "the daemon's own user still lists approvals"
  kill "$HARD_PID"; wait "$HARD_PID" 2>/dev/null
  chmod 0700 "$TMP"
else
  echo "skip: the hardened set-up check needs root and setpriv"
fi

# ---- every decision is in the audit log, hash-chained, with secrets redacted ----------------
"$WARDEN" exec -- sh -c 'echo password=hunter22x >/dev/null'; expect_rc 0 "$?" "a command with a secret runs"
out=$("$WARDEN" audit verify --json); rc=$?
expect_rc 0 "$rc" "audit verify"
out=$("$WARDEN" status --json)
written=$(json_get "$out" audit records_written)
decided=$(json_get "$out" counts decisions)
# One record per decision, plus one for each approval's outcome (approved, denied, timed out).
expect_rc $((decided + 3)) "$written" "one audit record per decision and per answered approval"
out=$("$WARDEN" audit stats --by decision --json)
expect_contains "$out" '"deny"' "audit stats counts denials"
grep -rq hunter22x "$WARDEN_STATE_DIR/audit" && fail "a secret reached the audit log" || ok
grep -rq apikey-secret77 "$WARDEN_STATE_DIR/audit" && fail "a URL's key parameter reached the audit log" || ok
grep -rq '169.254.169.254/latest/?key=\[REDACTED\]' "$WARDEN_STATE_DIR/audit" && ok || fail "the http request is in the audit log"
out=$("$WARDEN" audit tail -n 1 --json)
expect_contains "$out" "[REDACTED]" "the record shows where a secret was"

# ---- SIGTERM stops it and removes the socket ------------------------------------------------
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"; rc=$?
DAEMON_PID=
expect_rc 0 "$rc" "SIGTERM exit status"
[ -e "$TMP/run/warden.sock" ] && fail "the socket is still there after SIGTERM" || ok

echo "daemon e2e: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
