#!/usr/bin/env bash
# Mutation testing (PIT) over the pure code: the trace parser and recorder (tracer), the
# generators and seccomp JSON (generator), exit codes, drift and names (cli). Not part of
# `mvn verify`: it runs every covering test once per mutant and takes many minutes.
#   bench/mutation.sh            all three modules
#   bench/mutation.sh generator  one module (its dependencies are built, not mutated)
# Reports: MODULE/target/pit-reports/index.html; the score per module is printed at the end.
set -euo pipefail
root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"

modules=${1:-tracer,generator,cli}
# -am builds what the modules need; only the modules named run PIT.
skips=()
for m in tracer generator cli; do
  [[ ",$modules," == *",$m,"* ]] || skips+=("-Dpit.skip.$m=true")
done
mvn -B -P mutation -pl "$modules" -am verify "${skips[@]}" "${@:2}"

python3 - "$modules" <<'PY'
import sys, xml.etree.ElementTree as ET, collections, os
for m in sys.argv[1].split(","):
    f = os.path.join(m, "target", "pit-reports", "mutations.xml")
    if not os.path.exists(f):
        print(f"{m}: no report ({f})")
        continue
    status = collections.Counter(x.get("status") for x in ET.parse(f).getroot().iter("mutation"))
    total = sum(status.values())
    killed = status["KILLED"] + status["TIMED_OUT"] + status["MEMORY_ERROR"]
    covered = total - status["NO_COVERAGE"]
    print(f"{m}: mutation score {killed}/{total} = {100 * killed / max(total, 1):.0f}% "
          f"(of covered: {100 * killed / max(covered, 1):.0f}%) {dict(sorted(status.items()))}")
PY
