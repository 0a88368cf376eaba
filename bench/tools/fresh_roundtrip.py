#!/usr/bin/env python3
"""One decision per fresh connection, the way `warden exec` and the hooks talk to the daemon,
timed from connect to the answer's newline, optionally idle between requests (to show what an
idle daemon costs to wake on this machine).

  python3 bench/tools/fresh_roundtrip.py SOCKET N [IDLE_SECONDS]
  python3 bench/tools/fresh_roundtrip.py /run/user/0/warden/warden.sock 2000
  python3 bench/tools/fresh_roundtrip.py /run/user/0/warden/warden.sock 500 0.003
"""
import json
import socket
import sys
import time

path, n = sys.argv[1], int(sys.argv[2])
idle = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
msg = (json.dumps({"op": "decide", "request": {"kind": "exec", "command": "rm -rf /", "context": "ai",
                                               "cwd": "/tmp"}}) + "\n").encode()
times = []
for _ in range(n):
    t = time.perf_counter()
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(msg)
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the daemon closed the connection: " + buf.decode(errors="replace"))
        buf += chunk
    s.close()
    times.append((time.perf_counter() - t) * 1e6)
    if idle:
        time.sleep(idle)
times.sort()
print(json.dumps({"requests": n, "idle_s": idle, "us_p50": round(times[n // 2]),
                  "us_p90": round(times[int(n * 0.9)]), "us_p99": round(times[int(n * 0.99)])}))
