#!/usr/bin/env python3
"""Sample workload: worker threads sharing a queue and a lock.

Usage: python3 threads.py [WORKDIR]   (without WORKDIR it uses a temp dir it removes)
Each of 4 workers takes jobs from a queue, writes a file, reads it back and hashes it;
the totals are added under a lock. The output is fixed.
"""
import hashlib
import os
import queue
import shutil
import sys
import tempfile
import threading

WORKERS = 4
JOBS = 24


def worker(jobs, workdir, lock, totals):
    while True:
        n = jobs.get()
        if n is None:
            return
        path = os.path.join(workdir, "job-%02d.txt" % n)
        with open(path, "w", encoding="ascii") as f:
            for i in range(200):
                f.write("%d:%d\n" % (n, i * n))
        with open(path, "rb") as f:
            data = f.read()
        digest = hashlib.sha256(data).digest()
        with lock:
            totals["bytes"] += len(data)
            totals["jobs"] += 1
            totals["xor"] ^= int.from_bytes(digest[:8], "big")


def run(workdir):
    jobs = queue.Queue()
    lock = threading.Lock()
    totals = {"bytes": 0, "jobs": 0, "xor": 0}
    threads = [threading.Thread(target=worker, args=(jobs, workdir, lock, totals)) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for n in range(JOBS):
        jobs.put(n)
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    files = sorted(name for name in os.listdir(workdir) if name.startswith("job-"))
    for name in files:
        os.remove(os.path.join(workdir, name))
    print("threads: %d" % WORKERS)
    print("jobs: %d" % totals["jobs"])
    print("files: %d" % len(files))
    print("bytes: %d" % totals["bytes"])
    print("xor: %016x" % totals["xor"])


def main():
    if len(sys.argv) > 1:
        os.makedirs(sys.argv[1], exist_ok=True)
        run(sys.argv[1])
    else:
        tmp = tempfile.mkdtemp(prefix="tailor-threads-")
        try:
            run(tmp)
        finally:
            shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
