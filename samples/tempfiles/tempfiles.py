#!/usr/bin/env python3
"""Sample workload: temporary files under names that change on every run.

Usage: python3 tempfiles.py   (uses $TMPDIR or /tmp, and removes everything it made)
Makes what real programs make: mkstemp with a prefix and a suffix, a NamedTemporaryFile, a
mkdtemp folder with files of fixed names in it, a pid-named lock file, a pid-plus-hash name,
coreutils' mktemp (ten mixed-case characters), and one file under a fixed name. The output is
fixed: no names, pids or times are printed.
"""
import os
import secrets
import shutil
import subprocess
import tempfile


def write_read(path, text):
    with open(path, "w", encoding="ascii") as f:
        f.write(text)
    with open(path, encoding="ascii") as f:
        return len(f.read())


def main():
    tmp = tempfile.gettempdir()
    made = 0
    size = 0

    fd, path = tempfile.mkstemp(prefix="job", suffix=".out")
    os.close(fd)
    size += write_read(path, "mkstemp\n")
    os.unlink(path)
    made += 1

    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="ascii") as f:
        f.write("{}\n")
        f.flush()
        made += 1

    folder = tempfile.mkdtemp(prefix="tailor-tempfiles-")
    for n in range(6):
        size += write_read(os.path.join(folder, "part-%d.txt" % n), "part %d\n" % n)
        made += 1
    shutil.rmtree(folder)

    lock = os.path.join(tmp, "tailor-tempfiles-%d.lock" % os.getpid())
    size += write_read(lock, "lock\n")
    os.unlink(lock)
    made += 1

    hashed = os.path.join(tmp, "tailor-tempfiles-%d-%s.cache" % (os.getpid(), secrets.token_hex(4)))
    size += write_read(hashed, "cache\n")
    os.unlink(hashed)
    made += 1

    made_by_mktemp = subprocess.run(["mktemp", "-p", tmp], check=True, capture_output=True, text=True).stdout.strip()
    size += write_read(made_by_mktemp, "mktemp\n")
    os.unlink(made_by_mktemp)
    made += 1

    fixed = os.path.join(tmp, "tailor-tempfiles-fixed.out")
    size += write_read(fixed, "fixed\n")
    os.unlink(fixed)
    made += 1

    print("files: %d" % made)
    print("bytes: %d" % size)


if __name__ == "__main__":
    main()
