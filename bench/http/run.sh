#!/usr/bin/env bash
# The HTTP overhead report of issue #4: what Warden's HTTP API and each layer of its security
# stack cost, next to nginx `return 200` measured in the same run on the same CPUs.
#
#   bench/http/run.sh                       full run: 6 s per measurement, 5 interleaved rounds (~20 min)
#   bench/http/run.sh --quick               2 s, 1 round: a smoke check of the script (~2 min)
#   bench/http/run.sh --update-docs         also rewrite the generated part of docs/PERFORMANCE.md §7
#                                           and docs/http-overhead.svg from this run
#   make bench-http                         = bench/http/run.sh
#
# Options: --warden PATH (env WARDEN_BIN; default build/warden), --loadgen PATH (env
# WARDEN_HTTP_LOADGEN; default: bench/warden_http_loadgen next to the warden binary's build, else
# build/bench/), --duration S, --rounds N, --connections N (wrk and the fixed-rate load),
# --rates "100 1000 10000", --server-cpus LIST (default 0), --load-cpus LIST (default 1),
# --threads N (Warden's I/O threads and nginx's workers; default: one per server CPU),
# --port N (first of two ports), --only "CONFIG …" (a subset of the throughput configs),
# --out DIR, --quiet-wait S (before each measurement, wait up to S seconds for the machine to
# have no other runnable process; the report shows how busy it was during each measurement).
#
# What it does, every measurement with its exact command written to summary.md and runs.jsonl:
#  1. Throughput (closed loop, wrk): nginx `return 200`, Warden /healthz (transport floor),
#     /v1/check with no stages, each stage alone, the full stack, the full stack without the
#     audit log, /v1/authz (nginx auth_request's request) and an exec request through the full
#     stack. Each config gets a fresh server, a 1 s warm-up and then D seconds (default 6); the configs run
#     interleaved (round 1: A B C …, round 2: A B C …) and the report takes medians, with the
#     ratios (Warden ÷ nginx, config ÷ no stages) computed within each round.
#  2. Fixed rate (open loop, warden_http_loadgen, latency from each request's scheduled send
#     time): nginx and the full stack at each rate; p50/p99/p99.9 and errors; and the full stack
#     at 1k req/s with a token it does not know (401/429: the refusals, all intended).
#  3. Stage times: the full stack at 1k and 10k req/s with `Warden-Timing: 1`: Server-Timing of
#     every answer, p50 per stage and of the per-request sum.
# The server runs on --server-cpus and the load generators on --load-cpus (taskset), so the two
# do not share a core. Needs wrk, nginx (nginx-light), taskset, curl and node.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"

warden=${WARDEN_BIN:-$here/build/warden}
loadgen=${WARDEN_HTTP_LOADGEN:-}
# Five short rounds rather than three long ones: a neighbour's build comes in bursts of tens of
# seconds, and a median of five survives two disturbed rounds.
duration=6
rounds=5
connections=8
rates="100 1000 10000"
server_cpus=0
load_cpus=1
threads=
port=28180
only=
out=
quiet_wait=0
quick=0
update_docs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --warden) warden=$2; shift 2 ;;
    --loadgen) loadgen=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --server-cpus) server_cpus=$2; shift 2 ;;
    --load-cpus) load_cpus=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --quiet-wait) quiet_wait=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --update-docs) update_docs=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/http/run.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
if [ $quick = 1 ]; then duration=2; rounds=1; fi
if [ $quick = 1 ] && [ $update_docs = 1 ]; then
  echo "bench/http/run.sh: --update-docs needs a full run, not --quick" >&2; exit 64
fi
warden=$(realpath "$warden")
if [ -z "$loadgen" ]; then
  loadgen=$(dirname "$warden")/bench/warden_http_loadgen
  [ -x "$loadgen" ] || loadgen=$here/build/bench/warden_http_loadgen
fi
[ -x "$warden" ] || { echo "bench/http: $warden is missing: run 'make build' first (or --warden PATH)" >&2; exit 1; }
[ -x "$loadgen" ] || { echo "bench/http: $loadgen is missing: cmake --build build --target warden_http_loadgen (or --loadgen PATH)" >&2; exit 1; }
for tool in wrk nginx taskset curl node; do
  command -v $tool >/dev/null || { echo "bench/http: $tool is missing: run scripts/bootstrap.sh" >&2; exit 1; }
