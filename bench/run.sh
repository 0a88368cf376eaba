#!/usr/bin/env bash
# Runs every benchmark behind docs/PERFORMANCE.md and writes the results, with the machine and
# the exact commands, to bench/results/<UTC time>/ (summary.md, *.json) and bench/results/latest.
#
#   bench/run.sh              everything (~5 minutes on 2 cores)
#   bench/run.sh --quick      fewer iterations and repetitions (~1 minute), for a smoke check
#   bench/run.sh --http       also the HTTP overhead report of issue #4 (bench/http/run.sh, ~20 more
#                             minutes; with --quick, its quick mode), in bench/results/<UTC time>-http/
#
# Needs a built tree (make build) plus node/npm (for ../shared/bench/peers), hyperfine. Every
# number is also a ratio against something measured in the same run (Warden vs /bin/true,
# Warden vs Cedar and Casbin), because these machines are shared and noisy.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
quick=0
http=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --http) http=1 ;;
    *) echo "bench: unknown option $arg (--quick, --http)" >&2; exit 64 ;;
  esac
done
warden=$here/build/warden
micro=$here/build/bench/warden_micro_bench
peers_src=${WARDEN_PEERS_DIR:-$here/../shared/bench/peers}
for f in "$warden" "$micro"; do
  [ -x "$f" ] || { echo "bench: $f is missing: run 'make build' first" >&2; exit 1; }
