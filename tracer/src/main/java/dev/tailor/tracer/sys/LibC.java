package dev.tailor.tracer.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls the JDK does not offer: byte-exact realpath, mkfifo, kill, isatty. */
public interface LibC extends Library {
  /** Loaded on first use. */
  LibC INSTANCE = Native.load("c", LibC.class);

  Pointer realpath(byte[] path, byte[] resolved);

  int mkfifo(String path, int mode);

  int kill(int pid, int signal);

  int isatty(int fd);

  int geteuid();
}
