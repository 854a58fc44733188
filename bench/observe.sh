#!/usr/bin/env bash
# Observe mode's cost and scale, with real podman + runc (profiles given with --security-opt seccomp=):
#  1. `dd bs=1 count=N` (2N learned read/write calls) in a container under the notify variant
#     (listenerPath at the agent) and under the enforced profile, interleaved, best of
#     R rounds: dd's own time (what the calls cost) and the whole `podman run`, side by side;
#  2. C containers observed at once by one agent, each making K calls its profile lacks: every
#     notification must be in the observed tally (C*K), and the agent's RSS is sampled throughout.
# Writes bench/OBSERVE.md. Run from the repository root as root:
#   bench/observe.sh                       # N=200000 R=3 C=50 K=200; ~5 minutes here
#   N=50000 C=10 bench/observe.sh          # quicker
# Not part of `mvn verify`.
set -euo pipefail

cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
N=${N:-200000} R=${R:-3} C=${C:-50} K=${K:-200}
for tool in podman runc cc; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install podman runc gcc)" >&2; exit 1; }
done
[[ -f cli/target/tailor.jar ]] || ./tailor --version >/dev/null
work=$(mktemp -d /tmp/tailor-bench-observe.XXXXXX)
agent=""
cleanup() {
  [[ -n $agent ]] && kill "$agent" 2>/dev/null && wait "$agent" 2>/dev/null || true
  podman ps -aq --filter label=tailor-bench-observe | xargs -r podman rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
root=$work/rootfs
mkdir -p "$root"/{usr,etc,tmp,proc,dev,sys,root,run,var}
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$root/$l"; done
store=$work/store
cc -O2 -o "$work/load" bench/observe-load.c
pod() { # pod RUN-OPTIONS... -- CMD...
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done; shift
  podman --runtime runc --cgroup-manager cgroupfs run --network none \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v /usr:/usr:ro -v /etc:/etc:ro \
    -v "$work:$work:ro" --label tailor-bench-observe "${opts[@]}" --rootfs "$root" "$@"
}
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Profiles learned on the host (the runtime base included, so they start containers).
./tailor learn --no-status --out "$store" --name dd -- dd if=/dev/zero of=/dev/null bs=1 count=1000 2>/dev/null
touch "$work/go"
./tailor learn --no-status --out "$store" --name load -- "$work/load" learn 2>/dev/null

sock=$store/.tailor/observe.sock
variant() { java -cp cli/target/tailor.jar bench/ObserveVariantFile.java "$store/$1/seccomp.json" "$work/$1.observe.json" "$sock"; }
variant dd
variant load
# AGENT_JAVA_OPTS: the agent's JVM options (default: ./tailor's), e.g. a smaller heap.
TAILOR_JAVA_OPTS=${AGENT_JAVA_OPTS:-${TAILOR_JAVA_OPTS:--XX:+UseSerialGC -Xshare:auto -Xmx256m}} \
  ./tailor observe --store "$store" --flush 2s 2>"$work/agent.log" &
agent=$!
for _ in $(seq 600); do [[ -S $store/.tailor/observe.sock ]] && break; sleep 0.1; done
[[ -S $store/.tailor/observe.sock ]] || { cat "$work/agent.log" >&2; exit 1; }

# 1. dd: dd reports its own time on stderr ("..., 0.123 s, ...").
ddtime() { pod --rm $1 -- dd if=/dev/zero of=/dev/null bs=1 count="$N" 2>&1 | awk -F', ' '/copied/ {print $(NF-1)+0}'; }
walltime() {
  local s e
  s=$(date +%s.%N)
  pod --rm $1 -- dd if=/dev/zero of=/dev/null bs=1 count="$N" >/dev/null 2>&1
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e - s}'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN{ print (b == "" || a < b) ? a : b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
dd_enf="" dd_obs="" we="" wo=""
for _ in $(seq "$R"); do
  enf="--security-opt seccomp=$store/dd/seccomp.json"
  obs="--security-opt seccomp=$work/dd.observe.json --annotation io.tailor.observe=dd"
  dd_enf=$(min "$(ddtime "$enf")" "$dd_enf")
  dd_obs=$(min "$(ddtime "$obs")" "$dd_obs")
  we=$(min "$(walltime "$enf")" "$we")
  wo=$(min "$(walltime "$obs")" "$wo")
done
dd_observed=$(grep -c "observing container" "$work/agent.log" || true)

# 2. C containers at once, each making K getpgid calls its profile lacks, held until all run.
rm -f "$work/go"
peak=$(rss "$agent")
ids=()
for i in $(seq "$C"); do
  ids+=("$(pod -d --security-opt "seccomp=$work/load.observe.json" --annotation io.tailor.observe=load -- "$work/load" "$K" "$work/go")")
  r=$(rss "$agent"); (( r > peak )) && peak=$r
done
running=0
for _ in $(seq 600); do
  running=$(./tailor observe status --store "$store" 2>/dev/null | awk '/containers in observe mode/ {print $1}')
  (( ${running:-0} >= C )) && break
  sleep 0.2
done
r=$(rss "$agent"); (( r > peak )) && peak=$r
touch "$work/go"
failed=0
for id in "${ids[@]}"; do
  code=$(podman wait "$id")
  [[ $code == 0 ]] || failed=$((failed + 1))
  r=$(rss "$agent"); (( r > peak )) && peak=$r
done
podman rm "${ids[@]}" >/dev/null
tally=$store/load/observed/observed.json
for _ in $(seq 300); do
  seen=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
cs=[c for c in d["containers"] if not c["running"]]
print(len(cs), sum(s["count"] for c in cs for s in c["calls"] if s["syscall"]=="getpgid"))' "$tally" 2>/dev/null || echo "0 0")
  [[ ${seen%% *} -ge $C ]] && break
  sleep 0.2
done
containers=${seen%% *} calls=${seen##* }
after=$(rss "$agent")

{
  echo "# Observe mode: cost and scale (bench/observe.sh)"
  echo
  echo "$(date -u +%F), $(nproc) cores (shared with other work), $(uname -r), $(podman --version), $(runc --version | head -1);"
  echo "Profiles given with --security-opt seccomp= (enforced: the learned seccomp.json; observe: its notify variant,"
  echo "ObserveVariant.notifying); the agent's JVM options: ${AGENT_JAVA_OPTS:-${TAILOR_JAVA_OPTS:--XX:+UseSerialGC -Xshare:auto -Xmx256m}}."
  echo
  echo "## dd bs=1 count=$N ($((2 * N)) learned calls), best of $R interleaved rounds"
  echo
  echo "| | enforced | observe (notify variant) | ratio |"
  echo "|---|---:|---:|---:|"
  echo "| dd's own time (s) | $dd_enf | $dd_obs | $(ratio "$dd_obs" "$dd_enf") |"
  echo "| whole podman run (s) | $we | $wo | $(ratio "$wo" "$we") |"
  echo
  echo "Observed dd containers in the agent's log: $dd_observed (the observe runs went through the agent)."
  echo
  echo "## $C containers observed at once, $K unlearned calls each"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| containers in observe mode at once (tailor observe status) | $running |"
  echo "| containers that exited non-zero | $failed |"
  echo "| containers in the observed tally | $containers of $C |"
  echo "| getpgid calls in the tally | $calls of $((C * K)) |"
  echo "| agent RSS, peak sampled (MB) | $peak |"
  echo "| agent RSS after (MB) | $after |"
} > bench/OBSERVE.md
cat bench/OBSERVE.md
