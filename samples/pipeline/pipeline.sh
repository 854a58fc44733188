#!/bin/sh
# Sample workload: a shell script that forks many children (pipeline, subshell,
# command substitution, background job). Run as: sh samples/pipeline/pipeline.sh
# Its output is fixed; it writes only to a temp folder it removes.
set -eu
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
words="$here/words.txt"

echo "top words:"
tr -s ' ' '\n' < "$words" | sort | uniq -c | sort -rn | head -n 5

lines=$(wc -l < "$words")
echo "lines: $((lines + 0))"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
  cd "$tmp"
  grep -c program "$words" > count.txt
  sed 's/program/workload/g' "$words" > rewritten.txt
)
echo "lines with program: $(cat "$tmp/count.txt")"
echo "workload mentions: $(grep -o workload "$tmp/rewritten.txt" | wc -l | tr -d ' ')"

tr 'a-z' 'A-Z' < "$words" | head -n 1 > "$tmp/upper.txt" &
job=$!
wait "$job"
echo "first line upper: $(cat "$tmp/upper.txt")"
echo "done"
