#!/usr/bin/env bash
# Where an HTTP request's instructions go: runs `warden serve --threads 1` under
# valgrind --tool=callgrind for a few configurations, sends N requests at a low fixed rate with
# warden_http_loadgen (instrumentation switched on only around them), and prints instructions
# per request split by transport, stages, JSON, policy evaluation and audit.
# Instruction counts do not drift with the neighbours the way times do; they leave out the
# kernel (TCP, syscalls) entirely.
#
#   bench/http/profile.sh [--warden PATH] [--loadgen PATH] [--requests 2000] [--rate 200] [--out DIR]
#                         [--configs "nginx healthz none-noaudit none full full-authz"]
#
# Writes DIR/callgrind.CONFIG (open with callgrind_annotate or kcachegrind) and DIR/profile.md.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
warden=${WARDEN_BIN:-$here/build/warden}
loadgen=${WARDEN_HTTP_LOADGEN:-}
requests=2000
rate=200
out=
configs="nginx healthz none-noaudit none full full-authz"
port=28190
while [ $# -gt 0 ]; do
  case "$1" in
    --warden) warden=$2; shift 2 ;;
    --loadgen) loadgen=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/http/profile.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
warden=$(realpath "$warden")
if [ -z "$loadgen" ]; then
  loadgen=$(dirname "$warden")/bench/warden_http_loadgen
  [ -x "$loadgen" ] || loadgen=$here/build/bench/warden_http_loadgen
fi
for t in valgrind callgrind_control callgrind_annotate curl node; do
  command -v $t >/dev/null || { echo "bench/http/profile.sh: $t is missing (apt-get install valgrind)" >&2; exit 1; }
done
[ -n "$out" ] || out=$(mktemp -d /tmp/warden-http-profile.XXXXXX)
mkdir -p "$out"
scratch=$(mktemp -d "${WARDEN_BENCH_TMP:-/var/tmp}/warden-http-profile.XXXXXX")
vg_pid=
trap 'if [ -n "$vg_pid" ]; then kill "$vg_pid" 2>/dev/null || true; fi; rm -rf "$scratch"' EXIT
printf '%s' '{"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"1"}}' >"$scratch/body.json"
rl=(--rate-limit default=1000000000/min --rate-limit expensive=1000000000/min)
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "profile.sh: port $port is in use (--port N)" >&2; exit 1; }
seconds=$(node -e "console.log(Math.max(1, Math.round($requests / $rate)))")

for cfg in $configs; do
  state=
  if [ "$cfg" = nginx ]; then
    prefix=$scratch/nginx
    mkdir -p "$prefix"
    sed -e "s|@WORKERS@|1|; s|@PREFIX@|$prefix|g; s|@PORT@|$port|" bench/http/nginx.conf.in >"$prefix/nginx.conf"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$scratch/cg.$cfg" \
      nginx -c "$prefix/nginx.conf" -p "$prefix/" -g 'daemon off; master_process off;' >"$out/serve-$cfg.log" 2>&1 &
    vg_pid=$!
    for _ in $(seq 300); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break; sleep 0.2; done
    # the same bytes as Warden's /v1/check request, a made-up token of a real one's length
    lg=(--url "http://127.0.0.1:$port/v1/check" --method POST --body-file "$scratch/body.json"
      --header "Authorization: Bearer wdn_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG")
  else
  case "$cfg" in
    healthz|full|full-authz) args=("${rl[@]}") ;;
    full-noaudit) args=("${rl[@]}" --no-audit) ;;
    none) args=(--stage-off all --anonymous-role service) ;;
    none-noaudit) args=(--stage-off all --anonymous-role service --no-audit) ;;
    *) echo "profile.sh: unknown config $cfg" >&2; exit 64 ;;
  esac
  state=$scratch/state-$cfg
  mkdir -p "$state"
  token=$("$warden" token create --role service --state-dir "$state" --json |
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).token)')
  # `warden serve` execs warden-serve, which valgrind would not follow: profile it directly.
  serve_bin=$(dirname "$warden")/warden-serve
  [ -x "$serve_bin" ] || serve_bin=$warden
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$scratch/cg.$cfg" \
    "$serve_bin" serve --isolated --policy bench/http/policy.yaml --socket "$scratch/w.sock" --state-dir "$state" \
    --http "127.0.0.1:$port" --threads 1 "${args[@]}" >"$out/serve-$cfg.log" 2>&1 &
  vg_pid=$!
  for _ in $(seq 300); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
  case "$cfg" in
    healthz) lg=(--url "http://127.0.0.1:$port/healthz") ;;
    full-authz) lg=(--url "http://127.0.0.1:$port/v1/authz" --header "Authorization: Bearer $token"
      --header "X-Original-Method: GET" --header "X-Original-URI: /api/items/1") ;;
    *) lg=(--url "http://127.0.0.1:$port/v1/check" --method POST --body-file "$scratch/body.json" --header "Authorization: Bearer $token") ;;
  esac
  fi
  "$loadgen" "${lg[@]}" --rate "$rate" --duration 2 --warmup 0 --connections 4 >/dev/null  # warm-up, not counted
  callgrind_control -i on "$vg_pid" >/dev/null 2>&1
  "$loadgen" "${lg[@]}" --rate "$rate" --duration "$seconds" --warmup 0 --connections 4 >"$out/load-$cfg.json"
  sleep 0.3  # the audit writer's batch
  callgrind_control -d "$vg_pid" >/dev/null 2>&1
  kill "$vg_pid"; wait "$vg_pid" 2>/dev/null || true
  vg_pid=
  if [ -n "$state" ]; then rm -rf "$state"; fi
  cp "$scratch"/cg."$cfg".* "$out/callgrind.$cfg" 2>/dev/null || cp "$scratch/cg.$cfg" "$out/callgrind.$cfg"
  callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.$cfg" >"$out/inclusive.$cfg.txt" 2>/dev/null
  callgrind_annotate --threshold=100 "$out/callgrind.$cfg" >"$out/self.$cfg.txt" 2>/dev/null
  echo "profile: $cfg done ($(node -e 'console.log(require(process.argv[1]).completed)' "$out/load-$cfg.json") requests)" >&2
done

node bench/http/profile_table.mjs "$out" $configs | tee "$out/profile.md"
echo "profile: files in $out" >&2
