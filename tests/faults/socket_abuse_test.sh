#!/usr/bin/env bash
# Fault injection (issue #15): abusive clients of the daemon's Unix socket, against the real
# `warden serve --isolated` in a temporary HOME. Each abuse runs while the daemon's RSS
# (/proc/PID/status VmRSS) is sampled and a normal decide is sent once a second:
#   1. one client pipelines `decide` and never reads an answer (cut off, it comes back);
#   2. 2000 connections each send a ~1 MiB line without its end;
#   3. 10,000 idle connections (as many as the fd limit allows);
#   4. slowloris: unfinished lines, a byte every 0.25 s.
# Promises: RSS <= 64 MB during and <= 32 MB after each abuse, the normal decides answered,
# each limit counted in `warden status --json` (backpressure, input limit, read, idle and write
# timeouts). The timeouts are shortened with serve's flags so that the run takes about a minute;
# a build without those flags runs with its defaults (its failures are then the RSS promises).
# usage: socket_abuse_test.sh path/to/warden   (FAULTS_PIPELINE_S: seconds of abuse 1, default 15)
set -uo pipefail

WARDEN=$(realpath "${1:?usage: socket_abuse_test.sh path/to/warden}")
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

DURING_MB=64 AFTER_MB=32
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
json_get() {  # json_get JSON PATH…
  python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[k]
print(v)' "$@"
}
le() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2"; }
rss() { python3 "$CLIENTS" rss "$DAEMON_PID"; }
counter() {  # counter NAME: the daemon's counts.NAME (0 when it has no such counter or does not answer)
  local v
  v=$("$WARDEN" status --json 2>/dev/null | python3 -c 'import json,sys
print(json.load(sys.stdin).get("counts", {}).get(sys.argv[1], 0))' "$1" 2>/dev/null)
  echo "${v:-0}"
}
alive() {  # alive LABEL: stop here when the daemon is gone
  kill -0 "$DAEMON_PID" 2>/dev/null && return 0
  echo "FAIL: $1: the daemon died: $(tail -3 "$TMP/serve.log")"
  echo "socket_abuse_test: $checks checks passed, $((failures + 1)) failed"
  exit 1
}

# The test raises its own fd limit as far as it may, for 10,000 connections (each end needs one).
ulimit -n "$(ulimit -Hn)" 2>/dev/null
FDS=$(ulimit -n)
IDLE_CONNS=10000
if [ "$FDS" -lt $((IDLE_CONNS + 200)) ]; then
  IDLE_CONNS=$((FDS - 200))
  echo "note: the fd limit is $FDS: $IDLE_CONNS idle connections instead of 10000"
fi

FLAGS=()
help=$("$WARDEN" serve --help 2>&1)
if [[ "$help" == *--read-timeout* ]]; then
  FLAGS=(--read-timeout 2 --idle-timeout 3 --write-timeout 2)
else
  echo "note: this build has no --read-timeout/--idle-timeout/--write-timeout: running with its defaults"
fi
"$WARDEN" serve --isolated --threads 2 "${FLAGS[@]}" 2>"$TMP/serve.log" &
DAEMON_PID=$!
for _ in $(seq 300); do grep -q "ready in" "$TMP/serve.log" 2>/dev/null && break; sleep 0.02; done
grep -q "ready in" "$TMP/serve.log" || { echo "FAIL: the daemon did not start: $(cat "$TMP/serve.log")"; exit 1; }
"$WARDEN" status >/dev/null 2>&1
echo "daemon RSS at start: $(rss) MB"

# check_abuse LABEL JSON: the promises every abuse shares.
check_abuse() {
  local label=$1 out=$2 peak failed decides
  echo "$label: $out"
  alive "$label"
  peak=$(json_get "$out" rss_peak_mb)
  le "$peak" "$DURING_MB" && ok || fail "$label: RSS reached $peak MB during the abuse (promise: <= $DURING_MB MB)"
  failed=$(json_get "$out" decides_failed)
  decides=$(json_get "$out" decides)
  [ "$failed" = 0 ] && [ "$decides" -ge 1 ] && ok ||
    fail "$label: $failed of $((failed + decides)) normal decides failed during the abuse: $(json_get "$out" decide_errors)"
}
# check_after LABEL: RSS back under the bound within 10 s of the clients leaving.
check_after() {
  local label=$1 now
  alive "$label"
  for _ in $(seq 50); do
    now=$(rss)
    le "$now" "$AFTER_MB" && break
    sleep 0.2
  done
  echo "$label: RSS after: $now MB"
  le "$now" "$AFTER_MB" && ok || fail "$label: RSS still $now MB after the clients left (promise: <= $AFTER_MB MB)"
}

# ---- 1. a client pipelines decides and never reads the answers --------------------------------
out=$(python3 "$CLIENTS" pipeline "$WARDEN_SOCKET" "$DAEMON_PID" "${FAULTS_PIPELINE_S:-15}")
check_abuse "pipelining non-reader" "$out"
check_after "pipelining non-reader"
[ "$(counter backpressure_pauses)" -ge 1 ] && ok || fail "pipelining: no backpressure pause counted"
[ "$(counter write_timeouts)" -ge 1 ] && ok || fail "pipelining: the client that never reads was not cut off (write_timeouts)"

# ---- 2. 2000 connections each holding a ~1 MiB unfinished line ---------------------------------
out=$(python3 "$CLIENTS" partial "$WARDEN_SOCKET" "$DAEMON_PID" 2000 1048576 8)
check_abuse "2000 x 1 MiB unfinished lines" "$out"
check_after "2000 x 1 MiB unfinished lines"
[ "$(counter input_limit_closes)" -ge 1 ] && ok || fail "partial lines: the total input limit was never applied (input_limit_closes)"
[ "$(counter read_timeouts)" -ge 1 ] && ok || fail "partial lines: no held line timed out (read_timeouts)"
codes=$(json_get "$out" error_codes)
[[ "$codes" == *busy* ]] && ok || fail "partial lines: no connection got the 'busy' error: $codes"

# ---- 3. 10,000 idle connections -----------------------------------------------------------------
before=$(counter idle_timeouts)
out=$(python3 "$CLIENTS" idle "$WARDEN_SOCKET" "$DAEMON_PID" "$IDLE_CONNS" 8)
check_abuse "$IDLE_CONNS idle connections" "$out"
check_after "$IDLE_CONNS idle connections"
n=$(json_get "$out" connections)
[ "$n" -ge "$IDLE_CONNS" ] && ok || fail "idle: only $n of $IDLE_CONNS connections were accepted"
closed=$(json_get "$out" closed_by_daemon)
[ "$closed" -ge "$n" ] && ok || fail "idle: the daemon closed only $closed of $n idle connections within 8 s"
silent=$(json_get "$out" closed_silently)
[ "$silent" = "$closed" ] && ok || fail "idle: $((closed - silent)) idle connections got a line before the close (clients reconnect on a silent close)"
after=$(counter idle_timeouts)
[ $((after - before)) -ge "$n" ] && ok || fail "idle: idle_timeouts rose by $((after - before)), want $n"

# ---- 4. slowloris: unfinished lines, one byte at a time -----------------------------------------
before=$(counter read_timeouts)
out=$(python3 "$CLIENTS" slowloris "$WARDEN_SOCKET" "$DAEMON_PID" 50 6)
check_abuse "slowloris" "$out"
[ "$(json_get "$out" closed_by_daemon)" = 50 ] && ok || fail "slowloris: the daemon ended only $(json_get "$out" closed_by_daemon) of 50 within 6 s"
last=$(json_get "$out" last_closed_s)
[ "$last" != None ] && le "$last" 4 && ok || fail "slowloris: the last connection ended after $last s (read timeout 2 s)"
[[ "$(json_get "$out" error_codes)" == *timeout* ]] && ok || fail "slowloris: no 'timeout' error line: $(json_get "$out" error_codes)"
after=$(counter read_timeouts)
[ $((after - before)) -ge 50 ] && ok || fail "slowloris: read_timeouts rose by $((after - before)), want 50"

# ---- the gauges are back to zero, and /metrics-like status fields exist -------------------------
st=$("$WARDEN" status --json)
for k in buffered_in_bytes buffered_out_bytes; do
  v=$(json_get "$st" connections "$k" 2>/dev/null || echo missing)
  [ "$v" = 0 ] && ok || fail "status connections.$k is $v after every client left"
done
grep -qi "error\|fatal" "$TMP/serve.log" && echo "(serve.log has errors: $(grep -ci 'error\|fatal' "$TMP/serve.log") lines)"

echo "socket_abuse_test: $checks checks passed, $failures failed"
[ "$failures" -eq 0 ]
