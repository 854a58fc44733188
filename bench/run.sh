#!/usr/bin/env bash
# Measures tailor's tracing overhead and offline parsing speed side by side, in one run, and
# writes bench/RESULTS.md. Run from the repository root, as root (the bpf backend needs it):
#   bench/run.sh            # everything (~5 minutes here)
# TAILOR (default: java -jar cli/target/tailor.jar, built by ./tailor when missing) runs tailor.
# Not part of `mvn verify`.
set -euo pipefail

cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
[[ -f cli/target/tailor.jar ]] || ./tailor --version >/dev/null
# The JVM options of ./tailor, so the figures are what users get.
TAILOR=${TAILOR:-"java -XX:+UseSerialGC -Xshare:auto -Xmx256m -jar cli/target/tailor.jar"}
GEN_TAILOR=${GEN_TAILOR:-$TAILOR}
for tool in strace bpftrace dd gcc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install strace bpftrace coreutils gcc time)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/tailor-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=bench/RESULTS.md

# seconds (wall) of one run of "$@", output discarded
secs() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.3f", $2 - $1}'
}
# best of N runs
best() {
  local n=$1 b="" t
  shift
  for _ in $(seq "$n"); do
    t=$(secs "$@")
    if [[ -z "$b" ]] || awk -v t="$t" -v b="$b" 'BEGIN{exit !(t < b)}'; then b=$t; fi
  done
  echo "$b"
}
# best of N interleaved rounds of two commands, given as the names of two arrays: "bestA bestB"
best2() {
  local n=$1 ba="" bb="" t
  local -n cmd_a=$2 cmd_b=$3
  for _ in $(seq "$n"); do
    t=$(secs "${cmd_a[@]}"); if [[ -z "$ba" ]] || awk -v t="$t" -v b="$ba" 'BEGIN{exit !(t < b)}'; then ba=$t; fi
    t=$(secs "${cmd_b[@]}"); if [[ -z "$bb" ]] || awk -v t="$t" -v b="$bb" 'BEGIN{exit !(t < b)}'; then bb=$t; fi
  done
  echo "$ba $bb"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
learn() { # learn BACKEND CMD...
  local backend=$1
  shift
  $TAILOR learn --backend "$backend" --no-status --out "$work/profiles" --name bench -- "$@"
}

{
  echo "# tailor benchmarks"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(uname -r), $(strace -V | head -1),"
  echo "bpftrace $(bpftrace --version | awk '{print $2}'), $(java -version 2>&1 | head -1). Wall-clock seconds;"
  echo "best of N runs where N > 1. Ratios compare with the bare run and with plain \`strace -f -o /dev/null\`."
  echo
} >"$out"

# ---- a. syscall-heavy and realistic workloads ----
dd_small=(dd if=/dev/zero of=/dev/null bs=1 count=100000)
echo "bench: dd bs=1 count=100000 (200k syscalls), interleaved: plain strace, strace with tailor's options, tailor" >&2
bare=$(best 3 "${dd_small[@]}")
# Interleaved rounds, best of each: the machine is shared and noisy, so each round sees the same load.
plain="" yy="" ls_strace=""
for _ in 1 2; do
  t=$(secs strace -f -o /dev/null "${dd_small[@]}"); [[ -z "$plain" ]] || awk -v t="$t" -v b="$plain" 'BEGIN{exit !(t < b)}' && plain=$t
  t=$(secs strace -f -yy -q -s 64 -o /dev/null "${dd_small[@]}"); [[ -z "$yy" ]] || awk -v t="$t" -v b="$yy" 'BEGIN{exit !(t < b)}' && yy=$t
  t=$(secs learn strace "${dd_small[@]}"); [[ -z "$ls_strace" ]] || awk -v t="$t" -v b="$ls_strace" 'BEGIN{exit !(t < b)}' && ls_strace=$t
done
ls_bpf=$(best 3 learn bpf "${dd_small[@]}")

dd_big=(dd if=/dev/zero of=/dev/null bs=1 count=5000000)
dd_big_bpf=(learn bpf "${dd_big[@]}")
echo "bench: dd bs=1 count=5000000 (10M syscalls), bare and bpf, interleaved" >&2
read -r big_bare big_bpf < <(best2 3 dd_big dd_big_bpf)

echo "bench: gcc threads.c x5" >&2
cat >"$work/build.sh" <<SH
#!/bin/sh
for i in \$(seq \${1:-5}); do gcc -O2 -pthread -o "$work/threads-\$i" "$PWD/samples/threads/threads.c"; done
SH
chmod +x "$work/build.sh"
gcc_bare=$(best 3 "$work/build.sh")
gcc_plain=$(best 1 strace -f -o /dev/null "$work/build.sh")
gcc_strace=$(best 1 learn strace "$work/build.sh")

# A realistic workload long enough (>= 10 s bare here) that bpftrace's start-up is not what is
# measured: 150 compiles, each running gcc, cc1, as, collect2 and ld.
gcc_long=("$work/build.sh" 150)
gcc_long_bpf=(learn bpf "$work/build.sh" 150)
echo "bench: gcc threads.c x150, bare and bpf, interleaved" >&2
read -r long_bare long_bpf < <(best2 2 gcc_long gcc_long_bpf)

# bpftrace's own start-up (compile + attach), with no workload to speak of
bpf_true=$(best 5 learn bpf /bin/true)

{
  echo "## a. Tracing overhead"
  echo
  echo "| workload | bare | strace -f -o /dev/null | strace -f -yy -q -s 64 -o /dev/null (tailor's options) | tailor learn --backend strace | tailor learn --backend bpf |"
  echo "|---|---|---|---|---|---|"
  echo "| \`dd bs=1 count=100000\` (~200k syscalls) | $bare | $plain ($(ratio "$plain" "$bare")x bare) | $yy ($(ratio "$yy" "$plain")x strace) | $ls_strace ($(ratio "$ls_strace" "$bare")x bare, **$(ratio "$ls_strace" "$plain")x strace**) | $ls_bpf ($(ratio "$ls_bpf" "$bare")x bare, $(ratio "$ls_bpf" "$plain")x strace) |"
  echo "| \`dd bs=1 count=5000000\` (~10M syscalls) | $big_bare | - | - | - | $big_bpf (**$(ratio "$big_bpf" "$big_bare")x bare**) |"
  echo "| gcc -O2 threads.c, 5 times | $gcc_bare | $gcc_plain ($(ratio "$gcc_plain" "$gcc_bare")x bare) | - | $gcc_strace ($(ratio "$gcc_strace" "$gcc_bare")x bare, **$(ratio "$gcc_strace" "$gcc_plain")x strace**) | - |"
  echo "| gcc -O2 threads.c, 150 times | $long_bare | - | - | - | $long_bpf (**$(ratio "$long_bpf" "$long_bare")x bare**) |"
  echo "| \`/bin/true\` (fixed cost) | - | - | - | - | **$bpf_true** |"
  echo
  echo "The <= 1.05 target is the dd row's 'x strace' ratio when plain strace takes >= 10 s (here: $plain s;"
  echo "raise count when it is shorter)."
  echo "bpf targets: dd <= 2x bare, the 150 compiles <= 1.2x bare, \`/bin/true\` < 1.5 s. Each bpf"
  echo "figure includes tailor's JVM and bpftrace compiling and attaching its probes (the \`/bin/true\` row);"
  echo "bpftrace detaches them after tailor has returned. dd and the compiles run interleaved with"
  echo "their bare runs. The per-syscall cost is the raw_syscalls tracepoint and a per-CPU counter."
  echo
} >>"$out"

# ---- b. offline generate on a >= 1 GB strace log ----
echo "bench: building a >= 1 GB strace log" >&2
base="$work/base.strace"
mkdir -p "$work/app"
strace -f -yy -q -s 64 -o "$base.1" python3 samples/python-app/app.py "$work/app" >/dev/null
strace -f -yy -q -s 64 -o "$base.2" sh samples/pipeline/pipeline.sh >/dev/null
strace -f -yy -q -s 64 -o "$base.3" python3 samples/threads/threads.py "$work/app" >/dev/null
cat "$base.1" "$base.2" "$base.3" >"$base"
big="/tmp/tailor-bench-1g.strace"
trap 'rm -rf "$work" "$big"' EXIT
# Each copy shifts every pid (line prefix and the child pid clone/fork return) by a fixed offset,
# so processes stay distinct and consistent across copies.
python3 - "$base" "$big" <<'PY'
import re, sys
src, dst = sys.argv[1], sys.argv[2]
lines = open(src, 'rb').read().splitlines(keepends=True)
ret = re.compile(rb'^(.*\b(?:clone3?|v?fork)\(.*\) = )(\d+)(.*)$', re.S)
size, k = 0, 0
with open(dst, 'wb') as out:
    while size < 1_050_000_000:
        off = (k + 1) * 4_000_000
        buf = []
        for l in lines:
            sp = l.find(b' ')
            pid = int(l[:sp])
            rest = l[sp:]
            m = ret.match(rest)
            if m:
                rest = m.group(1) + str(int(m.group(2)) + off).encode() + m.group(3)
            buf.append(str(pid + off).encode() + rest)
        chunk = b''.join(buf)
        out.write(chunk)
        size += len(chunk)
        k += 1
print(k, size)
PY
bytes=$(stat -c %s "$big")
mb=$(awk -v b="$bytes" 'BEGIN{printf "%.0f", b / 1e6}')
lines=$(wc -l <"$big")
wc_s=$(best 2 wc -l "$big")
/usr/bin/time -v -o "$work/gen.time" $GEN_TAILOR generate --out "$work/gen" --name big "$big" >/dev/null 2>"$work/gen.err" || true
gen_s=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$work/gen.time")
gen_rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2 / 1024}' "$work/gen.time")
{
  echo "## b. Offline \`tailor generate\` on a ${mb} MB strace log"
  echo
  echo "Real \`strace -f -yy\` traces of the python-app, pipeline and python threads samples, repeated"
  echo "with every pid shifted per copy: $lines lines."
  echo
  echo "| | seconds | MB/s | peak RSS |"
  echo "|---|---|---|---|"
  echo "| \`wc -l\` | $wc_s | $(awk -v m="$mb" -v s="$wc_s" 'BEGIN{printf "%.0f", m / s}') | - |"
  echo "| \`tailor generate\` | $gen_s | $(awk -v m="$mb" -v s="$gen_s" 'BEGIN{printf "%.0f", m / s}') | ${gen_rss} MB |"
  echo
} >>"$out"
rm -f "$big"

# ---- c. start-up ----
echo "bench: tailor --help" >&2
help_launcher=$(best 5 ./tailor --help)
help_plain=$(best 5 java -jar cli/target/tailor.jar --help)
{
  echo "## c. Start-up"
  echo
  echo "| | seconds (best of 5) |"
  echo "|---|---|"
  echo "| \`./tailor --help\` (launcher: SerialGC, CDS, 256 MB heap) | $help_launcher |"
  echo "| \`java -jar cli/target/tailor.jar --help\` | $help_plain |"
} >>"$out"
echo "bench: wrote $out" >&2
