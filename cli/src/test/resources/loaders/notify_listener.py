#!/usr/bin/python3
"""A minimal seccomp notify listener for tests: what runc's listenerPath connects to.

Usage: notify_listener.py SOCKET OUT

Listens on the unix socket SOCKET; for each connection that brings a file descriptor (runc sends
the notify fd with SCM_RIGHTS and the container's state as the message), writes one line
"container ID" to OUT, then loops SECCOMP_IOCTL_NOTIF_RECV on the fd and, for each notification,
writes "call NR" and answers SECCOMP_USER_NOTIF_FLAG_CONTINUE so the call runs. A connection
without a descriptor (tailor's hook checking that someone answers) writes "probe". Prints
"listening" on stdout once the socket is bound.
"""
import ctypes
import json
import os
import socket
import struct
import sys
import threading

RECV = 0xC0502100  # SECCOMP_IOCTL_NOTIF_RECV, struct seccomp_notif (80 bytes)
SEND = 0xC0182101  # SECCOMP_IOCTL_NOTIF_SEND, struct seccomp_notif_resp (24 bytes)
CONTINUE = 1

libc = ctypes.CDLL(None, use_errno=True)
lock = threading.Lock()


def emit(out, line):
    with lock:
        out.write(line + "\n")
        out.flush()


def serve(fd, out):
    buf = ctypes.create_string_buffer(80)
    while True:
        ctypes.memset(buf, 0, 80)
        if libc.ioctl(fd, RECV, buf) != 0:
            return  # the filter's last process is gone
        notif_id, pid, flags, nr = struct.unpack_from("<QIIi", buf.raw, 0)
        emit(out, "call %d" % nr)
        resp = ctypes.create_string_buffer(struct.pack("<QqiI", notif_id, 0, 0, CONTINUE), 24)
        libc.ioctl(fd, SEND, resp)


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    out = open(out_path, "a")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    print("listening", flush=True)
    while True:
        conn, _ = srv.accept()
        msg, fds, _, _ = socket.recv_fds(conn, 1 << 16, 4)
        conn.close()
        if not fds:
            emit(out, "probe")
            continue
        state = json.loads(msg.decode("utf-8", "replace"))
        emit(out, "container " + state.get("state", {}).get("id", "?"))
        threading.Thread(target=serve, args=(fds[0], out), daemon=True).start()


if __name__ == "__main__":
    main()
