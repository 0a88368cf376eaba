#!/usr/bin/env bash
# Interleaved p50/p99 of two warden builds on the same shell workload, so that the machine's
# noise hits both alike: the median over ROUNDS of each build's per-run p50 (and p99), and
# their ratio. usage: compare_p50.sh BASE_WARDEN NEW_WARDEN [REQUESTS.jsonl] [ROUNDS]
# WS and HOME for the decisions: $BENCH_WS (default /tmp/ws) and $BENCH_HOME (/tmp/wshome).
set -euo pipefail
base=$1 new=$2 requests=${3:-bench/micro/everyday.jsonl} rounds=${4:-9}
ws=${BENCH_WS:-/tmp/ws} home=${BENCH_HOME:-/tmp/wshome}
mkdir -p "$ws" "$home"
for ((i = 0; i < rounds; i++)); do
  for b in "$base" "$new"; do
    "$b" bench --requests "$requests" --iterations 50 --cwd "$ws" --workspace "$ws" --home "$home" --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], d["ns_per_decision_p50"], d["ns_per_decision_p99"])' "$b"
  done
done | python3 -c '
import sys, statistics as st
runs = {}
for line in sys.stdin:
    name, p50, p99 = line.split()
    runs.setdefault(name, []).append((float(p50), float(p99)))
(b, bs), (n, ns) = list(runs.items())
p = lambda xs, k: st.median(x[k] for x in xs)
print(f"p50: base {p(bs,0):.0f} ns, new {p(ns,0):.0f} ns, ratio {p(ns,0)/p(bs,0):.3f}")
print(f"p99: base {p(bs,1):.0f} ns, new {p(ns,1):.0f} ns, ratio {p(ns,1)/p(bs,1):.3f}")'
