#!/usr/bin/env bash
# Fault injection (issue #15): no process of an MCP server's tree outlives `warden mcp`, however
# the proxy ends. The server (a sh script, the shape of an `npx` server and worse) starts a
# child, a grandchild in a new session (setsid) with a child of its own, a daemon left behind by
# a subshell, and a classic double-forked daemon (fork, setsid, fork, stdio to /dev/null); each
# records its pid. Then:
#   sigkill      the proxy is SIGKILLed (no chance to clean up);
#   group-kill   the proxy's whole process group is SIGKILLed (as a client may end its child);
#   client-eof   the client closes the proxy's stdin: the server exits, so does the proxy (0);
#   sigterm      the proxy gets SIGTERM: it stops the server and exits 128 + 15;
#   server-exit  the server exits by itself (7) while a request is pending and its tree is
#                still running: the client gets the -32003 error, the proxy exits 7.
# Promise: within 2 s none of the recorded processes is alive (gone, or a zombie waiting to be
# reaped), and neither is the process the server had as its parent.
#
# Measurements (docs/PERFORMANCE.md §8):
#   --runs N          repeat sigkill N times; print the median time from the SIGKILL until the
#                     last process of the tree is gone (/proc polled every 0.5 ms)
#   --startup OTHER   time to the first answered `initialize` (start to answer, a sh server),
#                     this warden against OTHER, interleaved, --startup-runs times each (20)
#   --memory N        Rss, Pss and Private_Dirty of the proxy and of the reaper (the server's
#                     parent) at start and after N tools/call lines through an echo server
# usage: mcp_orphans_test.sh path/to/warden [--runs N] [--startup OTHER_WARDEN [--startup-runs N]] [--memory N]
set -uo pipefail

WARDEN=$(realpath "${1:?usage: mcp_orphans_test.sh path/to/warden [--runs N] [--startup OTHER]}")
shift
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
export WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
unset WARDEN_PROFILE
mkdir -p "$HOME"
cd "$TMP" || exit 1

cat >"$TMP/server.sh" <<'EOF'
#!/bin/sh
# usage: server.sh PIDS_FILE serve|exit|init — every process appends "label pid" to PIDS_FILE.
pids=$1
echo "server $$ $PPID" >>"$pids"
sleep 300 &
echo "child $!" >>"$pids"
setsid sh -c 'sleep 300 & echo "session-child $!" >>"$1"; echo "session $$" >>"$1"; wait' sh "$pids" &
(sleep 300 & echo "subshell-daemon $!" >>"$pids") &
python3 -c 'import os, sys, time
if os.fork(): os._exit(0)
os.setsid()
if os.fork(): os._exit(0)
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2): os.dup2(null, fd)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
os.write(fd, b"double-fork-daemon %d\n" % os.getpid())
os.close(fd)
time.sleep(300)' "$pids"
case $2 in
serve) exec cat ;;
exit) read -r line; exit 7 ;;
esac
EOF

cat >"$TMP/init_server.sh" <<'EOF'
#!/bin/sh
# Answers `initialize` (id 1) and then reads until EOF.
read -r line
echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"t","version":"1"}}}'
exec cat >/dev/null
EOF

cat >"$TMP/driver.py" <<'EOF'
import json, os, signal, statistics, subprocess, sys, time

WARDEN, TMP = sys.argv[1], sys.argv[2]
RUNS, OTHER, STARTUP_RUNS, MEMORY_CALLS = int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
TREE = ["server", "child", "session", "session-child", "subshell-daemon", "double-fork-daemon"]
GONE_WITHIN_S = 2.0
failures, checks, seen = [], 0, {}  # seen: pid -> cmdline, for the final cleanup


def proxy_cmd(warden, *server):
    return [warden, "mcp", "--no-daemon", "--isolated", "--no-pins", "--name", "orphans", "--", "sh", *server]


