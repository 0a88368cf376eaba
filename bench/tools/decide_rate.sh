#!/usr/bin/env bash
# decide_rate.sh WARDEN MODE SECONDS CLIENTS: decisions per second a private daemon (temporary
# HOME and state, --audit-sync MODE) answers to CLIENTS lockstep socket clients over SECONDS.
WARDEN=$1 MODE=$2 SECS=$3 N=$4
TMP=$(mktemp -d); export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR= WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/w.sock
mkdir -p $HOME
"$WARDEN" serve --isolated --audit-sync $MODE 2>/dev/null & pid=$!
for _ in $(seq 300); do "$WARDEN" status >/dev/null 2>&1 && break; sleep 0.02; done
python3 - "$WARDEN_SOCKET" "$SECS" "$N" <<'PY'
import json, socket, sys, threading, time
path, secs, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
count = [0]*n
stop = time.monotonic() + secs
def client(i):
    s = socket.socket(socket.AF_UNIX); s.connect(path); f = s.makefile("rwb")
    msg = (json.dumps({"op": "decide", "request": {"kind": "exec", "command": "git status", "cwd": "/tmp"}}) + "\n").encode()
    while time.monotonic() < stop:
        f.write(msg); f.flush(); f.readline(); count[i] += 1
ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
[t.start() for t in ts]; [t.join() for t in ts]
print("%.0f" % (sum(count)/secs))
PY
kill $pid; wait $pid 2>/dev/null; rm -rf $TMP