done
cpu_count() { local n=0 part; IFS=, read -ra parts <<<"$1"; for part in "${parts[@]}"; do
  if [[ $part == *-* ]]; then n=$((n + ${part#*-} - ${part%-*} + 1)); else n=$((n + 1)); fi; done; echo $n; }
[ -n "$threads" ] || threads=$(cpu_count "$server_cpus")
load_threads=$(cpu_count "$load_cpus")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$out" ] || out=$here/bench/results/$stamp-http
mkdir -p "$out"
out=$(realpath "$out")
# The state directories (audit log, token store) on the real disk, as in use: not tmpfs.
scratch=$(mktemp -d "${WARDEN_BENCH_TMP:-/var/tmp}/warden-http-bench.XXXXXX")
server_pid=
noise_pid=
cleanup() {
  if [ -n "$noise_pid" ]; then kill "$noise_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary=$out/summary.md
runs=$out/runs.jsonl
: >"$runs"
wport=$port
nport=$((port + 1))
cp bench/http/policy.yaml "$out/policy.yaml"
policy=$out/policy.yaml
body_action=$out/body-action.json
body_exec=$out/body-exec.json
printf '%s' '{"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"1"}}' >"$body_action"
printf '%s' '{"kind":"exec","command":"git status"}' >"$body_exec"
rl_args=(--rate-limit default=1000000000/min --rate-limit expensive=1000000000/min)

# ---- the machine ----------------------------------------------------------------------------
fs_of() { findmnt -n -o FSTYPE --target "$1" 2>/dev/null || stat -f -c %T "$1"; }
{
  echo "# Warden HTTP benchmarks (issue #4) — $stamp"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- warden: $warden ($("$warden" --version 2>&1 | head -1), sha256 $(sha256sum "$warden" | cut -c1-12), built $(date -u -r "$warden" +%Y-%m-%dT%H:%MZ)), tree at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' with uncommitted changes under src/')"
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); load generator: $loadgen"
  echo "- server on CPU(s) $server_cpus ($threads I/O thread(s) / nginx worker(s)); wrk and warden_http_loadgen on CPU(s) $load_cpus ($load_threads thread(s)), $connections keep-alive connections"
  echo "- each measurement: fresh server, 1 s warm-up, then $duration s; $rounds round(s), configs interleaved within a round"
  echo "- state directory (audit log, tokens): $scratch, $(fs_of "$scratch")"
  echo "- policy: built-in default profile + [policy.yaml](policy.yaml) (--isolated)"
  echo
  echo "Secrets: the bearer token of each run is written as \$TOKEN below (a fresh token of a scratch store, deleted after the run;"
  echo "to repeat a command: TOKEN=\$(warden token create --role service --state-dir D --json | jq -r .token) with the server's D)."
  echo
  echo "## Commands"
  echo
} >"$summary"

shell_quote() {  # one argument as a shell word: as it is when plain, else quoted
  if [[ $1 =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then printf '%s' "$1"
  elif [[ $1 != *[\"\$\`\\]* ]]; then printf '"%s"' "$1"  # double quotes, so that $TOKEN below expands
  else printf '%q' "$1"; fi
}

cmd_log() {  # cmd_log KIND CONFIG ROUND CMD… : the command, with the token hidden, into summary.md
  local line="" arg
  for arg in "${@:4}"; do line+="${line:+ }$(shell_quote "$arg")"; done
  [ -n "${token:-}" ] && line=${line//$token/\$TOKEN}
  printf '%s\n' "- $1 \`$2\` round $3: \`$line\`" >>"$summary"
  printf '%s' "$line"
}

runnable() { awk '/procs_running/ {print $2 - 1}' /proc/stat; }  # not counting awk itself

# Waits (up to --quiet-wait seconds) until nothing else wants a CPU for a second.
wait_quiet() {
  [ "$quiet_wait" -gt 0 ] 2>/dev/null || return 0
  local deadline=$((SECONDS + quiet_wait)) calm=0
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(runnable)" -le 0 ]; then calm=$((calm + 1)); else calm=0; fi
    [ $calm -ge 5 ] && return 0
    sleep 0.2
  done
}

# How busy the machine was during a measurement: the number of runnable processes (ours
# included: a saturated server and wrk are 2), sampled every 0.25 s into $1 and averaged.
noise_start() { ( while :; do runnable; sleep 0.25; done ) >"$1" 2>/dev/null & noise_pid=$!; }
noise_stop() {
  kill "$noise_pid" 2>/dev/null; wait "$noise_pid" 2>/dev/null || true
  awk '{ s += $1; n++ } END { printf "%.2f", n ? s / n : 0 }' "$1"
}

server_log() {  # server_log CONFIG CMD… : the server's command line, once per config, for summary.md
  grep -q "^- \`$1\`:" "$out/servers.md" 2>/dev/null && return 0
  local line="" arg
  for arg in "${@:2}"; do line+="${line:+ }$(shell_quote "$arg")"; done
  printf '%s\n' "- \`$1\`: \`$line\`" >>"$out/servers.md"
}

json_str() { V=$1 node -e 'process.stdout.write(JSON.stringify(process.env.V))'; }

cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat" 2>/dev/null || echo 0 0; }  # user, system

wait_http() {  # wait_http URL : until it answers (5 s at most)
  for _ in $(seq 250); do
    curl -s -o /dev/null --max-time 0.5 "$1" && return 0
    sleep 0.02
  done
  echo "bench/http: $1 did not come up" >&2
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  if [ -n "${state:-}" ]; then rm -rf "$state"; fi  # its audit log can be hundreds of MB
  for _ in $(seq 100); do port_free "$wport" && port_free "$nport" && return 0; sleep 0.05; done
}

# Serve arguments of each Warden configuration.
serve_args() {
  case "$1" in
    healthz|full|full-authz|full-exec|full-badtoken) echo "${rl_args[*]}" ;;
    full-noaudit) echo "${rl_args[*]} --no-audit" ;;
    none) echo "--stage-off all --anonymous-role service" ;;
    none-noaudit) echo "--stage-off all --anonymous-role service --no-audit" ;;
    authn) echo "--stage-off ratelimit --stage-off validate --stage-off authz --stage-off audit" ;;
    ratelimit) echo "--stage-off authn --stage-off validate --stage-off authz --stage-off audit --anonymous-role service ${rl_args[*]}" ;;
    validate) echo "--stage-off authn --stage-off ratelimit --stage-off authz --stage-off audit --anonymous-role service" ;;
    authz) echo "--stage-off authn --stage-off ratelimit --stage-off validate --stage-off audit --anonymous-role service" ;;
    audit) echo "--stage-off authn --stage-off ratelimit --stage-off validate --stage-off authz --anonymous-role service" ;;
    *) echo "bench/http: unknown config $1" >&2; return 1 ;;
  esac
}

