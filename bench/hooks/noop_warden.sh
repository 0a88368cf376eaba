#!/usr/bin/env bash
# A stand-in for the warden binary that agent_hook_overhead.sh hands to
# tests/agents/agents_test.sh, so that the suite's own machinery (HOME, decoys, the agent's
# configuration, the network namespace, the fake model) runs the agent with a different hook:
#
#   `install AGENT …`  WARDEN_BENCH_HOOK=noop: the real `warden install` ($WARDEN_BENCH_REAL), then
#                      its hook command replaced by the no-opinion hook (noop_install.mjs):
#                        sed -n -e 'w R/noop-hook.seen' -e '${s/.*/{}/p}'
#                      — one process that reads the whole payload (kept in R/noop-hook.seen, R =
#                      the parent of HOME, so each run can be checked to have run the hook) and
#                      prints `{}`; exit 0 — the answer with no opinion that every agent here takes.
#                      WARDEN_BENCH_HOOK=none: nothing is installed (the agent runs no hook).
#   `doctor …`         every agent "live": the suite asks `warden doctor --json` whether the fresh
#                      install is live before each run, and the swapped hook is not Warden's on
#                      purpose (whether it ran is checked from R/noop-hook.seen instead).
#   anything else      the real binary.
set -euo pipefail
real=${WARDEN_BENCH_REAL:?set WARDEN_BENCH_REAL to the warden binary}
if [ "${1:-}" = doctor ]; then
  echo '{"agents":['"$(printf '{"agent":"%s","live":true,"problems":[]},' claude codex gemini cursor qwen copilot | sed 's/,$//')"']}'
  exit 0
fi
[ "${1:-}" = install ] || exec "$real" "$@"
case ${WARDEN_BENCH_HOOK:-noop} in
none) exit 0 ;;
noop)
  info=$("$real" "$@")
  case " $* " in *" --json "*) ;; *) echo "noop_warden.sh: install needs --json" >&2; exit 1 ;; esac
  seen=$(dirname "$HOME")/noop-hook.seen
  node "$(dirname "$0")/noop_install.mjs" "$info" "sed -n -e 'w $seen' -e '\${s/.*/{}/p}'"
  echo "$info" ;;
*) echo "noop_warden.sh: WARDEN_BENCH_HOOK is noop or none" >&2; exit 1 ;;
esac
