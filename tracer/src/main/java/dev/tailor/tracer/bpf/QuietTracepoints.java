package dev.tailor.tracer.bpf;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes the per-call perf overhead off bpftrace's tracepoints. bpftrace 0.17 opens each tracepoint
 * as a perf event bound to CPU 0, and its programs return 1, so on CPU 0 every hit of every
 * attached tracepoint, by any process, also goes through perf's sample path (measured here: a
 * syscall loop on CPU 0 ran 3x its bare time under an empty raw_syscalls program, 1.5x on CPU 1).
 * The BPF program belongs to the tracepoint, not to the perf event: with the event disabled the
 * program still runs on every CPU, and the sample path is skipped. tailor reaches bpftrace's event
 * descriptors through {@code pidfd_getfd} (Linux 5.6) and disables those that carry a BPF program;
 * the output buffers, which carry none, are left alone. Best effort: where it cannot, tracing is
 * only slower.
 */
final class QuietTracepoints {
  /** The same on x86_64 and aarch64 (numbers from 424 on are shared by all architectures). */
  private static final long SYS_PIDFD_OPEN = 434;
  private static final long SYS_PIDFD_GETFD = 438;
  /** _IO('$', 1) and _IOWR('$', 10, struct perf_event_query_bpf *). */
  private static final long PERF_EVENT_IOC_DISABLE = 0x2401;
  private static final long PERF_EVENT_IOC_QUERY_BPF = 0xC008240AL;

  private QuietTracepoints() {}

  interface C extends Library {
    C INSTANCE = Native.load("c", C.class);

    long syscall(long number, Object... args);

    int ioctl(int fd, long request, Pointer arg);

    int close(int fd);
  }

  /** Disables the perf events of process {@code pid} that run a BPF program; returns how many. */
  static int in(long pid) {
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    int disabled = 0;
    int pidfd;
    try {
      pidfd = (int) C.INSTANCE.syscall(SYS_PIDFD_OPEN, pid, 0L);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return 0;
    }
    if (pidfd < 0) {
      return 0;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      Memory query = new Memory(8 + 4 * 64);
      for (Path entry : entries) {
        if (!isPerfEvent(entry)) {
          continue;
        }
        int fd = (int) C.INSTANCE.syscall(SYS_PIDFD_GETFD, (long) pidfd, Long.parseLong(entry.getFileName().toString()), 0L);
        if (fd < 0) {
          continue;
        }
        query.clear();
        query.setInt(0, 64);
        if (C.INSTANCE.ioctl(fd, PERF_EVENT_IOC_QUERY_BPF, query) == 0 && query.getInt(4) > 0
            && C.INSTANCE.ioctl(fd, PERF_EVENT_IOC_DISABLE, Pointer.NULL) == 0) {
          disabled++;
        }
        C.INSTANCE.close(fd);
      }
    } catch (IOException | RuntimeException e) {
      // bpftrace gone or /proc unreadable: nothing more to do
    } finally {
      C.INSTANCE.close(pidfd);
    }
    return disabled;
  }

  private static boolean isPerfEvent(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString().equals("anon_inode:[perf_event]");
    } catch (IOException e) {
      return false;
    }
  }
}
