package dev.tailor.tracer.strace;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The calls strace wrote as {@code <unfinished ...>}, one per thread, until the {@code <...
 * resumed>} half that completes each.
 */
final class UnfinishedCalls {
  /** An unfinished call: {@code head} is its text from the name to the last argument written. */
  record Pending(String name, byte[] head, long line) {
    String args() {
      return StraceBytes.latin1(head, name.length() + 1, head.length);
    }

    /** This call's head and the rest of its resumed line ({@code b[rest, n)}): one whole line. */
    byte[] join(byte[] b, int rest, int n) {
      byte[] all = new byte[head.length + (n - rest)];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(b, rest, all, head.length, n - rest);
      return all;
    }
  }

  private final Map<Integer, Pending> byPid = new HashMap<>();

  boolean isEmpty() {
    return byPid.isEmpty();
  }

  /** Keeps {@code pid}'s call until it resumes. */
  void hold(int pid, Pending call) {
    byPid.put(pid, call);
  }

  /** Removes and returns {@code pid}'s unfinished call, if it has one. */
  Optional<Pending> take(int pid) {
    return Optional.ofNullable(byPid.remove(pid));
  }

  /**
   * Moves the unfinished call of {@code from} to {@code to}, where it will resume: strace's
   * "superseded by execve" case, an exec by a thread completing as its leader.
   */
  void move(int from, int to) {
    take(from).ifPresent(p -> byPid.put(to, p));
  }

  /** Removes every call still unfinished, by pid. */
  SortedMap<Integer, Pending> drain() {
    SortedMap<Integer, Pending> left = new TreeMap<>(byPid);
    byPid.clear();
    return left;
  }
}