# start_server CONFIG ROUND : nginx or a fresh Warden (own state dir and token); sets server_pid,
# server_url_base, token, state.
start_server() {
  local cfg=$1 round=$2
  token=
  state=
  if [ "$cfg" = nginx ]; then
    # A made-up token of a real one's length, so that nginx reads the very bytes Warden reads.
    token=wdn_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    local prefix=$scratch/nginx
    rm -rf "$prefix"; mkdir -p "$prefix"
    sed -e "s|@WORKERS@|$threads|; s|@PREFIX@|$prefix|g; s|@PORT@|$nport|" bench/http/nginx.conf.in >"$prefix/nginx.conf"
    cp "$prefix/nginx.conf" "$out/nginx.conf"
    server_log nginx taskset -c "$server_cpus" nginx -c "$prefix/nginx.conf" -p "$prefix/" -g 'daemon off;'
    taskset -c "$server_cpus" nginx -c "$prefix/nginx.conf" -p "$prefix/" -g 'daemon off;' 2>"$out/nginx-r$round.log" &
    server_pid=$!
    base=http://127.0.0.1:$nport
    wait_http "$base/"
    return
  fi
  state=$scratch/state-$cfg
  rm -rf "$state"; mkdir -p "$state"
  token=$("$warden" token create --role service --state-dir "$state" --json |
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).token)')
  local serve_cmd
  # shellcheck disable=SC2207
  serve_cmd=(taskset -c "$server_cpus" "$warden" serve --isolated --policy "$policy" --socket "$scratch/w.sock" --state-dir "$state"
    --http "127.0.0.1:$wport" --threads "$threads" $(serve_args "$cfg"))
  server_log "$cfg" "${serve_cmd[@]}"
  "${serve_cmd[@]}" >"$out/serve-$cfg-r$round.log" 2>&1 &
  server_pid=$!
  base=http://127.0.0.1:$wport
  wait_http "$base/healthz"
}

