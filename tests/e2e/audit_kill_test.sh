#!/usr/bin/env bash
# The audit log under a crash: the real daemon is killed with SIGKILL while 4 clients send
# decisions as fast as they can. In `always` mode no acknowledged decision may be missing from
# the log; in `batch` mode at most the last unflushed batch may be. In both, `warden audit
# verify` must pass on what is on disk, and a restarted daemon must continue the chain.
# usage: audit_kill_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: audit_kill_test.sh path/to/warden}")
TMP=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
mkdir -p "$HOME"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
json_get() { python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[k]
print(v)' "$@"; }

start_daemon() {  # start_daemon MODE
  "$WARDEN" serve --isolated --audit-sync "$1" 2>>"$TMP/serve-$1.log" &
  DAEMON_PID=$!
  for _ in $(seq 300); do
    "$WARDEN" status >/dev/null 2>&1 && return 0
    sleep 0.02
  done
  fail "the daemon did not start: $(cat "$TMP/serve-$1.log")"
}

# Four clients decide in a loop; each acknowledged decision (an "ok": true reply) is counted.
# Prints the total once every connection has failed (the daemon is gone).
LOAD=$(cat <<'EOF'
import json, socket, sys, threading
path, n = sys.argv[1], 4
acked = [0] * n
def client(i):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    f = s.makefile("rwb")
    msg = (json.dumps({"op": "decide", "request": {"kind": "exec", "command": "git status %d" % i,
           "cwd": "/tmp", "workspace": "/tmp", "home": "/tmp"}}) + "\n").encode()
    try:
        while True:
            f.write(msg); f.flush()
            line = f.readline()
            if not line: return
            if json.loads(line).get("ok"): acked[i] += 1
    except Exception:
        return
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(acked))
EOF
)

for mode in always batch; do
  export WARDEN_STATE_DIR=$TMP/state-$mode WARDEN_SOCKET=$TMP/run-$mode/warden.sock
  start_daemon "$mode"
  python3 -c "$LOAD" "$WARDEN_SOCKET" >"$TMP/acked" &
  load=$!
  sleep 1.5
  kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
  wait "$load"
  acked=$(cat "$TMP/acked")
  [ "${acked:-0}" -gt 100 ] && ok || fail "$mode: only ${acked:-0} decisions were acknowledged before the kill"
  out=$("$WARDEN" audit verify --json); rc=$?
  [ "$rc" = 0 ] && ok || fail "$mode: verify after SIGKILL: $out"
  records=$(json_get "$out" records)
  if [ "$mode" = always ]; then
    # Every acknowledged decision is on disk (more may be: written, not yet answered).
    [ "$records" -ge "$acked" ] && ok || fail "always: $records records on disk < $acked acknowledged"
  else
    # At most the last unflushed batch is lost: fsync runs at least every 10 ms and the queue
    # holds at most 65536 records.
    lost=$((acked > records ? acked - records : 0))
    [ "$lost" -le 65536 ] && ok || fail "batch: $lost acknowledged decisions lost"
    echo "batch mode: $acked acknowledged, $records on disk, $lost lost in the last batch"
  fi
  echo "$mode mode: $acked decisions acknowledged before SIGKILL, $records records on disk"
  # The restarted daemon continues the chain where the disk left it.
  start_daemon "$mode"
  "$WARDEN" exec -- true; "$WARDEN" exec -- rm -rf / 2>/dev/null
  out=$("$WARDEN" audit verify --json); rc=$?
  [ "$rc" = 0 ] && ok || fail "$mode: verify after restart: $out"
  after=$(json_get "$out" records)
  [ "$after" = $((records + 2)) ] && ok || fail "$mode: $after records after restart, want $((records + 2))"
  [ "$(json_get "$out" last_seq)" = "$after" ] && ok || fail "$mode: seq does not continue: $out"
  kill "$DAEMON_PID"; wait "$DAEMON_PID"; DAEMON_PID=
done

echo "audit kill e2e: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
