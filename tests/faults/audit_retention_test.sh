#!/usr/bin/env bash
# Fault injection (issue #15): the audit log runs for months. The real `warden serve --isolated`
# in a temporary HOME, with small segments and retention flags, takes a steady load of decisions
# from four clients over its Unix socket. Promises:
#   - the audit directory stays within --audit-max-bytes (plus what arrives between two passes),
#     closed segments are gzipped, the oldest removed, and `warden status` counts it;
#   - `warden audit verify` passes and says what retention removed; query reads the .gz segments;
#   - a restarted daemon continues the chain; `warden audit prune` refuses to run beside a daemon
#     and works on a stopped one;
#   - a segment deleted by hand (not by retention) is still reported missing.
# usage: audit_retention_test.sh path/to/warden   (FAULTS_LOAD_S: seconds of load, default 12)
set -uo pipefail

WARDEN=$(realpath "${1:?usage: audit_retention_test.sh path/to/warden}")
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
AUDIT=$WARDEN_STATE_DIR/audit

SEGMENT=32768 MAX_BYTES=262144 LOAD_S=${FAULTS_LOAD_S:-12}
# A pass runs within 200 ms of a rotation: at this load (~0.5 MB/s of records) the log outgrows
# the limit by well under this between passes.
SLACK=524288

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
json_get() {  # json_get JSON PATH…
  python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[k]
print(v)' "$@"
}
dir_bytes() {  # the segment files and the anchor
  python3 -c 'import os,sys
d=sys.argv[1]
print(sum(os.path.getsize(os.path.join(d,f)) for f in os.listdir(d) if f.startswith("audit-") or f=="anchor.json"))' "$AUDIT"
}

start_daemon() {
  "$WARDEN" serve --isolated --audit-segment-bytes $SEGMENT --audit-max-bytes $MAX_BYTES \
    --audit-retention-interval 1 2>>"$TMP/serve.log" &
  DAEMON_PID=$!
  for _ in $(seq 300); do
    "$WARDEN" status >/dev/null 2>&1 && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.02
  done
  fail "the daemon did not start: $(cat "$TMP/serve.log")"
  DAEMON_PID=
  return 1
}
stop_daemon() {
  kill "$DAEMON_PID"; wait "$DAEMON_PID"; DAEMON_PID=
}
retention() {  # retention KEY: the daemon's audit.retention.KEY
  "$WARDEN" status --json 2>/dev/null | python3 -c 'import json,sys
print(json.load(sys.stdin).get("audit", {}).get("retention", {}).get(sys.argv[1], ""))' "$1"
}

# Four clients decide at a steady pace (each ~150 a second) for SECONDS; prints how many were
# acknowledged.
LOAD=$(cat <<'EOF'
import json, socket, sys, threading, time
path, seconds, n = sys.argv[1], float(sys.argv[2]), 4
acked = [0] * n
def client(i):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    f = s.makefile("rwb")
    end = time.monotonic() + seconds
    k = 0
    while time.monotonic() < end:
        k += 1
        msg = {"op": "decide", "request": {"kind": "exec", "command": "git log -n %d --oneline src/%d" % (k, i),
               "cwd": "/tmp", "workspace": "/tmp", "home": "/tmp"}}
        f.write((json.dumps(msg) + "\n").encode()); f.flush()
        if json.loads(f.readline()).get("ok"): acked[i] += 1
        time.sleep(0.006)
threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(acked))
EOF
)

start_daemon || exit 1

# 1. Under load, the directory stays bounded.
python3 -c "$LOAD" "$WARDEN_SOCKET" "$LOAD_S" >"$TMP/acked" &
load=$!
peak=0
while kill -0 $load 2>/dev/null; do
  b=$(dir_bytes)
  [ "$b" -gt "$peak" ] && peak=$b
  sleep 0.1
done
wait $load
acked=$(cat "$TMP/acked")
echo "load: $acked decisions acknowledged in ${LOAD_S}s; the audit directory peaked at $peak bytes (limit $MAX_BYTES)"
[ "${acked:-0}" -gt 1000 ] && ok || fail "only ${acked:-0} decisions acknowledged"
[ "$peak" -le $((MAX_BYTES + SLACK)) ] && ok || fail "the directory reached $peak bytes > $MAX_BYTES + $SLACK"

# After the next pass, the log is within the limit and status counts what retention did.
passes=$(retention passes)
for _ in $(seq 100); do
  [ "$(retention passes)" -gt "${passes:-0}" ] 2>/dev/null && break
  sleep 0.05
