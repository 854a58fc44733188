#!/usr/bin/env python3
"""Builds a big strace log from a real one: python3 bench/biglog.py SRC DST [BYTES] [--distinct].

Copies SRC until DST holds BYTES (default 1.05 GB), renumbering every pid per copy. With
--distinct, every absolute path in copy K moves under /copyK, so no line of one copy repeats in
another (a log with few repeats, as from a workload touching ever new files)."""
import re, sys
src, dst = sys.argv[1], sys.argv[2]
args = [a for a in sys.argv[3:] if not a.startswith('--')]
limit = int(args[0]) if args else 1_050_000_000
distinct = '--distinct' in sys.argv
lines = open(src, 'rb').read().splitlines(keepends=True)
ret = re.compile(rb'^(.*\b(?:clone3?|v?fork)\(.*\) = )(\d+)(.*)$', re.S)
ids = {}
def ident(pid):
    return ids.setdefault(pid, len(ids))
for l in lines:
    ident(int(l[:l.find(b' ')]))
    m = ret.match(l)
    if m:
        ident(int(m.group(2)))
size, k = 0, 0
with open(dst, 'wb') as out:
    while size < limit:
        base = 300 + k * len(ids)
        assert base + len(ids) < 4_194_304, 'too many pids for one log'
        buf = []
        for l in lines:
            sp = l.find(b' ')
            rest = l[sp:]
            m = ret.match(rest)
            if m:
                rest = m.group(1) + str(base + ids[int(m.group(2))]).encode() + m.group(3)
            if distinct:
                tag = b'/copy%d/' % k
                rest = rest.replace(b'</', b'<' + tag).replace(b'"/', b'"' + tag)
            buf.append(str(base + ids[int(l[:sp])]).encode() + rest)
        chunk = b''.join(buf)
        out.write(chunk)
        size += len(chunk)
        k += 1
print(k, size)
