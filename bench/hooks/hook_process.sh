#!/usr/bin/env bash
# `warden hook claude` as a whole process against `/bin/true`, in the same run (issue #14,
# "Numbers"): Claude Code PreToolUse payloads from tests/fixtures/hooks/claude/ (a Bash `git
# status`, no rule: no-opinion answer; a Bash `rm -rf /`: deny), and agent_hook_overhead.sh's
# no-op hook (sed, reads the payload and prints {}) on the first, with cwd set to a scratch
# workspace and HOME to a scratch home (no user policy), deciding
#   in-process  --socket names a path where no daemon listens (what agents_test.sh does), and
#   daemon      --socket names a `warden serve` started here on a scratch socket and state dir
#               (one round trip; the decision is made in the daemon, not in this process).
# Wall time: spawn_timer.py, interleaved (each round runs every command once, rotating the order),
# median and p99 per command, and the ratio to /bin/true's; minor page faults from each child's
# rusage. Instructions: valgrind --tool=callgrind, total Ir of one process (of the client only in
# the daemon case).
#
# usage: bench/hooks/hook_process.sh [--runs N] [--out DIR] [WARDEN]
# Writes DIR (default bench/results/<UTC time>-hook-process/): timing.json, callgrind.txt,
# summary.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RUNS=300 OUT= WARDEN=$root/build/warden
ARGS="$*"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 64 ;;
    *) WARDEN=$1; shift ;;
  esac
done
WARDEN=$(realpath "$WARDEN")
OUT=${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-hook-process}
mkdir -p "$OUT"
T=$(mktemp -d)
DAEMON_PID=
cleanup() { [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/home" "$T/ws" "$T/state" "$T/dstate"
echo "README" >"$T/ws/README.md"
export HOME=$T/home WARDEN_STATE_DIR=$T/state
unset WARDEN_SOCKET XDG_RUNTIME_DIR WARDEN_PROFILE
for f in bash_allow_git_status bash_deny_rm_rf_root; do
  node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync(process.argv[1]));
    p.cwd=process.argv[2];p.transcript_path=process.argv[3]+"/t.jsonl";process.stdout.write(JSON.stringify(p)+"\n")' \
    "$root/tests/fixtures/hooks/claude/$f.json" "$T/ws" "$T" >"$T/$f.json"
done
ALLOW=$T/bash_allow_git_status.json DENY=$T/bash_deny_rm_rf_root.json

"$WARDEN" serve --socket "$T/d.sock" --state-dir "$T/dstate" 2>"$T/serve.log" &
DAEMON_PID=$!
for _ in $(seq 250); do grep -q "ready in" "$T/serve.log" 2>/dev/null && break; sleep 0.02; done
grep -q "ready in" "$T/serve.log" || { echo "warden serve did not start: $(cat "$T/serve.log")" >&2; exit 1; }

# Each answer checked once before timing: nothing for git status (no opinion), a deny for rm -rf /.
for sock in "$T/none.sock" "$T/d.sock"; do
  [ -z "$("$WARDEN" hook claude --socket "$sock" <"$ALLOW" 2>/dev/null)" ] || { echo "unexpected answer to git status" >&2; exit 1; }
  "$WARDEN" hook claude --socket "$sock" <"$DENY" 2>/dev/null | grep -q '"permissionDecision":"deny"' || { echo "rm -rf / not denied" >&2; exit 1; }
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%FT%TZ)
H=("$WARDEN" hook claude --socket)
# The no-op hook of agent_hook_overhead.sh: reads the payload, keeps it, prints {}.
NOOP_NAME="no-op hook (sed, prints {})"
NOOP=(/usr/bin/sed -n -e "w $T/noop-hook.seen" -e '${s/.*/{}/p}')
python3 "$here/spawn_timer.py" --runs "$RUNS" --warmup 20 \
  /bin/true "$ALLOW" -- /bin/true ";;" \
  "$NOOP_NAME" "$ALLOW" -- "${NOOP[@]}" ";;" \
  "in-process, git status" "$ALLOW" -- "${H[@]}" "$T/none.sock" ";;" \
  "in-process, rm -rf /" "$DENY" -- "${H[@]}" "$T/none.sock" ";;" \
  "daemon, git status" "$ALLOW" -- "${H[@]}" "$T/d.sock" ";;" \
  "daemon, rm -rf /" "$DENY" -- "${H[@]}" "$T/d.sock" >"$OUT/timing.json"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
grep -c '"decision"' "$T/dstate"/audit/*.jsonl >/dev/null 2>&1 || { echo "the daemon's audit log has no decisions: the hook did not reach it" >&2; exit 1; }

: >"$OUT/callgrind.txt"
callgrind() {  # callgrind NAME STDIN ARGV...
  local name=$1 stdin=$2; shift 2
  local ir
  ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" <"$stdin" 2>&1 >/dev/null |
       sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
  printf '%s\t%s\n' "$name" "$ir" >>"$OUT/callgrind.txt"
}
callgrind /bin/true "$ALLOW" /bin/true
callgrind "$NOOP_NAME" "$ALLOW" "${NOOP[@]}"
callgrind "in-process, git status" "$ALLOW" "${H[@]}" "$T/none.sock"
callgrind "in-process, rm -rf /" "$DENY" "${H[@]}" "$T/none.sock"
callgrind "daemon, git status" "$ALLOW" "${H[@]}" "$T/d.sock"
callgrind "daemon, rm -rf /" "$DENY" "${H[@]}" "$T/d.sock"

{
  echo "# \`warden hook claude\` as a whole process, against /bin/true"
  echo
  echo "- command: \`bench/hooks/hook_process.sh $ARGS\` (warden: $WARDEN, sha256 $(sha256sum "$WARDEN" | cut -c1-12), modified $(date -u -r "$WARDEN" +%FT%TZ))"
  echo "- from $START; load average before $LOAD_BEFORE, after the timing $LOAD_AFTER"
  echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(uname -sr)"
  echo "- timing: \`python3 bench/hooks/spawn_timer.py --runs $RUNS --warmup 20 …\` (interleaved; stdin the payload, stdout/stderr /dev/null)"
  echo "- instructions: \`valgrind --tool=callgrind build/warden hook claude --socket S < PAYLOAD\` (total Ir of that one process)"
  echo
  node -e '
    const fs = require("fs");
    const t = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const ir = Object.fromEntries(fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => l.split("\t")));
    const f = (x, d = 2) => x.toFixed(d);
    const M = (x) => (x / 1e6).toFixed(2) + " M";
    const base = t.commands[t.baseline];
    console.log("| process | median | p99 | mean | median ÷ /bin/true | p99 ÷ /bin/true | minor page faults | instructions (callgrind) | instructions ÷ /bin/true |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const [name, c] of Object.entries(t.commands)) {
      console.log(`| ${name === t.baseline || name.startsWith("no-op") ? name : "`warden hook claude`, " + name} | ${f(c.median_ms)} ms | ${f(c.p99_ms)} ms | ${f(c.mean_ms)} ms | ${f(c.median_ratio)} | ${f(c.p99_ratio)} | ${c.minor_faults_median} | ${M(+ir[name])} | ${(+ir[name] / +ir[t.baseline]).toFixed(0)}× |`);
    }
    console.log();
    console.log(`${t.runs} runs of each after ${t.warmup} warm-up rounds; exit codes: ${Object.entries(t.commands).map(([n, c]) => n + " " + c.exit_codes.join("/")).join(", ")}.`);
  ' "$OUT/timing.json" "$OUT/callgrind.txt"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
