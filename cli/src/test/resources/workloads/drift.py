# A workload for the drift gate: "base" writes one file and opens a unix socket; each other mode
# does exactly one new thing ("temp" makes a temporary file with a random name each run).
import os
import socket
import sys
import tempfile

mode, folder = sys.argv[1], sys.argv[2]
with open(os.path.join(folder, "base.txt"), "w") as f:
    f.write("base\n")
socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
if mode == "newfile":
    with open(os.path.join(folder, "new.txt"), "w") as f:
        f.write("new\n")
elif mode == "newsyscall":
    os.umask(0o022)
elif mode == "network":
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
elif mode == "chown":
    os.chown(os.path.join(folder, "base.txt"), os.getuid(), os.getgid())
elif mode == "temp":
    fd, name = tempfile.mkstemp(dir="/tmp")
    os.write(fd, b"temp\n")
    os.close(fd)
    os.unlink(name)
print("mode", mode)
