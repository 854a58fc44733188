#!/usr/bin/env python3
"""Client for server.py: python3 client.py PORT N sends N lines, checks each reply, prints "ok N"."""
import socket
import sys


def main():
    if len(sys.argv) != 3:
        print("usage: client.py PORT N", file=sys.stderr)
        return 2
    port, count = int(sys.argv[1]), int(sys.argv[2])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn, conn.makefile("rb") as replies:
        for i in range(count):
            line = b"line %d of the sample client\n" % i
            conn.sendall(line)
            reply = replies.readline()
            if reply != line.upper():
                print("bad reply to line %d: %r" % (i, reply), file=sys.stderr)
                return 1
    print("ok %d" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
