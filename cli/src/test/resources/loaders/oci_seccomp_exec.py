#!/usr/bin/python3
"""Loads an OCI seccomp profile with libseccomp's own Python binding, then execs a command.

Usage: oci_seccomp_exec.py PROFILE.json COMMAND [ARG...]

A loader that shares no code with tailor: libseccomp's python3-seccomp (Debian's package) turns
the profile's JSON into a filter the way runc and crun do with libseccomp. As runc does, names this
libseccomp does not know are skipped, and so are entries whose action is the default action. The
conditions of one entry are ANDed in one rule (libseccomp takes one condition per argument
there; an entry with two on the same argument is refused). Exits 125 when the profile cannot be
built or loaded.
"""
import json
import os
import sys

import seccomp

ACTIONS = {
    "SCMP_ACT_ALLOW": lambda errno: seccomp.ALLOW,
    "SCMP_ACT_ERRNO": lambda errno: seccomp.ERRNO(errno),
    "SCMP_ACT_KILL": lambda errno: seccomp.KILL,
    "SCMP_ACT_KILL_THREAD": lambda errno: seccomp.KILL,
    "SCMP_ACT_KILL_PROCESS": lambda errno: seccomp.KILL_PROCESS,
    "SCMP_ACT_TRAP": lambda errno: seccomp.TRAP,
    "SCMP_ACT_LOG": lambda errno: seccomp.LOG,
}

OPS = {
    "SCMP_CMP_NE": seccomp.NE,
    "SCMP_CMP_LT": seccomp.LT,
    "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ,
    "SCMP_CMP_GE": seccomp.GE,
    "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}

ARCHES = {
    "SCMP_ARCH_X86_64": seccomp.Arch.X86_64,
    "SCMP_ARCH_X86": seccomp.Arch.X86,
    "SCMP_ARCH_X32": seccomp.Arch.X32,
    "SCMP_ARCH_AARCH64": seccomp.Arch.AARCH64,
    "SCMP_ARCH_ARM": seccomp.Arch.ARM,
}


def action(name, errno):
    if name not in ACTIONS:
        raise ValueError("action " + name + " is not handled here")
    return ACTIONS[name](errno)


def build(profile):
    default = (profile["defaultAction"], profile.get("defaultErrnoRet", 1))
    f = seccomp.SyscallFilter(action(*default))
    for arch in profile.get("architectures", []):
        a = ARCHES.get(arch)
        if a is not None and not f.exist_arch(a):
            f.add_arch(a)
    for entry in profile.get("syscalls", []):
        if (entry["action"], entry.get("errnoRet", 1)) == default:
            continue
        act = action(entry["action"], entry.get("errnoRet", 1))
        # OCI: value is the mask and valueTwo the datum for SCMP_CMP_MASKED_EQ, as libseccomp takes them.
        args = [seccomp.Arg(a["index"], OPS[a["op"]], a["value"], a.get("valueTwo", 0))
                for a in entry.get("args", [])]
        for name in entry["names"]:
            # -1 is libseccomp's "no such call"; other negative numbers are calls of other arches.
            if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) == -1:
                continue
            f.add_rule(act, name, *args)
    return f


def main():
    if len(sys.argv) < 3:
        print("usage: oci_seccomp_exec.py PROFILE.json COMMAND [ARG...]", file=sys.stderr)
        return 125
    try:
        with open(sys.argv[1], encoding="utf-8") as p:
            f = build(json.load(p))
        f.load()
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print("oci_seccomp_exec.py: cannot load " + sys.argv[1] + ": " + str(e), file=sys.stderr)
        return 125
    os.execvp(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
