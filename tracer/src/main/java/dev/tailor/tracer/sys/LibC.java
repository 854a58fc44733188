package dev.tailor.tracer.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls the JDK does not offer: byte-exact realpath and readlink, mkfifo, kill, isatty. */
public interface LibC extends Library {
  /** Loaded on first use. */
  LibC INSTANCE = Native.load("c", LibC.class);

  Pointer realpath(byte[] path, byte[] resolved);

  /** ssize_t readlink(path, buf, size): the length of a symlink's target, -1 for anything else. */
  long readlink(byte[] path, byte[] buf, long size);

  int mkfifo(String path, int mode);

  int kill(int pid, int signal);

  int isatty(int fd);

  int geteuid();
}
