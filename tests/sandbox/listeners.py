#!/usr/bin/env python3
"""Decoy listeners OUTSIDE the sandbox, for escape_test.sh: a TCP server on 127.0.0.1 and on ::1,
a UDP socket on 127.0.0.1 and a Unix socket (a decoy ssh-agent), all on ports the kernel picks.
Writes "tcp4 PORT", "tcp6 PORT", "udp4 PORT" lines to PORTS_FILE once listening, then appends one
line per connection or datagram received to LOG_FILE — a confined program that reaches any of
them leaves a line there. Runs until killed.
usage: listeners.py PORTS_FILE LOG_FILE UNIX_SOCKET_PATH"""
import os
import selectors
import socket
import sys


def main():
    ports_file, log_file, unix_path = sys.argv[1:4]
    sel = selectors.DefaultSelector()
    ports = []
    tcp4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp4.bind(("127.0.0.1", 0))
    tcp4.listen(16)
    ports.append(f"tcp4 {tcp4.getsockname()[1]}")
    sel.register(tcp4, selectors.EVENT_READ, "tcp4")
    try:
        tcp6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        tcp6.bind(("::1", 0))
        tcp6.listen(16)
        ports.append(f"tcp6 {tcp6.getsockname()[1]}")
        sel.register(tcp6, selectors.EVENT_READ, "tcp6")
    except OSError:
        pass  # no IPv6 loopback here: the test skips those cases
    udp4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp4.bind(("127.0.0.1", 0))
    ports.append(f"udp4 {udp4.getsockname()[1]}")
    sel.register(udp4, selectors.EVENT_READ, "udp4")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    unix.listen(16)
    sel.register(unix, selectors.EVENT_READ, "unix")
    with open(ports_file + ".tmp", "w") as f:
        f.write("\n".join(ports) + "\n")
    os.rename(ports_file + ".tmp", ports_file)
    while True:
        for key, _ in sel.select():
            sock, kind = key.fileobj, key.data
            if kind == "udp4":
                data, peer = sock.recvfrom(4096)
                what = f"udp4 datagram from {peer}: {data[:40]!r}"
            else:
                conn, peer = sock.accept()
                conn.close()
                what = f"{kind} connection from {peer!r}"
            with open(log_file, "a") as log:
                log.write(what + "\n")


if __name__ == "__main__":
    main()
