#!/usr/bin/env bash
# Faults: hostile peers of `warden mcp` (issue #15's table, rows 8 and 9, and a server that dies
# mid-call). Promises: a server's output that is not JSON is scanned like a result — the AWS key
# it prints never reaches the client (redacted, or dropped with --refuse-non-json); a client line
# that is not JSON is answered -32700 by the proxy and never reaches the server; a server that
# exits with requests pending leaves no client waiting: each gets a JSON-RPC error.
# The peers are a python3 server and client on pipes; nothing leaves the machine.
# usage: mcp_hostile_peers_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: mcp_hostile_peers_test.sh path/to/warden}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR= WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/none.sock
mkdir -p "$HOME"

# The server: answers initialize and tools/list, prints a plain line holding an AWS key (built in
# pieces: no whole key in the repository), logs every line it receives, and exits without
# answering the first tools/call.
cat >"$TMP/server.py" <<'EOF'
import json, sys
log = open(sys.argv[1], "a")
key = "AKIA" + "Z3MQ7RT2XK5LW4PB"
for line in sys.stdin:
    log.write(line); log.flush()
    try: msg = json.loads(line)
    except Exception: continue
    method, mid = msg.get("method"), msg.get("id")
    if method == "initialize":
        print(json.dumps({"jsonrpc": "2.0", "id": mid, "result": {"protocolVersion": "2025-06-18",
              "capabilities": {"tools": {}}, "serverInfo": {"name": "hostile", "version": "1"}}}), flush=True)
    elif method == "tools/list":
        print("debug: connecting with key " + key, flush=True)
        print(json.dumps({"jsonrpc": "2.0", "id": mid, "result": {"tools": [{"name": "echo",
              "description": "echo", "inputSchema": {"type": "object"}}]}}), flush=True)
    elif method == "tools/call":
        sys.exit(3)
EOF

# The client: sends its lines, then reads every answer until the proxy closes; prints them.
cat >"$TMP/client.py" <<'EOF'
import json, subprocess, sys, time
lines = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
     "capabilities": {}, "clientInfo": {"name": "fault-test", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    "GARBAGE-not-json {",
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    # Two calls in one write: both are pending when the server exits on the first.
    json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "hi"}}})
    + "\n" + json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "echo", "arguments": {}}}),
]
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
try:
    for l in lines:
        p.stdin.write(((l if isinstance(l, str) else json.dumps(l)) + "\n").encode()); p.stdin.flush()
        time.sleep(0.1)
except BrokenPipeError:
    print("BROKEN-PIPE")
try:
    out, _ = p.communicate(timeout=10)
except subprocess.TimeoutExpired:
    p.kill(); out, _ = p.communicate(); print("TIMEOUT")
sys.stdout.write(out.decode(errors="replace"))
EOF

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
KEY="AKIA""Z3MQ7RT2XK5LW4PB"
run() {  # run EXTRA-FLAGS…: the client's view of one session
  : >"$TMP/server.log"
  timeout 20 python3 "$TMP/client.py" "$WARDEN" mcp --name hostile --state-dir "$TMP/state" "$@" \
    -- python3 "$TMP/server.py" "$TMP/server.log"
}

out=$(run)
[[ "$out" != *TIMEOUT* ]] && ok || fail "a request was left waiting: $out"
[[ "$out" != *"$KEY"* ]] && ok || fail "the AWS key the server printed reached the client: $out"
[[ "$out" == *"REDACTED"* ]] && ok || fail "the server's plain line is not passed on redacted: $out"
code=$(python3 -c 'import json,sys
for l in sys.stdin:
    try: m=json.loads(l)
    except Exception: continue
    if m.get("error",{}).get("code")==-32700: print("yes")' <<<"$out")
[ "$code" = yes ] && ok || fail "the garbage line got no -32700 answer: $out"
grep -q GARBAGE "$TMP/server.log" && fail "the garbage reached the server" || ok
for id in 3 4; do
  got=$(python3 -c 'import json,sys
for l in sys.stdin:
    try: m=json.loads(l)
    except Exception: continue
    if m.get("id")==int(sys.argv[1]) and "error" in m: print("error")' "$id" <<<"$out")
  [ "$got" = error ] && ok || fail "request $id (pending when the server exited) got no JSON-RPC error: $out"
done

out=$(run --refuse-non-json)
[[ "$out" != *"debug:"* ]] && ok || fail "--refuse-non-json passed the plain line on: $out"
[[ "$out" == *'"tools"'* ]] && ok || fail "--refuse-non-json dropped the JSON too: $out"

echo "mcp hostile peers fault: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