done
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing: run scripts/bootstrap.sh" >&2; exit 1; }
command -v node >/dev/null || { echo "bench: node is missing: run scripts/bootstrap.sh" >&2; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/bench/results/$stamp
mkdir -p "$out"
scratch=$(mktemp -d /tmp/warden-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

if [ $quick = 1 ]; then iters=5; reps=1; runs=100; min_time=0.1; else iters=50; reps=5; runs=500; min_time=0.5; fi
summary=$out/summary.md
log() { echo "$*" | tee -a "$summary"; }
run() {  # run CMD… : print the command into the summary, then run it
  echo '```' >>"$summary"; echo "\$ $*" >>"$summary"; echo '```' >>"$summary"
  "$@"
}
json_get() { node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(o[process.argv[1]])' "$1"; }

# ---- the machine --------------------------------------------------------------------------
{
  echo "# Warden benchmarks — $stamp"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- warden: $("$warden" --version 2>&1 | head -1), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
} >"$summary"

# A workspace on the real file system, so that symlink resolution costs what it costs in use.
ws=$scratch/home/dev/project
mkdir -p "$ws/src" "$ws/build" "$scratch/home/dev/.ssh"
touch "$ws/old.txt" "$ws/README.md" "$ws/src/main.c"
place=(--cwd "$ws" --workspace "$ws" --home "$scratch/home/dev")

# ---- 1. micro-benchmarks (Google Benchmark: mean per operation) ----------------------------
log "## Micro-benchmarks (Google Benchmark, mean of $reps repetitions)"
run "$micro" --benchmark_min_time=$min_time --benchmark_repetitions=$reps --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/micro.json" --benchmark_out_format=json >"$out/micro.txt" 2>&1
echo '```' >>"$summary"; grep -E '_(mean|median)|^BM_' "$out/micro.txt" >>"$summary" || true; echo '```' >>"$summary"

# ---- 2. shell and file decisions: p50 / p99 over single decisions --------------------------
log ""
log "## Shell decisions, p50/p99 per decision (warden bench, $iters passes)"
for w in everyday commands; do
  run "$warden" bench --requests bench/micro/$w.jsonl --iterations $iters "${place[@]}" --json --slowest 5 \
    >"$out/shell-$w.json"
  log "- $w.jsonl: $(node -e 'const o=require(process.argv[1]); console.log(`${o.decisions} requests, p50 ${o.ns_per_decision_p50} ns, p99 ${o.ns_per_decision_p99} ns, ${o.decisions_per_second}/s`)' "$out/shell-$w.json")"
done

# ---- 3. RBAC at 1k and 10k rules, and the peers side by side --------------------------------
log ""
log "## RBAC (../shared/bench/peers workload)"
cp -r "$peers_src" "$scratch/peers"
(cd "$scratch/peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error >/dev/null)
run node "$scratch/peers/gen-rbac.mjs" "$scratch/rbac1k" >/dev/null
run node "$scratch/peers/gen-rbac.mjs" "$scratch/rbac10k" --roles 500 >/dev/null
for size in 1k 10k; do
  run "$warden" bench --profile none --isolated --policy "$scratch/rbac$size/warden-policy.yaml" \
    --requests "$scratch/rbac$size/requests.jsonl" --iterations $((iters / 5 + 1)) --json >"$out/rbac-$size.json"
  log "- $size rules: $(node -e 'const o=require(process.argv[1]); console.log(`${o.decisions} requests, allowed ${o.allowed}, p50 ${o.ns_per_decision_p50} ns, p99 ${o.ns_per_decision_p99} ns, ${o.decisions_per_second}/s`)' "$out/rbac-$size.json")"
done

cedar_max=$([ $quick = 1 ] && echo 500 || echo 5000)
casbin_max=$([ $quick = 1 ] && echo 200 || echo 2000)
run node "$scratch/peers/run-cedar.mjs" "$scratch/rbac1k" --max $cedar_max >"$out/peer-cedar.json"
run node "$scratch/peers/run-casbin.mjs" "$scratch/rbac1k" --max $casbin_max >"$out/peer-casbin.json"
for m in $cedar_max $casbin_max; do
  run "$warden" bench --profile none --isolated --policy "$scratch/rbac1k/warden-policy.yaml" \
    --requests "$scratch/rbac1k/requests.jsonl" --max $m --iterations 20 --json >"$out/peer-warden-$m.json"
done
node - "$out" $cedar_max $casbin_max <<'EOF' | tee -a "$summary"
const [dir, cedarMax, casbinMax] = process.argv.slice(2);
const read = (f) => JSON.parse(require('fs').readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n').pop());
const cedar = read('peer-cedar.json'), casbin = read('peer-casbin.json');
const w1 = read(`peer-warden-${cedarMax}.json`), w2 = read(`peer-warden-${casbinMax}.json`);
const agree = cedar.allowed === w1.allowed && casbin.allowed === w2.allowed;
const faster = Math.min(cedar.ns_per_decision_p50, casbin.ns_per_decision_p50);
console.log('');
console.log('| engine | requests | allowed | p50 ns | p99 ns |');
console.log('|---|---|---|---|---|');
console.log(`| Cedar-wasm | ${cedar.decisions} | ${cedar.allowed} | ${cedar.ns_per_decision_p50} | ${cedar.ns_per_decision_p99} |`);
console.log(`| Warden | ${w1.decisions} | ${w1.allowed} | ${w1.ns_per_decision_p50} | ${w1.ns_per_decision_p99} |`);
console.log(`| Casbin-node | ${casbin.decisions} | ${casbin.allowed} | ${casbin.ns_per_decision_p50} | ${casbin.ns_per_decision_p99} |`);
console.log(`| Warden | ${w2.decisions} | ${w2.allowed} | ${w2.ns_per_decision_p50} | ${w2.ns_per_decision_p99} |`);
console.log('');
console.log(`- allowed counts agree: ${agree ? 'yes' : 'NO'}`);
console.log(`- Warden p50 vs the faster peer's p50: ${Math.round(faster / w1.ns_per_decision_p50)}x faster`);
if (!agree) process.exitCode = 1;
EOF

# ---- 4. policy load + compile -----------------------------------------------------------------
log ""
log "## Policy load + compile (whole process, hyperfine; subtract the empty-policy run)"
node bench/tools/gen_policy.mjs exec 10000 >"$scratch/exec10k.yaml"
echo 'version: 1' >"$scratch/empty.yaml"
run hyperfine -N --warmup 3 --runs $([ $quick = 1 ] && echo 5 || echo 20) --export-json "$out/policy-load.json" \
  "$warden policy check --profile none $scratch/empty.yaml" \
  "$warden policy check --profile none $scratch/rbac10k/warden-policy.yaml" \
  "$warden policy check --profile none $scratch/exec10k.yaml" >"$out/policy-load.txt" 2>&1
echo '```' >>"$summary"; grep -E 'Benchmark|Time' "$out/policy-load.txt" >>"$summary"; echo '```' >>"$summary"

# ---- 5. warden check as a whole process ------------------------------------------------------
log ""
log "## \`warden check\` as a whole process (hyperfine, median)"
run hyperfine -N --ignore-failure --warmup 20 --runs $runs --export-json "$out/check-process.json" \
  "/bin/true" \
  "$warden check ${place[*]} -- git status" \
  "$warden check ${place[*]} -- rm -rf /" \
  "$warden check ${place[*]} -- npm test 2>&1 | tail -50" >"$out/check-process.txt" 2>&1
node -e '
const r = require(process.argv[1]).results;
for (const x of r) console.log(`- ${x.command.replace(/^\S*\//, "")}: median ${(x.median * 1e3).toFixed(2)} ms (mean ${(x.mean * 1e3).toFixed(2)} ± ${(x.stddev * 1e3).toFixed(2)} ms)`);' "$out/check-process.json" | tee -a "$summary"

# ---- 6. the daemon: ready time, exec and hook as processes, socket round trips, memory --------
log ""
log "## Daemon (warden serve, default policy)"
sock=$scratch/run/warden.sock
WARDEN_STATE_DIR=$scratch/state "$warden" serve --isolated --socket "$sock" 2>"$out/serve.log" &
serve_pid=$!
for _ in $(seq 500); do [ -S "$sock" ] && break; sleep 0.01; done
sleep 0.5
log "- $(grep -o 'ready in [0-9.]* ms' "$out/serve.log") (from \`warden serve\` start to listening, its own log)"
ps -o rss= -p $serve_pid | tr -d ' ' >"$out/daemon-rss.txt"
log "- RSS idle: $(cat "$out/daemon-rss.txt") KiB"
payload=$scratch/hook-bash.json
printf '%s\n' '{"session_id":"b","transcript_path":"/tmp/t.jsonl","cwd":"'"$ws"'","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}' >"$payload"
run hyperfine -N --warmup 20 --runs $runs --export-json "$out/daemon-exec.json" \
  "/bin/true" "$warden exec --socket $sock -- /bin/true" "$here/build/bench/warden_exec_floor /bin/true" \
  >"$out/daemon-exec.txt" 2>&1
run hyperfine --warmup 20 --runs $runs --export-json "$out/daemon-hook.json" \
  "$warden hook claude --socket $sock < $payload" >"$out/daemon-hook.txt" 2>&1
node -e '
for (const f of process.argv.slice(1)) for (const x of require(f).results)
  console.log(`- ${x.command.replace(/^\S*\//, "").replace(/--socket \S+ /, "")}: median ${(x.median * 1e3).toFixed(2)} ms (mean ${(x.mean * 1e3).toFixed(2)} ± ${(x.stddev * 1e3).toFixed(2)} ms)`);' \
  "$out/daemon-exec.json" "$out/daemon-hook.json" | tee -a "$summary"
run "$here/build/bench/warden_roundtrip_bench" "$sock" --clients 4 --rate 10000 --seconds $([ $quick = 1 ] && echo 2 || echo 10) \
  --requests bench/micro/everyday.jsonl >"$out/daemon-roundtrip.json"
log "- round trips, 4 clients offering 10k decisions/s: $(cat "$out/daemon-roundtrip.json")"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
# The monitor's virtual list: frame times with 1M events loaded (records from gen_audit.mjs).
node bench/tools/gen_audit.mjs "$scratch/monitor" $([ $quick = 1 ] && echo 100000 || echo 1000000)
run "$warden" monitor --state-dir "$scratch/monitor" --socket "$scratch/none.sock" --history 1000000 \
  --measure-frames 300 >"$out/monitor-frames.json"
log "- monitor frame times: $(cat "$out/monitor-frames.json")"
rm -rf "$scratch/monitor"

rm -f "$here/bench/results/latest"
ln -s "$stamp" "$here/bench/results/latest"
echo
echo "bench: results in $out (summary.md)"

# ---- 7. the HTTP API and its security stack (issue #4), on request ----------------------------
if [ $http = 1 ]; then
  http_args=(--warden "$warden" --out "$here/bench/results/$stamp-http")
  [ $quick = 1 ] && http_args+=(--quick)
  bench/http/run.sh "${http_args[@]}"
fi
