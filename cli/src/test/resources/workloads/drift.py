# A workload for the drift gate: "base" writes one file; each other mode does exactly one new thing.
import os
import sys

mode, folder = sys.argv[1], sys.argv[2]
with open(os.path.join(folder, "base.txt"), "w") as f:
    f.write("base\n")
if mode == "newfile":
    with open(os.path.join(folder, "new.txt"), "w") as f:
        f.write("new\n")
elif mode == "newsyscall":
    os.umask(0o022)
print("mode", mode)
