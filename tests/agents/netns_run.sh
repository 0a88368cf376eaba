#!/usr/bin/env bash
# Runs one agent command inside a fresh network + mount namespace that has only loopback:
# `unshare -m -n`, `ip link set lo up`, /etc/resolv.conf bind-mounted (in this mount namespace
# only) to "nameserver 127.0.0.1", where dns_logger.mjs logs every name asked and answers
# NXDOMAIN; the scripted fake model server listens on 127.0.0.1:PORT. Nothing can leave the
# machine: the namespace has no other interface and no route. It is a PID namespace too, so
# whatever the agent leaves running is killed when the run ends.
#
# usage: netns_run.sh RUNDIR FAKE_SERVER.mjs SCRIPT.json PORT TIMEOUT_S -- COMMAND ARGS...
# Writes to RUNDIR: requests.jsonl (the fake's request log), dns.jsonl (names asked),
# agent.out / agent.err (the command's output), agent.rc (its exit code; 124 = timed out),
# agent.ms (its wall time), fake.err / dns.err (the servers' stderr).
# Exit code: 0 when the run happened (whatever the agent's exit code), 77 when the namespace
# cannot be made, 1 when the servers did not start.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "${WARDEN_AGENTS_IN_NETNS:-}" != 1 ]; then
  WARDEN_AGENTS_IN_NETNS=1 exec unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private -- "$0" "$@"
fi

rundir=$1 fake=$2 script=$3 port=$4 limit=$5
shift 5
[ "${1:-}" = -- ] && shift
unset WARDEN_AGENTS_IN_NETNS

ip link set lo up || { echo "netns_run: cannot bring up lo" >&2; exit 77; }
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$rundir/resolv.conf"
mount --bind "$rundir/resolv.conf" /etc/resolv.conf || { echo "netns_run: cannot bind-mount resolv.conf" >&2; exit 77; }
# Nothing but loopback may exist here; refuse to run otherwise.
if ip -o link show | grep -v ': lo:' | grep -q .; then
  echo "netns_run: the namespace has an interface besides lo" >&2; exit 1
fi

: >"$rundir/requests.jsonl"; : >"$rundir/dns.jsonl"
node "$here/dns_logger.mjs" "$rundir/dns.jsonl" 53 >/dev/null 2>"$rundir/dns.err" &
dns_pid=$!
node "$here/$fake" --script "$script" --log "$rundir/requests.jsonl" --port "$port" \
  --port-file "$rundir/port" >/dev/null 2>"$rundir/fake.err" &
fake_pid=$!
stop_servers() { kill "$fake_pid" "$dns_pid" 2>/dev/null; wait "$fake_pid" "$dns_pid" 2>/dev/null; }
trap stop_servers EXIT
for _ in $(seq 100); do [ -s "$rundir/port" ] && break; sleep 0.05; done
if [ ! -s "$rundir/port" ]; then
  echo "netns_run: the fake server did not start: $(cat "$rundir/fake.err")" >&2; exit 1
fi

start=$(date +%s%N)
timeout -k 5 "$limit" "$@" </dev/null >"$rundir/agent.out" 2>"$rundir/agent.err"
echo $? >"$rundir/agent.rc"
echo $((($(date +%s%N) - start) / 1000000)) >"$rundir/agent.ms"
exit 0
