# AppArmor profile drafted by tailor from what the workload did.
# Review it, run the workload in complain mode, then enforce.
abi <abi/3.0>,

include <tunables/global>

profile python3-app flags=(complain) {
  include <abstractions/base>
  include <abstractions/nameservice>
  include <abstractions/python>
  include <abstractions/openssl>

  # Sockets the workload opened
  network inet stream,
  network unix stream,

  # Programs the workload ran
  "/usr/bin/python3.11" rix,

  # Temporary files
  owner "/tmp/????????" rw,
  owner "/tmp/tailor-app-????????/" rw,
  owner "/tmp/tailor-app-????????/out.txt" w,
  owner "/tmp/tailor-app-????????/scratch.tmp" w,
  owner "/tmp/tailor-app-????????/sorted.txt" rw,

  # Files and directories
  "/work/wt10/samples/python-app/" r,
  "/work/wt10/samples/python-app/app.py" r,
  "/work/wt10/samples/python-app/data/input.txt" r,
}
