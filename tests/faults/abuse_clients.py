#!/usr/bin/env python3
"""Abusive clients of the daemon's Unix socket, for tests/faults/socket_abuse_test.sh.

Each mode runs for a while, samples the daemon's RSS (VmRSS of PID) every 0.1 s and checks
that a normal decide is still answered, then prints one JSON line of what it saw:
  pipeline SOCK PID SECONDS          decides sent without ever reading an answer; when the daemon
                                     cuts the connection off, a new one does the same
  partial SOCK PID CONNS BYTES HOLD  CONNS connections, each sends BYTES of a line without its end
                                     and then holds it for HOLD seconds
  idle SOCK PID CONNS HOLD           CONNS connections that send nothing; how many the daemon
                                     closes within HOLD seconds
  slowloris SOCK PID CONNS SECONDS   a byte of an unfinished line every 0.25 s on each
                                     connection; when and how each one ends
  rss PID                            the RSS in MB now
  decide SOCK COMMAND                one decide (an exec request in /tmp): its reply
"""
import errno
import json
import os
import select
import socket
import sys
import threading
import time

DECIDE = (json.dumps({"op": "decide", "request": {"kind": "exec", "command": "git status", "cwd": "/tmp",
                                                   "workspace": "/tmp", "home": "/tmp"}}) + "\n").encode()


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class Watch:
    """Samples RSS and decides once a second on a fresh connection while the abuse runs."""

    def __init__(self, sock, pid):
        self.sock, self.pid = sock, pid
        self.peak = rss_mb(pid)
        self.decides = self.failed = 0
        self.slowest = 0.0
        self.errors = []
        self.stop = False
        self.threads = [threading.Thread(target=self.sample), threading.Thread(target=self.decide)]
        for t in self.threads:
            t.start()

    def sample(self):
        while not self.stop:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def decide(self):
        while not self.stop:
            t0 = time.monotonic()
            try:
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(5)
                s.connect(self.sock)
                s.sendall(DECIDE)
                got = b""
                while not got.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                s.close()
                reply = json.loads(got)
                if not reply.get("ok") or reply.get("decision") != "allow":
                    raise RuntimeError("reply %r" % got[:200])
                self.decides += 1
                self.slowest = max(self.slowest, time.monotonic() - t0)
            except Exception as e:  # noqa: BLE001 - every failure counts
                self.failed += 1
                self.errors.append(str(e)[:200])
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))

    def finish(self):
        self.stop = True
        for t in self.threads:
            t.join()
        return {"rss_peak_mb": round(self.peak, 1), "decides": self.decides, "decides_failed": self.failed,
                "slowest_decide_s": round(self.slowest, 3), "decide_errors": self.errors[:3]}


def pipeline(sock, pid, seconds):
    w = Watch(sock, pid)
    batch = DECIDE * 64
    sent = connections = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.setblocking(False)
        connections += 1
        off = 0
        try:
            while time.monotonic() < end:
                try:
                    n = s.send(batch[off:])
                    sent += n
                    off = (off + n) % len(batch)
                except BlockingIOError:
                    select.select([], [s], [], 0.2)
        except OSError:
            pass  # cut off by the daemon: start again
        s.close()
    out = w.finish()
    out.update({"mode": "pipeline", "bytes_sent": sent, "connections": connections})
    return out


