#!/usr/bin/env python3
"""Sample workload: files with names that try to break a generated security profile.

Usage: python3 make_names.py WORKDIR   (WORKDIR must be missing or empty)
Creates files inside WORKDIR (and nowhere else) whose names hold spaces, quotes, commas,
braces, glob characters, newlines, rule text, AppArmor variables, a backslash and bytes
that are not UTF-8; writes and reads each, renames one, deletes one, prints fixed counts.
"""
import os
import sys

NAMES = [
    b"with space.txt",
    b'double"quote.txt',
    b"comma,name.txt",
    b"brace{a,b}.txt",
    b"glob*?[]^#.txt",
    b"new\nline.txt",
    b"** rwx,",
    b"x\n** rwlkmix,\n",
    b'quote"\n}\nprofile evil {',
    b"@{HOME}",
    b"back\\slash.txt",
    b"pipe|back`tick$dollar",
    b"tab\there",
    b"-leading-dash",
    b"bad\xff\xfeutf8.txt",
    b"\xc3\x28 broken two-byte",
]
SUBDIR = b"dir ** rwx,{a,b}"


def check(name):
    # A name that could leave WORKDIR is a bug in this script, never something to run.
    if b"/" in name or name in (b"", b".", b".."):
        raise SystemExit("unsafe name %r" % name)
    return name


def main():
    if len(sys.argv) != 2:
        print("usage: make_names.py WORKDIR", file=sys.stderr)
        return 2
    root = os.fsencode(sys.argv[1])
    os.makedirs(root, exist_ok=True)
    if os.listdir(root):
        # Same calls on every run: a reused folder would need different ones (and could hold anything).
        print("make_names.py: %s is not empty; give a new or empty folder" % sys.argv[1], file=sys.stderr)
        return 2
    sub = os.path.join(root, check(SUBDIR))
    os.mkdir(sub)
    paths = [os.path.join(root, check(n)) for n in NAMES] + [os.path.join(sub, check(n)) for n in NAMES[:3]]

    for i, path in enumerate(paths):
        with open(path, "xb") as f:  # x: never overwrite something that was already there
            f.write(b"file %d\n" % i)
    read = sum(1 for i, path in enumerate(paths) if open(path, "rb").read() == b"file %d\n" % i)

    renamed = os.path.join(root, check(b'renamed "to" {here}\n.txt'))
    os.rename(paths[0], renamed)
    os.remove(paths[7])

    left = len(os.listdir(root)) + len(os.listdir(sub))
    print("created: %d" % len(paths))
    print("read back: %d" % read)
    print("renamed: 1")
    print("deleted: 1")
    print("entries left: %d" % left)
    return 0 if read == len(paths) else 1


if __name__ == "__main__":
    sys.exit(main())