done
sleep 0.3
b=$(dir_bytes)
[ "$b" -le $((MAX_BYTES + 4096)) ] && ok || fail "after a pass the directory holds $b bytes > $MAX_BYTES"
status=$("$WARDEN" status --json)
removed=$(json_get "$status" audit retention segments_removed)
compressed=$(json_get "$status" audit retention segments_compressed)
records_removed=$(json_get "$status" audit retention records_removed)
echo "status: $compressed segments compressed, $removed removed ($records_removed records)"
[ "$removed" -gt 0 ] && ok || fail "status: no segment removed: $status"
[ "$compressed" -gt 0 ] && ok || fail "status: no segment compressed: $status"
[ "$(json_get "$status" audit retention failed_passes)" = 0 ] && ok || fail "status: failed passes: $status"
ls "$AUDIT"/audit-*.jsonl.gz >/dev/null 2>&1 && ok || fail "no .gz segment in $AUDIT: $(ls "$AUDIT")"
[ -f "$AUDIT/anchor.json" ] && ok || fail "no anchor.json in $AUDIT"
[ -f "$WARDEN_STATE_DIR/audit.key" ] && ok || fail "no audit.key in the state directory"

# 2. prune refuses to run beside the daemon.
out=$("$WARDEN" audit prune --max-bytes 1K 2>&1); rc=$?
[ "$rc" = 1 ] && ok || fail "prune beside a running daemon: exit $rc: $out"
echo "$out" | grep -q "running daemon" && ok || fail "prune beside a running daemon says: $out"

# 3. verify passes and reports the removed prefix; query reads the compressed segments.
stop_daemon
out=$("$WARDEN" audit verify --json); rc=$?
[ "$rc" = 0 ] && ok || fail "verify after retention: $out"
first_seq=$(json_get "$out" retention first_seq)
[ "$(json_get "$out" retention removed_records)" = $((first_seq - 1)) ] && ok || fail "verify: removed_records: $out"
[ "$(json_get "$out" retention removed_segments)" -ge "$removed" ] && ok || fail "verify: removed_segments: $out"
[ "$(json_get "$out" retention mac)" = verified ] && ok || fail "verify: the anchor's MAC: $out"
[ "$(json_get "$out" compressed_segments)" -gt 0 ] && ok || fail "verify read no compressed segment: $out"
records=$(json_get "$out" records)
last_seq=$(json_get "$out" last_seq)
[ "$records" = $((last_seq - first_seq + 1)) ] && ok || fail "verify: $records records from seq $first_seq to $last_seq"
[ "$last_seq" -ge "$acked" ] && ok || fail "verify: last seq $last_seq < $acked acknowledged decisions"
text=$("$WARDEN" audit verify)
echo "$text" | grep -q "^retention: removed" && ok || fail "verify text does not say what retention removed: $text"
echo "$text" | head -2
queried=$("$WARDEN" audit query --json | wc -l)
[ "$queried" = "$records" ] && ok || fail "query printed $queried records, verify counted $records"
announced=$("$WARDEN" audit query --rule warden:audit-retention --json)
echo "$announced" | grep -q '"action":"audit.retention"' && ok || fail "no retention record in the log: $announced"

# 4. A restarted daemon continues the chain (its newest segments are plain), then prune on a
# stopped daemon.
start_daemon || exit 1
"$WARDEN" exec -- true
stop_daemon
out=$("$WARDEN" audit verify --json); rc=$?
[ "$rc" = 0 ] && ok || fail "verify after restart: $out"
[ "$(json_get "$out" last_seq)" -gt "$last_seq" ] && ok || fail "the restarted daemon did not continue the chain: $out"
out=$("$WARDEN" audit prune --max-bytes 96K --json); rc=$?
[ "$rc" = 0 ] && ok || fail "prune on a stopped daemon: exit $rc: $out"
[ "$(json_get "$out" removed_segments)" -gt 0 ] && ok || fail "prune --max-bytes 96K removed nothing: $out"
out=$("$WARDEN" audit verify --json); rc=$?
[ "$rc" = 0 ] && ok || fail "verify after prune: $out"

# 5. A segment removed by hand is missing, anchor or not.
first=$(ls "$AUDIT"/audit-* | sort | head -1)
rm "$first"
out=$("$WARDEN" audit verify --json); rc=$?
[ "$rc" = 1 ] && ok || fail "verify after removing $first by hand: exit $rc"
[ "$(json_get "$out" problem kind)" = missing ] && ok || fail "verify after removing $first by hand: $out"

echo "audit retention faults: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
