#!/usr/bin/env bash
# Learn seccomp and AppArmor profiles from a project's test run, then gate on drift.
#
#   samples/ci/tailor-ci.sh [--baseline DIR] [--name NAME] [--out DIR] -- TEST COMMAND...
#
# 1. Runs the test command under `tailor learn` (its exit code is the tests' own).
# 2. If --baseline names a profile folder committed to the repository, runs `tailor check`
#    on the recording just made: exit 1 and a list of what is new when the tests now do
#    something the baseline does not allow.
# The learned profiles are in OUT/NAME/ for the CI system to keep as an artifact.
# Set TAILOR to the tailor launcher (default: ./tailor, or tailor on PATH).
set -euo pipefail

baseline=""
name="tests"
out="profiles-out"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "tailor-ci: unknown option $1 (usage: tailor-ci.sh [--baseline DIR] [--name NAME] [--out DIR] -- CMD...)" >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] || { echo "tailor-ci: give the test command after --" >&2; exit 2; }

tailor="${TAILOR:-}"
if [[ -z "$tailor" ]]; then
  if [[ -x ./tailor ]]; then tailor=./tailor; else tailor=tailor; fi
fi

status=0
"$tailor" learn --no-status --name "$name" --out "$out" -- "$@" || status=$?
if [[ $status -ne 0 ]]; then
  echo "tailor-ci: the test command failed (exit $status); profiles were still written to $out/$name" >&2
  exit "$status"
fi

if [[ -n "$baseline" ]]; then
  "$tailor" check --profile "$baseline" "$out/$name"
fi
