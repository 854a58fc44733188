#!/usr/bin/env bash
# Measures what learning a container through tailor's OCI hook costs, side by side in one run:
# `podman run` of a command bare, with the learn hooks, and under the learned profile.
# Writes bench/CONTAINERS.md. Run from the repository root as root, with podman and runc:
#   bench/containers.sh            # ~2 minutes here
# Not part of `mvn verify`.
set -euo pipefail

cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
for tool in podman runc strace; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install podman runc strace)" >&2; exit 1; }
done
[[ -f cli/target/tailor.jar ]] || ./tailor --version >/dev/null
work=$(mktemp -d /tmp/tailor-bench-ct.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{usr,etc,tmp,proc,dev,sys,root,run,var}
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$root/$l"; done
./tailor hook install --hooks-dir "$work/hooks.d" --store "$work/store" 2>/dev/null
samples=$PWD/samples
pod() { # pod [podman options before run] -- [run options] -- CMD...
  local global=() opts=()
  while [[ $1 != -- ]]; do global+=("$1"); shift; done; shift
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done; shift
  podman "${global[@]}" --runtime runc --cgroup-manager cgroupfs run --rm --network none \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v /usr:/usr:ro -v /etc:/etc:ro \
    -v "$samples:$samples:ro" "${opts[@]}" --rootfs "$root" "$@"
}
secs() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e - s}'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN{ print (b == "" || a < b) ? a : b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

{
  echo "# Containers: learning through the OCI hook (bench/containers.sh)"
  echo
  echo "$(date -u +%F), $(nproc) cores, $(podman --version), $(runc --version | head -1); best of 3 interleaved rounds."
  echo
  echo "| workload | bare podman run | with the learn hooks | ratio | under the learned profile | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
} > bench/CONTAINERS.md
for w in "ls:/usr/bin/ls /" "python-app:/usr/bin/python3 $samples/python-app/app.py" "pipeline:/usr/bin/sh $samples/pipeline/pipeline.sh"; do
  name=${w%%:*}
  read -r -a cmd <<<"${w#*:}"
  b="" l="" p=""
  for _ in 1 2 3; do
    b=$(min "$(secs pod -- -- "${cmd[@]}")" "$b")
    l=$(min "$(secs pod --hooks-dir "$work/hooks.d" -- --annotation "io.tailor.learn=$name" -- "${cmd[@]}")" "$l")
    p=$(min "$(secs pod -- --security-opt "seccomp=$work/store/$name/seccomp.json" -- "${cmd[@]}")" "$p")
  done
  echo "| \`$name\` | ${b} s | ${l} s | $(ratio "$l" "$b") | ${p} s | $(ratio "$p" "$b") |" >> bench/CONTAINERS.md
done
cat bench/CONTAINERS.md
