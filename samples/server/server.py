#!/usr/bin/env python3
"""Sample workload for attach: a threaded TCP server that upper-cases lines.

Usage: python3 server.py PORT   (PORT 0 picks a free port)
Prints "listening on PORT" once ready, answers each received line with the line
in upper case (one thread per connection), and on SIGTERM or SIGINT prints how many
connections and lines it served and exits 0.
"""
import signal
import socket
import sys
import threading


class Stop(Exception):
    pass


def stop(signum, frame):
    # A second signal during shutdown must not interrupt the summary.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Stop()


def serve(conn, lock, stats):
    with conn, conn.makefile("rb") as lines:
        for line in lines:
            # Count before replying: a client that got its reply must already be counted.
            with lock:
                stats["lines"] += 1
            conn.sendall(line.upper())


def main():
    if len(sys.argv) != 2:
        print("usage: server.py PORT", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(16)
    lock = threading.Lock()
    stats = {"connections": 0, "lines": 0}
    workers = []
    try:
        # Inside the try: a SIGTERM or SIGINT right after this line still ends the server cleanly.
        print("listening on %d" % listener.getsockname()[1], flush=True)
        while True:
            conn, _ = listener.accept()
            stats["connections"] += 1
            worker = threading.Thread(target=serve, args=(conn, lock, stats), daemon=True)
            worker.start()
            workers.append(worker)
    except Stop:
        pass
    finally:
        listener.close()
    # Connections still open when the signal came are not waited for: their threads are daemons.
    for worker in workers:
        worker.join(timeout=1)
    with lock:
        print("served %d connections, %d lines" % (stats["connections"], stats["lines"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
