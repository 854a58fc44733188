#!/usr/bin/env python3
"""Sample workload: a tiny HTTP service that talks to itself and works on files.

Usage: python3 app.py [WORKDIR]   (without WORKDIR it uses a temp dir it removes)
Output is fixed: no ports, pids, times or temp names are printed.
"""
import hashlib
import http.server
import os
import shutil
import sys
import tempfile
import threading
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join(HERE, "data", "input.txt"), "rb") as f:
            self.reply(f.read().upper())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.reply(b"words=%d\n" % len(body.split()))

    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # the default log line carries a time stamp and a port


def work(workdir, base):
    with open(os.path.join(HERE, "data", "input.txt"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = os.path.join(workdir, "out.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in sorted(lines))
    with open(out, "a", encoding="utf-8") as f:
        f.write("total %d\n" % len(lines))
    final = os.path.join(workdir, "sorted.txt")
    os.rename(out, final)
    scratch = os.path.join(workdir, "scratch.tmp")
    with open(scratch, "wb") as f:
        f.write(b"x" * 4096)
    os.remove(scratch)
    with open(final, "rb") as f:
        written = f.read()

    # No proxy: an http_proxy in the environment must not change what the workload does.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base + "/input") as r:
        got = r.read()
    req = urllib.request.Request(base + "/count", data=" ".join(lines).encode(), method="POST")
    with opener.open(req) as r:
        posted = r.read().decode().strip()

    print("lines read: %d" % len(lines))
    print("bytes written: %d" % len(written))
    left = [n for n in ("out.txt", "scratch.tmp", "sorted.txt") if os.path.exists(os.path.join(workdir, n))]
    print("files left: %s" % ",".join(left))
    print("GET bytes: %d" % len(got))
    print("GET sha256: %s" % hashlib.sha256(got).hexdigest())
    print("POST reply: %s" % posted)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    try:
        if len(sys.argv) > 1:
            os.makedirs(sys.argv[1], exist_ok=True)
            work(sys.argv[1], base)
        else:
            tmp = tempfile.mkdtemp(prefix="tailor-app-")
            try:
                work(tmp, base)
            finally:
                shutil.rmtree(tmp)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
