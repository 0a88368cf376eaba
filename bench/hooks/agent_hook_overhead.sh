#!/usr/bin/env bash
# What a hook adds to one tool call inside the real agent CLIs (issue #14, "Numbers"): the
# real-agent suite's `ordinary` case (tests/agents/agents_test.sh: the scripted fake model makes
# one shell call, `touch WORKSPACE/marker`, the agent runs it, then the model answers "Done.")
# run K times per agent and per hook, interleaved round by round, in one run:
#
#   none    no hook installed (the agent's own cost without any hook)
#   noop    a hook that reads the payload and prints `{}` (noop_warden.sh): what any hook costs
#   warden  `warden install AGENT`'s hook, deciding in-process (no daemon on its socket)
#   daemon  the same hook with `warden serve` on that socket (WARDEN_AGENTS_DAEMON=1)
#
# The suite does all the setup, unchanged: noop and none hand it noop_warden.sh as its "warden
# binary", which installs the real hook and swaps its command (Codex's trust hash recomputed),
# or installs nothing. Per run it records the agent's wall time (netns_run.sh's agent.ms) and the
# time of the tool call as the fake model saw it (tool_call_ms.mjs: from the request answered with
# the call to the request that brought its result back — no agent start-up or exit in it). A noop
# run counts only if the payload reached the hook (R/noop-hook.seen holds it), every run only if
# the case passed (the marker was created).
#
# usage: bench/hooks/agent_hook_overhead.sh [--runs K] [--agents "claude gemini codex qwen copilot"]
#          [--variants "none noop warden daemon"] [--out DIR] [WARDEN]
# Writes DIR (default bench/results/<UTC time>-agent-hooks/): runs.tsv (one line per run),
# summary.md (the machine, the command, medians and p99 per agent and hook, the differences).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
K=10 AGENTS="claude gemini codex qwen copilot" VARIANTS="none noop warden daemon" OUT= WARDEN=$root/build/warden
ARGS="$*"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) K=$2; shift 2 ;;
    --agents) AGENTS=$2; shift 2 ;;
    --variants) VARIANTS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 64 ;;
    *) WARDEN=$1; shift ;;
  esac
done
WARDEN=$(realpath "$WARDEN")
SUITE=$root/tests/agents/agents_test.sh
[ -d "$root/tests/agents/node_modules" ] || { echo "SKIP: tests/agents/node_modules is missing"; exit 77; }
OUT=${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-agent-hooks}
mkdir -p "$OUT"
TSV=$OUT/runs.tsv
printf 'round\tagent\tvariant\tok\tagent_ms\tcall_ms\tnote\n' >"$TSV"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%FT%TZ)

one_run() {  # one_run ROUND AGENT VARIANT
  local round=$1 agent=$2 variant=$3 bin=$WARDEN env=() out dir ok=yes note=
  case $variant in
    none | noop) bin=$here/noop_warden.sh; env=(WARDEN_BENCH_REAL="$WARDEN" WARDEN_BENCH_HOOK=$variant) ;;
    daemon) env=(WARDEN_AGENTS_DAEMON=1) ;;
  esac
  out=$(env "${env[@]}" WARDEN_AGENTS_KEEP=1 bash "$SUITE" "$bin" "$agent" ordinary 2>&1)
  dir=$(printf '%s\n' "$out" | sed -n 's/^kept: //p' | head -1)
  if [ -z "$dir" ] || [ ! -f "$dir/run/agent.ms" ]; then
    printf '%s\t%s\t%s\tno\tNA\tNA\t%s\n' "$round" "$agent" "$variant" "$(printf '%s' "$out" | tr '\t\n' '  ' | cut -c1-200)" >>"$TSV"
    [ -n "$dir" ] && rm -rf "$dir"; return
  fi
  printf '%s\n' "$out" | grep -q "^PASS $agent ordinary" || { ok=no; note="case failed: $(printf '%s' "$out" | grep -m1 '^FAIL' | cut -c1-160)"; }
  if [ "$variant" = noop ] && ! grep -q marker "$dir/noop-hook.seen" 2>/dev/null; then ok=no; note="the no-op hook did not get the payload"; fi
  if [ "$variant" = daemon ] && ! printf '%s\n' "$out" | grep -q "the daemon decided it"; then ok=no; note="the daemon did not decide it"; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$agent" "$variant" "$ok" "$(cat "$dir/run/agent.ms")" \
    "$(node "$here/tool_call_ms.mjs" "$dir/run/requests.jsonl" /marker 2>/dev/null || echo NA)" "$note" >>"$TSV"
  rm -rf "$dir"
}

read -ra vs <<<"$VARIANTS"
for round in $(seq "$K"); do
  for agent in $AGENTS; do
    # rotate the order of the variants every round, so that none always runs first or last
    n=${#vs[@]}
    for ((j = 0; j < n; j++)); do one_run "$round" "$agent" "${vs[$(((j + round) % n))]}"; done
  done
  echo "round $round/$K done ($(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

{
  echo "# What a hook adds to one tool call inside the real agents"
  echo
  echo "- command: \`bench/hooks/agent_hook_overhead.sh $ARGS\` (warden: $WARDEN)"
  echo "- from $START to $(date -u +%FT%TZ); load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(uname -sr)"
  echo "- agents: $(cd "$root/tests/agents" && node -e 'const p=require("./package.json");console.log(Object.entries(p.dependencies||{}).map(([k,v])=>k+" "+v).join(", "))')"
  echo
  node "$here/summarize_agents.mjs" "$TSV"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
