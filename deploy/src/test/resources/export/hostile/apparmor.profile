# AppArmor profile drafted by tailor from what the workload did.
# Review it, run the workload in complain mode, then enforce.
abi <abi/3.0>,

include <tunables/global>

profile hostile flags=(complain) {
  include <abstractions/base>
  include <abstractions/python>

  # Programs the workload ran
  "/usr/bin/python3.11" rix,

  # Temporary files
  owner "/tmp/tailor-hostile/dir\x20\x2a\x2a\x20rwx\x2c\x7ba\x2cb\x7d/" rw,
  owner "/tmp/tailor-hostile/dir\x20\x2a\x2a\x20rwx\x2c\x7ba\x2cb\x7d/comma\x2cname.txt" rw,
  owner "/tmp/tailor-hostile/dir\x20\x2a\x2a\x20rwx\x2c\x7ba\x2cb\x7d/double\x22quote.txt" rw,
  owner "/tmp/tailor-hostile/dir\x20\x2a\x2a\x20rwx\x2c\x7ba\x2cb\x7d/with\x20space.txt" rw,
  owner "/tmp/tailor-hostile/renamed\x20\x22to\x22\x20\x7bhere\x7d\x0a.txt" w,
  owner "/tmp/tailor-hostile/{,*}" rw,  # 17 paths seen

  # Files and directories
  "/work/wt10/samples/hostile-names/make_names.py" r,
}
