#!/usr/bin/env python3
"""What tailor's precreate hook adds to a container's start (bench/HOOK.md).

`podman run` of /usr/bin/true (DESIGN.md section 3's form: runc, cgroupfs, a folder root that sees
the host's /usr and /etc read-only), N times each, interleaved, in one run:

  bare        no hook
  before      the hook as it ran before the fast path: the full command (picocli, Jackson) for
              every config, with the old launcher's options (-XX:+UseSerialGC -Xshare:auto -Xmx256m)
  scan        the installed launcher (dist/tailor) without its class archive: the pass-through scan,
              C1 only, serial GC, no perf data
  installed   the installed launcher as the package sets it up: the scan plus the class archive
              that postinst makes (dist/class-archives)
  applied     'installed', for a container that names a learned profile (the full hook runs,
              checks the profile with libseccomp and puts it on the container)

The launcher, jar and archive are laid out in a scratch folder as the package lays them out (the
launcher's /usr/share/tailor and /var/cache/tailor rewritten), so nothing is installed on the host.
Reports medians and the added start-up (median minus bare's median). Run as root from the
repository after 'mvn -B -DskipTests package':  bench/hook-start.py [N]   (default 20)
Not part of 'mvn verify'.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(REPO, "cli/target/tailor.jar")
JAVA = shutil.which("java")
FAST_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr"


def sh(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def hooks_dir(work, name, launcher, store, env=()):
    d = os.path.join(work, "hooks-" + name)
    os.makedirs(d)
    if launcher:
        envs = ",".join('"%s"' % e for e in ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",) + tuple(env))
        with open(os.path.join(d, "tailor-apply.json"), "w") as f:
            f.write('{"version":"1.0.0","hook":{"path":"%s","args":["tailor","hook","apply","--store","%s"],'
                    '"env":[%s],"timeout":30},"when":{"always":true},"stages":["precreate"]}\n' % (launcher, store, envs))
    return d


def main():
    if os.geteuid() != 0:
        sys.exit("bench: run as root (podman with runc)")
    for tool in ("podman", "runc", "java"):
        if not shutil.which(tool):
            sys.exit("bench: %s is missing" % tool)
    if not os.path.isfile(JAR):
        sys.exit("bench: build first: mvn -B -DskipTests package")
    work = tempfile.mkdtemp(prefix="tailor-bench-hook.")
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work):
    # the package's layout in the scratch folder
    share, cache, bindir = (os.path.join(work, p) for p in ("share", "cache", "bin"))
    for d in (share, cache, bindir):
        os.makedirs(d)
    shutil.copy(JAR, os.path.join(share, "tailor.jar"))
    launcher = os.path.join(bindir, "tailor")
    text = open(os.path.join(REPO, "dist/tailor")).read()
    text = text.replace("share=/usr/share/tailor", "share=" + share).replace("cache=/var/cache/tailor", "cache=" + cache)
    sh(launcher, text)
    subprocess.run([os.path.join(REPO, "dist/class-archives"), cache, launcher], check=True)
    old = os.path.join(bindir, "tailor-before")
    sh(old, "#!/bin/sh\nexec %s -XX:+UseSerialGC -Xshare:auto -Xmx256m -cp %s dev.tailor.cli.Main \"$@\"\n"
       % (JAVA, os.path.join(share, "tailor.jar")))
    store = os.path.join(work, "store")
    os.makedirs(store)
    root = os.path.join(work, "rootfs")
    for d in ("usr", "etc", "tmp", "proc", "dev", "sys", "root", "run", "var"):
        os.makedirs(os.path.join(root, d))
    for l in ("bin", "lib", "lib64", "sbin"):
        os.symlink("usr/" + l, os.path.join(root, l))
    # a learned profile for 'applied' (learned on the host, with the runtime base)
    subprocess.run([launcher, "learn", "--no-status", "--out", store, "--name", "true", "--", "/usr/bin/true"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    variants = {
        "bare": (hooks_dir(work, "bare", None, store), []),
        "before": (hooks_dir(work, "before", old, store), []),
        "scan": (hooks_dir(work, "scan", launcher, store, ("TAILOR_JAVA_OPTS=" + FAST_OPTS,)), []),
        "installed": (hooks_dir(work, "installed", launcher, store), []),
        "applied": (hooks_dir(work, "applied", launcher, store), ["--annotation", "io.tailor.profile=true"]),
    }

    def podman(hooks, opts):
        cmd = ["podman", "--hooks-dir", hooks, "--runtime", "runc", "--cgroup-manager", "cgroupfs", "run", "--rm",
               "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
               "-v", "/usr:/usr:ro", "-v", "/etc:/etc:ro"] + opts + ["--rootfs", root, "/usr/bin/true"]
        t = time.monotonic()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = (time.monotonic() - t) * 1000
        if r.returncode != 0:
            sys.exit("bench: %s failed: %s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
        return elapsed

    for name, (hooks, opts) in variants.items():  # warm-up: podman's storage, page cache
        podman(hooks, opts)
    times = {name: [] for name in variants}
    load_before = os.getloadavg()[0]
    for _ in range(N):
        for name, (hooks, opts) in variants.items():
            times[name].append(podman(hooks, opts))
    load_after = os.getloadavg()[0]
    bare = statistics.median(times["bare"])
    lines = ["# What tailor's precreate hook adds to a container start (bench/hook-start.py)", "",
             "`podman run` of `/usr/bin/true` (runc, a folder root), %d times each, interleaved; load average "
             "%.1f before, %.1f after, on %d cores. `added` is the variant's median minus bare's." % (
                 N, load_before, load_after, os.cpu_count()), "",
             "| variant | median ms | min ms | added ms (median) |", "|---|---|---|---|"]
    for name, ts in times.items():
        m = statistics.median(ts)
        lines.append("| %s | %.0f | %.0f | %s |" % (name, m, min(ts), "-" if name == "bare" else "%+.0f" % (m - bare)))
    lines += ["", "The hook alone (its launcher fed a podman config on stdin), %d times each, interleaved: wall and "
              "CPU (user + system, which a loaded machine inflates less than wall time):" % N, "",
              "| variant | wall median ms | CPU median ms |", "|---|---|---|"]
    plain = b'{"ociVersion":"1.0.2-dev","process":{"args":["/usr/bin/true"],"env":["PATH=/usr/bin"]},' \
            b'"annotations":{"io.container.manager":"libpod"},"linux":{"seccomp":null}}'
    asked = plain.replace(b'"io.container.manager"', b'"io.tailor.profile":"true","io.container.manager"')
    alone = {"before": ([old], {}, plain), "scan": ([launcher], {"TAILOR_JAVA_OPTS": FAST_OPTS}, plain),
             "installed": ([launcher], {}, plain), "applied": ([launcher], {}, asked)}
    wall = {k: [] for k in alone}
    cpu = {k: [] for k in alone}
    for _ in range(N):
        for name, (cmd, env, config) in alone.items():
            r0 = os.times()
            t = time.monotonic()
            r = subprocess.run(cmd + ["hook", "apply", "--store", store], input=config, env=dict(os.environ, **env),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall[name].append((time.monotonic() - t) * 1000)
            r1 = os.times()
            cpu[name].append((r1.children_user + r1.children_system - r0.children_user - r0.children_system) * 1000)
            if r.returncode != 0:
                sys.exit("bench: hook apply (%s) failed" % name)
    for name in alone:
        lines.append("| %s | %.0f | %.0f |" % (name, statistics.median(wall[name]), statistics.median(cpu[name])))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
