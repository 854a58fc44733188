#!/usr/bin/env bash
# Side-by-side comparison of two tailor jars on the targets of a change (issue 20): the bpf
# backend on dd and on 150 compiles, the strace backend on dd, `generate` on the same logs, and
# the bpf reader thread's CPU per event (tracer's ReaderCost). Runs interleaved (bare, old, new in
# each round), best of each (STAT=median: the median), so both jars see the same load; prints
# markdown to stdout.
#   OLD_JAR=/tmp/main.jar NEW_JAR=cli/target/tailor.jar bench/compare.sh > /tmp/compare.md
# ROWS picks rows (default all: dd gcc strace generate reader); ROUNDS, GEN_BYTES as below;
# GCC_RUNS the compiles of the gcc row (150); the row "true" is a learn of /bin/true, tailor's fixed
# cost. Each jar starts from its class archive as ./tailor gives it: OLD_ARCHIVE / NEW_ARCHIVE, else
# the tailor.jsa the build left beside the jar when it is newer than the jar, else none.
# Needs root and BTF for the bpf rows, strace, gcc, python3. Not part of `mvn verify`.
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
OLD_JAR=${OLD_JAR:?the jar to compare against}
NEW_JAR=${NEW_JAR:-cli/target/tailor.jar}
ROUNDS=${ROUNDS:-3}
STAT=${STAT:-best}
GCC_RUNS=${GCC_RUNS:-150}
ROWS=" ${ROWS:-dd gcc strace generate reader} "
JAVA=(java -XX:+UseSerialGC -Xshare:auto -Xmx256m)
archive_of() { # archive_of JAR GIVEN: the archive a jar starts from, or nothing
  local a=$2
  [[ -z $a && $(dirname -- "$1")/tailor.jsa -nt $1 ]] && a=$(dirname -- "$1")/tailor.jsa
  [[ -z $a ]] || echo "$a"
}
OLD_ARCHIVE=$(archive_of "$OLD_JAR" "${OLD_ARCHIVE:-}")
NEW_ARCHIVE=$(archive_of "$NEW_JAR" "${NEW_ARCHIVE:-}")
java_for() { # java_for JAR: the JVM command line for that jar, with its archive
  local a=$NEW_ARCHIVE
  [[ $1 == "$NEW_JAR" ]] || a=$OLD_ARCHIVE
  echo "${JAVA[*]}${a:+ -XX:SharedArchiveFile=$a -Xlog:disable -Xlog:all=warning:stderr}"
}
work=$(mktemp -d /tmp/tailor-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

secs() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.3f", $2 - $1}'
}
# pick "t1 t2 ...": the best (least) of the times, or their median with STAT=median
pick() {
  printf '%s\n' "$@" | sort -n | awk -v stat="$STAT" '{ v[NR] = $1 } END {
    if (stat != "median") print v[1]; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
learn() { # learn JAR BACKEND CMD...
  local jar=$1 backend=$2
  shift 2
  # shellcheck disable=SC2046 # the options are meant to be split into words
  $(java_for "$jar") -jar "$jar" learn --backend "$backend" --no-status --out "$work/profiles" --name bench -- "$@"
}
# row LABEL CMD...: bare, old, new interleaved for ROUNDS rounds; the best (or median) of each
row3() {
  local label=$1 backend=$2
  shift 2
  local bares=() olds=() news=()
  for _ in $(seq "$ROUNDS"); do
    bares+=("$(secs "$@")")
    olds+=("$(secs learn "$OLD_JAR" "$backend" "$@")")
    news+=("$(secs learn "$NEW_JAR" "$backend" "$@")")
  done
  local bare old new
  bare=$(pick "${bares[@]}") old=$(pick "${olds[@]}") new=$(pick "${news[@]}")
  echo "| $label | $bare | $old ($(ratio "$old" "$bare")x bare) | $new ($(ratio "$new" "$bare")x bare) | $(ratio "$new" "$old") |"
  echo "<!-- $label: bare ${bares[*]}; old ${olds[*]}; new ${news[*]}; load $(cut -d' ' -f1-3 /proc/loadavg) -->"
}

echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; rounds: $ROUNDS; $STAT of the rounds."
echo "Class archives: old ${OLD_ARCHIVE:-none}, new ${NEW_ARCHIVE:-none}."
echo
echo "| workload | bare | old jar | new jar | new / old |"
echo "|---|---|---|---|---|"
cat >"$work/build.sh" <<SH
#!/bin/sh
for i in \$(seq \${1:-5}); do gcc -O2 -pthread -o "$work/threads-\$i" "$PWD/samples/threads/threads.c"; done
SH
chmod +x "$work/build.sh"
[[ $ROWS != *" dd "* ]] || row3 "bpf: \`dd bs=1 count=5000000\`" bpf dd if=/dev/zero of=/dev/null bs=1 count=5000000
[[ $ROWS != *" gcc "* ]] || row3 "bpf: gcc threads.c x$GCC_RUNS" bpf "$work/build.sh" "$GCC_RUNS"
[[ $ROWS != *" true "* ]] || row3 "bpf: \`/bin/true\` (tailor's fixed cost)" bpf /bin/true
[[ $ROWS != *" strace "* ]] || row3 "strace: \`dd bs=1 count=100000\`" strace dd if=/dev/zero of=/dev/null bs=1 count=100000

# generate: the same logs for both jars
if [[ $ROWS == *" generate "* ]]; then
base="$work/base.strace"
mkdir -p "$work/app"
strace -f -yy -q -s 64 -o "$base.1" python3 samples/python-app/app.py "$work/app" >/dev/null
strace -f -yy -q -s 64 -o "$base.2" sh samples/pipeline/pipeline.sh >/dev/null
strace -f -yy -q -s 64 -o "$base.3" python3 samples/threads/threads.py "$work/app" >/dev/null
cat "$base.1" "$base.2" "$base.3" >"$base"
for kind in repeats distinct; do
  log="$work/$kind.strace"
  python3 bench/biglog.py "$base" "$log" "${GEN_BYTES:-300000000}" $([[ $kind == distinct ]] && echo --distinct) >/dev/null
  olds=() news=()
  for _ in $(seq "$ROUNDS"); do
    olds+=("$(secs "${JAVA[@]}" -jar "$OLD_JAR" generate --out "$work/gen-old" --name g "$log")")
    news+=("$(secs "${JAVA[@]}" -jar "$NEW_JAR" generate --out "$work/gen-new" --name g "$log")")
  done
  old=$(pick "${olds[@]}") new=$(pick "${news[@]}")
  cmp -s "$work/gen-old/g/seccomp.json" "$work/gen-new/g/seccomp.json" && cmp -s "$work/gen-old/g/apparmor.profile" "$work/gen-new/g/apparmor.profile" \
    && same="same profiles" || same="PROFILES DIFFER"
  echo "| generate, $(($(stat -c %s "$log") / 1000000)) MB log, $kind ($same) | - | $old | $new | $(ratio "$new" "$old") |"
  echo "<!-- generate $kind: old ${olds[*]}; new ${news[*]}; load $(cut -d' ' -f1-3 /proc/loadavg) -->"
done
fi

# the bpf reader thread's CPU per event, tracer's ReaderCost compiled against each jar
if [[ $ROWS == *" reader "* && -f tracer/src/test/java/dev/tailor/tracer/bpf/ReaderCost.java ]]; then
  for v in old new; do
    jar=$OLD_JAR; [[ $v == new ]] && jar=$NEW_JAR
    mkdir -p "$work/rc-$v"
    javac -d "$work/rc-$v" -cp "$jar" tracer/src/test/java/dev/tailor/tracer/bpf/ReaderCost.java
  done
  echo
  echo "| bpf reader thread, CPU ns per event (ReaderCost 50000 x 8, best round) | old jar | new jar |"
  echo "|---|---|---|"
  for _ in $(seq "$ROUNDS"); do
    o=$("${JAVA[@]}" -cp "$work/rc-old:$OLD_JAR" dev.tailor.tracer.bpf.ReaderCost 50000 8)
    n=$("${JAVA[@]}" -cp "$work/rc-new:$NEW_JAR" dev.tailor.tracer.bpf.ReaderCost 50000 8)
    echo "| distinct, repeated | ${o#distinct } | ${n#distinct } |"
  done
fi
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
