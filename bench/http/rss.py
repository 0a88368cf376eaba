#!/usr/bin/env python3
"""The daemon's memory with 10k tokens and 100k rate-limit keys (DESIGN.md §5: RSS <= 64 MB).

Starts `warden serve --http` on a scratch state directory, reads its RSS idle, then:
  - creates N tokens over POST /v1/tokens (one admin token made with `warden token create`),
  - makes every token ask one /v1/check (class default) and one /v1/check/batch (class
    expensive): 2 rate-limit keys each,
  - sends a bad token from M distinct loopback addresses (127.x.y.z): each address is one key
    of the auth-failure class,
and reads the RSS again, with the daemon's own counts of tokens and keys (warden status --json).
Standard library only. Prints one JSON object; --markdown prints a table row too.

  bench/http/rss.py [--warden build/warden] [--tokens 10000] [--addresses 80000]
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def wait_port(log_path, proc):
    for _ in range(400):
        text = open(log_path).read()
        m = re.search(r"HTTP API on http://127\.0\.0\.1:(\d+)", text)
        if m and "ready in" in text:
            return int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    sys.exit("the daemon did not start:\n" + open(log_path).read())


def request(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warden", default="build/warden")
    ap.add_argument("--tokens", type=int, default=10000)
    ap.add_argument("--addresses", type=int, default=80000)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    warden = os.path.abspath(a.warden)
    tmp = tempfile.mkdtemp(prefix="warden-rss.")
    state = os.path.join(tmp, "state")
    log = os.path.join(tmp, "log")
    cmd = [warden, "serve", "--socket", os.path.join(tmp, "sock"), "--state-dir", state, "--http", "127.0.0.1:0",
           "--rate-limit", "default=1000000000/min", "--rate-limit", "expensive=1000000000/min",
           "--rate-limit", "auth-failure=1000000000/min", "--max-connections", "1024"]
    proc = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        port = wait_port(log, proc)
        time.sleep(0.5)
        idle = rss_kib(proc.pid)
        admin = subprocess.run([warden, "token", "create", "--role", "admin", "--state-dir", state],
                               capture_output=True, text=True, check=True).stdout.strip()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        t0 = time.time()
        tokens = []
        for i in range(a.tokens):
            status, data = request(conn, "POST", "/v1/tokens", admin,
                                   json.dumps({"role": "service", "name": f"t{i}", "ttl": "1h"}))
            if status != 201:
                sys.exit(f"token {i}: {status} {data[:200]!r}")
            tokens.append(json.loads(data)["token"])
        check = json.dumps({"kind": "action", "subject": "alice", "action": "read", "resource": {"type": "doc"}})
        batch = json.dumps({"requests": [json.loads(check)]})
        for t in tokens:
            s1, _ = request(conn, "POST", "/v1/check", t, check)
            s2, _ = request(conn, "POST", "/v1/check/batch", t, batch)
            if s1 != 200 or s2 != 200:
                sys.exit(f"check with a fresh token: {s1} {s2}")
        conn.close()
        bad = "wdn_" + "A" * 43
        req = (f"POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {bad}\r\n"
               "Content-Length: 2\r\nConnection: close\r\n\r\n{}").encode()
        for i in range(a.addresses):
            addr = f"127.{1 + i // 65536}.{(i // 256) % 256}.{i % 256}"
            s = socket.socket()
            s.bind((addr, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(req)
            s.recv(4096)
            s.close()
        load_s = time.time() - t0
        time.sleep(0.5)
        loaded = rss_kib(proc.pid)
        st = json.loads(subprocess.run([warden, "status", "--json", "--socket", os.path.join(tmp, "sock")],
                                       capture_output=True, text=True).stdout)
        out = {
            "rss_idle_mib": round(idle / 1024, 1),
            "rss_loaded_mib": round(loaded / 1024, 1),
            "tokens": st.get("http", {}).get("tokens"),
            "ratelimit_keys": st.get("http", {}).get("ratelimit_keys"),
            "load_seconds": round(load_s, 1),
            "command": " ".join(cmd),
        }
        print(json.dumps(out))
        if a.markdown:
            print(f"| daemon RSS, {out['tokens']} tokens + {out['ratelimit_keys']} rate-limit keys "
                  f"| {out['rss_loaded_mib']} MiB (idle {out['rss_idle_mib']} MiB) | ≤ 64 MB |")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
