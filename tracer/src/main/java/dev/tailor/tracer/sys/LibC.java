package dev.tailor.tracer.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the JDK does not offer: byte-exact realpath, readlink and statx, mkfifo, kill,
 * isatty; for the bpf backend the raw syscall, mmap of its ring buffer, close and sysconf; and for
 * enforce the executable page of its exec code (mmap, mprotect).
 */
public interface LibC extends Library {
  /** Loaded on first use. */
  LibC INSTANCE = Native.load("c", LibC.class);

  Pointer realpath(byte[] path, byte[] resolved);

  /** ssize_t readlink(path, buf, size): the length of a symlink's target, -1 for anything else. */
  long readlink(byte[] path, byte[] buf, long size);

  /** int statx(dirfd, path, flags, mask, buf): 0, or -1 for a file that cannot be stat'ed. */
  int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf);

  int mkfifo(String path, int mode);

  int kill(int pid, int signal);

  int isatty(int fd);

  int geteuid();

  /** long syscall(number, ...): the raw call; -1 and errno on failure. */
  long syscall(long number, Object... args);

  int PROT_READ = 1;
  int PROT_WRITE = 2;
  int PROT_EXEC = 4;
  int MAP_SHARED = 1;
  int MAP_PRIVATE = 2;
  int MAP_ANONYMOUS = 0x20;

  Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  /** Whether {@link #mmap} failed: it returned MAP_FAILED, {@code (void *) -1}. */
  static boolean mapFailed(Pointer p) {
    return p == null || Pointer.nativeValue(p) == -1;
  }

  int mprotect(Pointer addr, long length, int prot);

  int munmap(Pointer addr, long length);

  int close(int fd);

  long sysconf(int name);
}
