#!/usr/bin/env bash
# The MCP stdio proxy's cost: the echo server on its own vs behind a wrapper, in alternating
# rounds of the same run (these machines are shared and noisy), printed as a Markdown table.
#
#   bench/mcp/run.sh [--rounds N] [--messages N] [--window K] [--wrapper 'COMMAND ARGS']
#
# The wrapper is started as `WRAPPER -- ECHO_SERVER`; by default it is the relay alone with
# forward-and-parse handlers (build/bench/warden_mcp_relay_only); `--wrapper 'build/warden mcp'`
# measures the real command. Targets (issue): added p99 ≤ 100 µs, ≥ 20k messages/s, where a
# message is one request and its response.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
bin=$here/build/bench
rounds=3
messages=20000
window=64
wrapper="$bin/warden_mcp_relay_only"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --wrapper) wrapper=$2; shift 2 ;;
    *) echo "bench/mcp: unknown option $1 (--rounds, --messages, --window, --wrapper)" >&2; exit 64 ;;
  esac
done
for f in warden_mcp_bench warden_mcp_echo_server warden_mcp_relay_only; do
  [ -x "$bin/$f" ] || { echo "bench/mcp: $bin/$f is missing: cmake --build build --target $f" >&2; exit 1; }
done

results=$(mktemp /tmp/warden-mcp-bench.XXXXXX)
trap 'rm -f "$results"' EXIT
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$rounds"); do
  for run in direct wrapped; do
    if [ "$run" = direct ]; then
      cmd=("$bin/warden_mcp_echo_server")
    else
      read -r -a cmd <<<"$wrapper"
      cmd+=(-- "$bin/warden_mcp_echo_server")
    fi
    echo "round $round: warden_mcp_bench --messages $messages --window $window -- ${cmd[*]}" >&2
    "$bin/warden_mcp_bench" --label "$run" --messages "$messages" --window "$window" -- "${cmd[@]}" >>"$results"
  done
done

python3 - "$results" "$wrapper" <<'EOF'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {label: [r for r in runs if r["label"] == label] for label in ("direct", "wrapped")}
med = lambda label, key: statistics.median(r[key] for r in by[label])
print(f"| {sys.argv[2].split('/')[-1]} vs direct, median of {len(by['direct'])} rounds | p50 µs | p99 µs | p99.9 µs | msgs/s (window {runs[0]['window']}) |")
print("|---|---:|---:|---:|---:|")
for label, name in (("direct", "echo server direct"), ("wrapped", "through the wrapper")):
    print(f"| {name} | {med(label, 'p50_us'):.1f} | {med(label, 'p99_us'):.1f} | {med(label, 'p999_us'):.1f} | {med(label, 'msgs_per_s'):,.0f} |")
added = [w["p99_us"] - d["p99_us"] for d, w in zip(by["direct"], by["wrapped"])]
added50 = [w["p50_us"] - d["p50_us"] for d, w in zip(by["direct"], by["wrapped"])]
print(f"| **added** (per round: p99 {', '.join(f'{a:.1f}' for a in added)}) | {statistics.median(added50):.1f} | "
      f"**{statistics.median(added):.1f}** | {med('wrapped', 'p999_us') - med('direct', 'p999_us'):.1f} | |")
ok_latency = statistics.median(added) <= 100
ok_rate = med("wrapped", "msgs_per_s") >= 20000
print()
print(f"targets: added p99 ≤ 100 µs: {'met' if ok_latency else 'MISSED'}; "
      f"≥ 20k msgs/s through the wrapper: {'met' if ok_rate else 'MISSED'}")
EOF