# The request of each configuration: method, path, body file, headers (wrk.lua's arguments).
request_of() {
  case "$1" in
    healthz) req=(GET /healthz -) ;;
    full-authz) req=(GET /v1/authz - "Authorization: Bearer $token" "X-Original-Method: GET" "X-Original-URI: /api/items/1") ;;
    full-exec) req=(POST /v1/check "$body_exec" "Authorization: Bearer $token") ;;
    # A token the store does not know: 401, then 429 once the auth-failure limit (10/min) bans
    # the address — the refusals an attacker gets, all intended.
    full-badtoken) req=(POST /v1/check "$body_action" "Authorization: Bearer wdn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") ;;
    # nginx gets the same bytes as Warden (its `return 200` reads and drops the body).
    # Every other config: the RBAC question, token included even where authn is off (same bytes).
    *) req=(POST /v1/check "$body_action" "Authorization: Bearer $token") ;;
  esac
}

server_cpu_pid() {  # the process whose CPU time counts: nginx's worker(s), else the server itself
  if [ "$1" = nginx ]; then pgrep -P "$server_pid" | head -1; else echo "$server_pid"; fi
}

audit_bytes() { if [ -n "${state:-}" ] && [ -d "$state/audit" ]; then du -sb "$state/audit" | cut -f1; else echo 0; fi; }

record() {  # record JSON-FIELDS… : one line of runs.jsonl
  local IFS=,
  echo "{$*}" >>"$runs"
}

# ---- 1. throughput (wrk) ---------------------------------------------------------------------
tp_configs="nginx healthz none none-noaudit authn ratelimit validate authz audit full full-noaudit full-authz full-exec"
[ -n "$only" ] && tp_configs=$only
throughput() {
  local cfg=$1 round=$2
  wait_quiet
  start_server "$cfg" "$round"
  request_of "$cfg"
  local url=$base${req[1]}
  local wrk_args=(-t"$load_threads" -c"$connections" -s bench/http/wrk.lua "$url" -- "${req[0]}" "${req[2]}" "${req[@]:3}")
  taskset -c "$load_cpus" wrk -d1s "${wrk_args[@]}" >/dev/null  # warm-up
  local a0 pid load u0 s0 u1 s1
  a0=$(audit_bytes)
  pid=$(server_cpu_pid "$cfg")
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r u0 s0 <<<"$(cpu_ticks "$pid")"
  local shown
  shown=$(cmd_log throughput "$cfg" "$round" taskset -c "$load_cpus" wrk -d"${duration}s" "${wrk_args[@]}")
  local file=$out/tp-$cfg-r$round.txt
  noise_start "$scratch/noise"
  taskset -c "$load_cpus" wrk -d"${duration}s" "${wrk_args[@]}" >"$file" 2>&1
  read -r u1 s1 <<<"$(cpu_ticks "$pid")"
  local noise
  noise=$(noise_stop "$scratch/noise")
  local a1 w
  a1=$(audit_bytes)
  w=$(grep '^WRKJSON ' "$file" | sed 's/^WRKJSON //')
  [ -n "$w" ] || { echo "bench/http: wrk printed no result for $cfg (see $file)" >&2; w=null; }
  stop_server
  record "\"kind\":\"throughput\"" "\"config\":\"$cfg\"" "\"round\":$round" "\"wrk\":$w" \
    "\"server_cpu_ticks\":$((u1 + s1 - u0 - s0))" "\"server_user_ticks\":$((u1 - u0))" "\"server_sys_ticks\":$((s1 - s0))" \
    "\"clk_tck\":$(getconf CLK_TCK)" "\"audit_bytes\":$((a1 - a0))" \
    "\"load1\":$load" "\"runnable_mean\":$noise" "\"args\":$(json_str "$( [ "$cfg" = nginx ] && echo nginx || serve_args "$cfg")")" \
    "\"command\":$(json_str "$shown")"
  printf '  %-13s round %s: %s req/s (runnable processes, ours incl.: %s)\n' "$cfg" "$round" \
    "$(node -e 'const w=JSON.parse(process.argv[1]); console.log(w ? Math.round(w.requests / w.duration_us * 1e6) : "?")' "$w")" "$noise"
}

