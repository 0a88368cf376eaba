#!/usr/bin/env bash
# The audit log under a crash: the real daemon is killed with SIGKILL while 4 clients send
# decisions as fast as they can (some in lockstep, some pipelining). In both modes no
# acknowledged decision may be missing from the log (checked by decision_id); `warden audit
# verify` must pass on what is on disk, and a restarted daemon must continue the chain.
# usage: sigkill_under_load_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: sigkill_under_load_test.sh path/to/warden}")
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

# Four clients decide in lockstep and two pipeline 50 decisions at a time; the decision_id of
# every acknowledged decision (an "ok": true reply) is kept. Prints them as JSON once every
# connection has failed (the daemon is gone).
LOAD=$(cat <<'EOF'
import json, socket, sys, threading
path = sys.argv[1]
acked = []
lock = threading.Lock()
def request(i):
    return (json.dumps({"op": "decide", "request": {"kind": "exec", "command": "git status %d" % i,
            "cwd": "/tmp", "workspace": "/tmp", "home": "/tmp"}}) + "\n").encode()
def note(line):
    reply = json.loads(line)
    if reply.get("ok"):
        with lock: acked.append(reply["decision_id"])
def lockstep(i):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    f = s.makefile("rwb")
    try:
        while True:
            f.write(request(i)); f.flush()
            line = f.readline()
            if not line: return
            note(line)
    except Exception:
        return
def pipelined(i):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    f = s.makefile("rwb")
    try:
        while True:
            f.write(request(i) * 50); f.flush()
            for _ in range(50):
                line = f.readline()
                if not line: return
                note(line)
    except Exception:
        return
threads = [threading.Thread(target=lockstep, args=(i,)) for i in range(16)]
threads += [threading.Thread(target=pipelined, args=(i,)) for i in range(16, 20)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(acked))
EOF
)

# How many decision_ids (a JSON list in $1) were acknowledged, how many no record on disk
# carries, and a few of those.
MISSING=$(cat <<'EOF'
import glob, gzip, json, sys
acked = json.load(open(sys.argv[1]))
seen = set()
for seg in sorted(glob.glob(sys.argv[2] + "/audit-*.jsonl*")):
    opener = gzip.open if seg.endswith(".gz") else open
    with opener(seg, "rt") as f:
        for line in f:
            try: seen.add(json.loads(line)["decision_id"])
            except Exception: pass
missing = [d for d in acked if d not in seen]
print(len(acked), len(missing), " ".join(missing[:5]))
EOF
)

# Several rounds: the window between an answer and its write is short, and a round can miss it.
for mode in always batch always batch batch; do
  export WARDEN_STATE_DIR=$TMP/state-$mode WARDEN_SOCKET=$TMP/run-$mode/warden.sock
  start_daemon "$mode"
  python3 -c "$LOAD" "$WARDEN_SOCKET" >"$TMP/acked" &
  load=$!
  sleep 1.5
  kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
  wait "$load"
  read -r acked missing examples < <(python3 -c "$MISSING" "$TMP/acked" "$WARDEN_STATE_DIR/audit")
  [ "${acked:-0}" -gt 100 ] && ok || fail "$mode: only ${acked:-0} decisions were acknowledged before the kill"
  out=$("$WARDEN" audit verify --json); rc=$?
  [ "$rc" = 0 ] && ok || fail "$mode: verify after SIGKILL: $out"
  records=$(json_get "$out" records)
  # Both modes: every decision a client was told is on disk (more may be: written, not yet
  # answered). batch acknowledges after write(2), which the page cache keeps through a SIGKILL.
  [ "$missing" = 0 ] && ok || fail "$mode: $missing of $acked acknowledged decisions are not on disk (e.g. $examples)"
  echo "$mode mode: $acked decisions acknowledged before SIGKILL, $missing missing, $records records on disk"
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
