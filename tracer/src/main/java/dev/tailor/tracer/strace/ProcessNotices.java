package dev.tailor.tracer.strace;

import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.SignalEvent;
import java.util.Optional;

/**
 * Reads strace's notices about a process, the lines that are not calls: {@code +++ exited with 0
 * +++}, {@code +++ killed by SIGKILL +++}, {@code +++ superseded by execve in pid N +++} and {@code
 * --- SIGCHLD {...} ---}.
 */
final class ProcessNotices {
  private ProcessNotices() {}

  /**
   * The exit notice of {@code pid} whose text after {@code "+++ "} starts at {@code i}; empty when
   * it is none strace writes.
   */
  static Optional<ExitEvent> exit(int pid, byte[] b, int n, int i) {
    if (StraceBytes.startsWith(b, n, i, "exited with ")) {
      return Optional.of(new ExitEvent(pid, number(b, n, i + 12), "", 0));
    } else if (StraceBytes.startsWith(b, n, i, "killed by ")) {
      int end = StraceBytes.nameEnd(b, i + 10, n);
      return Optional.of(new ExitEvent(pid, -1, StraceBytes.latin1(b, i + 10, end), 0));
    } else if (StraceBytes.startsWith(b, n, i, "superseded by execve in pid ")) {
      return Optional.of(new ExitEvent(pid, -1, "", number(b, n, i + 28)));
    }
    return Optional.empty();
  }

  /**
   * The signal notice of {@code pid} whose text after {@code "--- "} starts at {@code i}; empty
   * when it names no signal.
   */
  static Optional<SignalEvent> signal(int pid, byte[] b, int n, int i) {
    if (StraceBytes.startsWith(b, n, i, "stopped by ")) {
      i += 11;
    }
    int end = StraceBytes.nameEnd(b, i, n);
    return end == i
        ? Optional.empty()
        : Optional.of(new SignalEvent(pid, StraceBytes.latin1(b, i, end)));
  }

  /** The decimal number at {@code b[i..]} (0 when there is none). */
  private static int number(byte[] b, int n, int i) {
    int v = 0;
    while (i < n && StraceBytes.isDigit(b[i])) {
      v = v * 10 + (b[i++] - '0');
    }
    return v;
  }
}