def partial(sock, pid, conns, size, hold):
    w = Watch(sock, pid)
    head = b'{"op":"decide","request":{"kind":"exec","command":"'
    line = head + b"x" * (size - len(head))
    by_fd, offs = {}, {}
    refused = 0
    poller = select.poll()
    for _ in range(conns):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
        except OSError:
            refused += 1
            s.close()
            continue
        s.setblocking(False)
        by_fd[s.fileno()] = s
        offs[s.fileno()] = 0
        poller.register(s.fileno(), select.POLLIN | select.POLLOUT)
    closed, errors = 0, {}
    live = set(by_fd)
    end = time.monotonic() + hold
    while live and time.monotonic() < end:
        for fd, ev in poller.poll(100):
            s = by_fd[fd]
            if ev & select.POLLOUT and not ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                try:
                    offs[fd] += s.send(line[offs[fd]:offs[fd] + 262144])
                except BlockingIOError:
                    pass
                except OSError:
                    pass  # cut off: its error line, if any, is read next
                if offs[fd] >= len(line):
                    poller.modify(fd, select.POLLIN)
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    code = json.loads(data.split(b"\n")[0])["error"]["code"]
                except Exception:  # noqa: BLE001
                    code = "?"
                errors[code] = errors.get(code, 0) + 1
            else:
                errors["none"] = errors.get("none", 0) + 1
            poller.unregister(fd)
            live.discard(fd)
            closed += 1
            s.close()
    for fd in live:
        by_fd[fd].close()
    out = w.finish()
    out.update({"mode": "partial", "connections": len(by_fd), "connect_failed": refused,
                "bytes_sent": sum(offs.values()), "closed_by_daemon": closed, "error_codes": errors})
    return out


def idle(sock, pid, conns, hold):
    socks = []
    t0 = time.monotonic()
    failed = 0
    for _ in range(conns):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            socks.append(s)
        except OSError:
            failed += 1
            s.close()
    connect_s = time.monotonic() - t0
    time.sleep(0.5)
    w = Watch(sock, pid)
    poller = select.epoll()
    for s in socks:
        poller.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    closed, silent = set(), 0
    end = time.monotonic() + hold
    by_fd = {s.fileno(): s for s in socks}
    while len(closed) < len(socks) and time.monotonic() < end:
        for fd, _ in poller.poll(0.2):
            if fd in closed:
                continue
            try:
                data = by_fd[fd].recv(4096)
            except OSError:
                data = b""
            if not data:
                silent += 1
            closed.add(fd)
            poller.unregister(fd)
    for s in socks:
        s.close()
    out = w.finish()
    out.update({"mode": "idle", "connections": len(socks), "connect_failed": failed, "connect_s": round(connect_s, 2),
                "closed_by_daemon": len(closed), "closed_silently": silent})
    return out


def slowloris(sock, pid, conns, seconds):
    w = Watch(sock, pid)
    socks = []
    for _ in range(conns):
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.setblocking(False)
        socks.append(s)
    t0 = time.monotonic()
    ended, codes = {}, {}
    live = list(socks)
    prefix = b'{"op":"decide","request":{"kind":"exec","command":"'
    i = 0
    while live and time.monotonic() - t0 < seconds:
        byte = prefix[i:i + 1] or b"x"
        i += 1
        for s in list(live):
            try:
                s.send(byte)
            except OSError:
                pass
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                try:
                    code = json.loads(data.split(b"\n")[0])["error"]["code"]
                except Exception:  # noqa: BLE001
                    code = "?"
                codes[code] = codes.get(code, 0) + 1
            ended[s.fileno()] = time.monotonic() - t0
            live.remove(s)
            s.close()
        time.sleep(0.25)
    for s in live:
        s.close()
    out = w.finish()
    times = sorted(ended.values())
    out.update({"mode": "slowloris", "connections": conns, "closed_by_daemon": len(ended), "error_codes": codes,
                "first_closed_s": round(times[0], 2) if times else None,
                "last_closed_s": round(times[-1], 2) if times else None})
    return out


def main(argv):
    mode = argv[1]
    if mode == "rss":
        print(round(rss_mb(int(argv[2])), 1))
        return 0
    if mode == "decide":
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(argv[2])
        req = {"op": "decide", "request": {"kind": "exec", "command": argv[3], "cwd": "/tmp", "workspace": "/tmp",
                                           "home": "/tmp"}}
        s.sendall((json.dumps(req) + "\n").encode())
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        print(got.decode().strip())
        return 0
    sock, pid = argv[2], int(argv[3])
    if mode == "pipeline":
        out = pipeline(sock, pid, float(argv[4]))
    elif mode == "partial":
        out = partial(sock, pid, int(argv[4]), int(argv[5]), float(argv[6]))
    elif mode == "idle":
        out = idle(sock, pid, int(argv[4]), float(argv[5]))
    elif mode == "slowloris":
        out = slowloris(sock, pid, int(argv[4]), float(argv[5]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