# ---- 2./3. fixed rate (warden_http_loadgen) ----------------------------------------------------
fixed_rate() {  # fixed_rate KIND CONFIG RATE ROUND [--timing]
  local kind=$1 cfg=$2 rate=$3 round=$4 timing=${5:-}
  wait_quiet
  start_server "$cfg" "$round"
  request_of "$cfg"
  local args=(--url "$base${req[1]}" --method "${req[0]}" --rate "$rate" --duration "$duration" --warmup 1
    --connections "$connections" --threads "$load_threads" --label "$cfg@$rate")
  [ "${req[2]}" != - ] && args+=(--body-file "${req[2]}")
  local h
  for h in "${req[@]:3}"; do args+=(--header "$h"); done
  [ -n "$timing" ] && args+=(--timing)
  [ "$cfg" = full-badtoken ] && args+=(--expect 401,403,429)
  local shown file=$out/$kind-$cfg-$rate-r$round.json load
  load=$(cut -d' ' -f1 /proc/loadavg)
  shown=$(cmd_log "$kind" "$cfg@$rate" "$round" taskset -c "$load_cpus" "$loadgen" "${args[@]}")
  noise_start "$scratch/noise"
  taskset -c "$load_cpus" "$loadgen" "${args[@]}" >"$file"
  local noise
  noise=$(noise_stop "$scratch/noise")
  stop_server
  record "\"kind\":\"$kind\"" "\"config\":\"$cfg\"" "\"rate\":$rate" "\"round\":$round" "\"load\":$(cat "$file")" \
    "\"load1\":$load" "\"runnable_mean\":$noise" "\"command\":$(json_str "$shown")"
  node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const t=o.server_timing_us; console.log(`  ${process.argv[2]} round ${process.argv[3]}: p50 ${o.latency_us.p50} µs, p99 ${o.latency_us.p99} µs, ${o.errors.total} errors` + (t ? `, stages p50 ${t.stages_sum.p50} µs` : "") + ` (runnable, ours incl.: ${process.argv[4]})`)' \
    "$file" "$(printf '%-20s' "$kind $cfg@$rate")" "$round" "$noise"
}

for p in $wport $nport; do port_free "$p" || { echo "bench/http: port $p is in use (--port N)" >&2; exit 1; }; done
echo "bench/http: $rounds round(s) of $duration s measurements; results in $out"
for round in $(seq "$rounds"); do
  echo "round $round: throughput"
  for cfg in $tp_configs; do throughput "$cfg" "$round"; done
  if [ -z "$only" ]; then
    echo "round $round: fixed rate"
    for rate in $rates; do
      fixed_rate fixed nginx "$rate" "$round"
      fixed_rate fixed full "$rate" "$round"
    done
    fixed_rate fixed full-badtoken 1000 "$round"
    echo "round $round: stage times"
    for rate in 1000 10000; do fixed_rate timing full "$rate" "$round" --timing; done
  fi
done

# ---- the report ----------------------------------------------------------------------------
{
  echo
  echo "## Servers (a fresh one for every measurement; the state directory and socket are scratch, deleted at the end)"
  echo
  cat "$out/servers.md"
  rm -f "$out/servers.md"
  echo
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >>"$summary"
report_args=("$out")
[ $update_docs = 1 ] && report_args+=(--doc docs/PERFORMANCE.md --doc bench/tools/PERFORMANCE.template.md --svg docs/http-overhead.svg)
node bench/http/report.mjs "${report_args[@]}"
if [ "$(dirname "$out")" = "$here/bench/results" ]; then
  rm -f "$here/bench/results/latest-http"
  ln -s "$(basename "$out")" "$here/bench/results/latest-http"
fi
echo
echo "bench/http: results in $out (summary.md)"
