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
      int j = i + 12;
      int code = 0;
      while (j < n && StraceBytes.isDigit(b[j])) {
        code = code * 10 + (b[j++] - '0');
      }
      return Optional.of(new ExitEvent(pid, code, "", 0));
    } else if (StraceBytes.startsWith(b, n, i, "killed by ")) {
      int j = i + 10;
      int s = j;
      while (j < n && StraceBytes.isNameChar(b[j])) {
        j++;
      }
      return Optional.of(new ExitEvent(pid, -1, StraceBytes.latin1(b, s, j), 0));
    } else if (StraceBytes.startsWith(b, n, i, "superseded by execve in pid ")) {
      int j = i + 28;
      int by = 0;
      while (j < n && StraceBytes.isDigit(b[j])) {
        by = by * 10 + (b[j++] - '0');
      }
      return Optional.of(new ExitEvent(pid, -1, "", by));
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
    int s = i;
    while (i < n && StraceBytes.isNameChar(b[i])) {
      i++;
    }
    if (i == s) {
      return Optional.empty();
    }
    return Optional.of(new SignalEvent(pid, StraceBytes.latin1(b, s, i)));
  }
}
