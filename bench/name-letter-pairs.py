#!/usr/bin/env python3
"""Counts how characters follow each other in fixed file names, for the AppArmor generator.

Usage: python3 bench/name-letter-pairs.py > generator/src/main/resources/dev/tailor/generator/apparmor/name-letter-pairs.txt

Reads the distinct names of every file and folder under /usr, /etc and /var/lib (names that a
package or an admin chose, not random ones), splits them into runs of [A-Za-z0-9_] and counts,
for each character class (a-z with case folded, 0 for any digit, _), which class follows which,
and separately how letter case follows letter case. RandomName compares a name part's
likelihood under these counts with its likelihood as uniformly random characters.
"""
import os
import re
import string
import sys

ROOTS = ["/usr", "/etc", "/var/lib"]
CLASSES = list(string.ascii_lowercase) + ["0", "_"]


def cls(c):
    return "0" if c.isdigit() else c.lower()


def main():
    names = set()
    for root in ROOTS:
        for _, dirs, files in os.walk(root, onerror=lambda e: None):
            names.update(dirs)
            names.update(files)
    rows = {p: {c: 0 for c in CLASSES} for p in ["^"] + CLASSES}
    case = {"LL": 0, "LU": 0, "UL": 0, "UU": 0}
    for name in names:
        for run in re.findall(r"[A-Za-z0-9_]+", name):
            prev = "^"
            for i, c in enumerate(run):
                rows[prev][cls(c)] += 1
                prev = cls(c)
                if i > 0 and run[i - 1].isalpha() and c.isalpha():
                    case[("U" if run[i - 1].isupper() else "L") + ("U" if c.isupper() else "L")] += 1
    out = sys.stdout
    out.write("# Which character class follows which in %d distinct fixed file names (under %s of a\n"
              % (len(names), ", ".join(ROOTS)))
    out.write("# Debian 12 machine with build tools), counted by bench/name-letter-pairs.py.\n")
    out.write("# Columns: %s (0 = any digit). Rows: the class before (^ = start of a run).\n" % " ".join(CLASSES))
    for p in ["^"] + CLASSES:
        out.write(p + " " + " ".join(str(rows[p][c]) for c in CLASSES) + "\n")
    out.write("# Letter case after letter case: lower-lower lower-upper upper-lower upper-upper.\n")
    out.write("case %d %d %d %d\n" % (case["LL"], case["LU"], case["UL"], case["UU"]))


if __name__ == "__main__":
    main()