def state(pid):
    """The /proc state letter of pid, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2]


def alive(pid):
    s = state(pid)
    return s is not None and s != "Z"


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return None


def recorded(path, timeout=10.0):
    """{label: pid} once every process of TREE has written its line."""
    deadline = time.monotonic() + timeout
    while True:
        found, parent = {}, None
        try:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2:
                        found[parts[0]] = int(parts[1])
                    if parts and parts[0] == "server" and len(parts) == 3:
                        parent = int(parts[2])
        except FileNotFoundError:
            pass
        if all(k in found for k in TREE) or time.monotonic() > deadline:
            for pid in list(found.values()) + ([parent] if parent else []):
                seen.setdefault(pid, cmdline(pid))
            return found, parent
        time.sleep(0.01)


def wait_gone(pids, timeout=GONE_WITHIN_S):
    """Seconds until none of pids is alive, or None (then the survivors are in the message)."""
    start = time.monotonic()
    while True:
        left = [p for p in pids if alive(p)]
        if not left:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return None
        time.sleep(0.0005)


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def expect(cond, msg):
    global checks
    checks += 1
    if not cond:
        fail(msg)


def start(name, mode, new_session=False):
    pids = os.path.join(TMP, f"{name}.pids")
    err = open(os.path.join(TMP, f"{name}.stderr"), "wb")
    p = subprocess.Popen(proxy_cmd(WARDEN, os.path.join(TMP, "server.sh"), pids, mode), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=err, start_new_session=new_session)
    tree, parent = recorded(pids)
    missing = [k for k in TREE if k not in tree]
    expect(not missing, f"{name}: the server's tree did not start ({missing} missing; {name}.stderr)")
    expect(all(alive(pid) for pid in tree.values()), f"{name}: a process of the tree died early")
    watched = dict(tree)
    if parent and parent != p.pid:
        watched["server's parent"] = parent  # the reaper, in a build that has one
    return p, watched


def expect_gone(name, watched, start_time=None):
    """Checks that nothing watched is alive within GONE_WITHIN_S; returns the seconds it took
    (from start_time when given), None on failure."""
    global checks
    checks += 1
    if wait_gone(list(watched.values())) is None:
        left = {k: v for k, v in watched.items() if alive(v)}
        fail(f"{name}: still running {GONE_WITHIN_S} s later: {left}")
        return None
    return time.monotonic() - start_time if start_time is not None else 0.0


def scenario_sigkill(name):
    p, watched = start(name, "serve")
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    return expect_gone(name, watched, t0)


def scenario_group_kill():
    p, watched = start("group-kill", "serve", new_session=True)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    expect_gone("group-kill", watched)


def scenario_client_eof():
    p, watched = start("client-eof", "serve")
    p.stdin.close()
    rc = p.wait(timeout=20)
    expect(rc == 0, f"client-eof: the proxy exited {rc}, want 0")
    expect_gone("client-eof", watched)


def scenario_sigterm():
    p, watched = start("sigterm", "serve")
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=20)
    expect(rc == 128 + signal.SIGTERM, f"sigterm: the proxy exited {rc}, want 143")
    expect_gone("sigterm", watched)


def scenario_server_exit():
    p, watched = start("server-exit", "exit")
    p.stdin.write(b'{"jsonrpc":"2.0","id":42,"method":"tools/list"}\n')
    p.stdin.flush()
    line = p.stdout.readline()
    try:
        answer = json.loads(line)
    except ValueError:
        answer = {}
    expect(answer.get("id") == 42 and answer.get("error", {}).get("code") == -32003,
           f"server-exit: the pending request got {line!r}, want error -32003 for id 42")
    rc = p.wait(timeout=20)
    expect(rc == 7, f"server-exit: the proxy exited {rc}, want the server's 7")
    expect_gone("server-exit", watched)


def first_initialize(warden):
    """Seconds from starting `warden mcp` to reading its answer to initialize."""
    t0 = time.perf_counter()
    p = subprocess.Popen(proxy_cmd(warden, os.path.join(TMP, "init_server.sh")), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdin.write(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
                  b'"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n')
    p.stdin.flush()
    line = p.stdout.readline()
    elapsed = time.perf_counter() - t0
    p.stdin.close()
    p.wait(timeout=20)
    if b'"result"' not in line:
        fail(f"startup: {warden} answered {line!r}")
    return elapsed


def smaps(pid):
    """Rss, Pss and Private_Dirty of pid in KiB."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, *value = line.split()
            if key in ("Rss:", "Pss:", "Private_Dirty:"):
                out[key[:-1]] = int(value[0])
    return out


def memory(calls):
    """The memory of the proxy and of the server's parent (the reaper), at start and after `calls`
    tools/call lines through an echo server (cat)."""
    parent_file = os.path.join(TMP, "memory.parent")
    p = subprocess.Popen(proxy_cmd(WARDEN, "-c", f'echo "$PPID" > {parent_file}; exec cat'), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    while not os.path.exists(parent_file) or not open(parent_file).read().strip():
        time.sleep(0.01)
    parent = int(open(parent_file).read())
    print(f"memory at start: proxy {smaps(p.pid)}, server's parent {smaps(parent)} (KiB)")
    for i in range(calls):
        p.stdin.write(b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"read_file",'
                      b'"arguments":{"path":"/tmp/x%d"}}}\n' % (i, i))
        p.stdin.flush()
        p.stdout.readline()
    print(f"memory after {calls} calls: proxy {smaps(p.pid)}, server's parent {smaps(parent)} (KiB)")
    p.stdin.close()
    p.wait(timeout=20)


def ms(values):
    return f"median {statistics.median(values) * 1000:.2f} ms (min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f}, n={len(values)})"


def cleanup():
    for pid, cmd in seen.items():
        if cmd is not None and alive(pid) and cmdline(pid) == cmd:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


try:
    times = [t for t in (scenario_sigkill(f"sigkill-{i + 1}") for i in range(max(RUNS, 1))) if t is not None]
    if RUNS > 1 and times:
        print(f"sigkill → last process of the tree gone: {ms(times)}")
    scenario_group_kill()
    scenario_client_eof()
    scenario_sigterm()
    scenario_server_exit()
    if OTHER:
        ours, theirs = [], []
        for i in range(STARTUP_RUNS + 2):  # the first two of each warm caches and are left out
            a, b = first_initialize(WARDEN), first_initialize(OTHER)
            if i >= 2:
                ours.append(a)
                theirs.append(b)
        print(f"first initialize answered, {WARDEN}: {ms(ours)}")
        print(f"first initialize answered, {OTHER}: {ms(theirs)}")
    if MEMORY_CALLS:
        memory(MEMORY_CALLS)
finally:
    cleanup()
print(f"{checks} checks, {len(failures)} failed")
sys.exit(1 if failures else 0)
EOF

RUNS=1 OTHER= STARTUP_RUNS=20 MEMORY_CALLS=0
while [ $# -gt 0 ]; do
  case $1 in
  --runs) RUNS=$2; shift 2 ;;
  --startup) OTHER=$(realpath "$2"); shift 2 ;;
  --startup-runs) STARTUP_RUNS=$2; shift 2 ;;
  --memory) MEMORY_CALLS=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
python3 "$TMP/driver.py" "$WARDEN" "$TMP" "$RUNS" "$OTHER" "$STARTUP_RUNS" "$MEMORY_CALLS"
