package dev.tailor.tracer.strace;

import dev.tailor.tracer.event.CallMemo;
import dev.tailor.tracer.event.CloneStarted;
import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.RepeatableCall;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.event.UnparsedLine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Streaming parser for strace output ({@code strace -f -yy -o FILE}, also {@code -ff} files, {@code
 * [pid N]} prefixes, {@code -t/-tt/-ttt/-r} timestamps and {@code -T} times). It reads bytes
 * through one reusable line buffer, joins {@code <unfinished ...>} / {@code <... resumed>} halves
 * per thread, and turns every line it cannot read into an {@link UnparsedLine}: it never throws on
 * input. Memory is constant: lines longer than {@link #MAX_LINE} keep their head and tail only.
 */
public final class TraceParser {
  /** Longest line kept whole; longer lines keep this much of their head and their last bytes. */
  public static final int MAX_LINE = LineFramer.MAX_LINE;

  private static final String UNFINISHED = " <unfinished ...>";
  private static final String RESUMED = " resumed>";
  private static final String EXIT_END = " +++";
  private static final String SIGNAL_END = " ---";
  private static final String DETACHED = " <detached ...>";

  /** Calls that make a process, whose child may speak before the call returns. */
  private static final Set<String> FORKS = Set.of("clone", "clone3", "fork", "vfork");

  /** How much of a call's arguments the consumer needs; less detail is parsed faster. */
  public enum Detail {
    /** The name and the result only: arguments come as the empty string. */
    NAME,
    /** The first argument only ({@code 3</path>}), for calls on an fd. */
    FIRST_ARGUMENT,
    /** Every argument. */
    ALL
  }

  private final Consumer<TraceEvent> sink;
  private final int defaultPid;
  private final Function<String, Detail> detail;
  private final Map<String, Detail> details = new IdentityHashMap<>();

  /**
   * The calls strace wrote as {@code <unfinished ...>}, one per thread, until the {@code <...
   * resumed>} half that completes each.
   */
  private final Map<Integer, Pending> unfinished = new HashMap<>();

  private final NameTable names = new NameTable();
  private final LineFramer framer = new LineFramer(this::parseLine);
  private final CallTail tail = new CallTail();
  private int lineStart;
  private long syscalls;
  private LineMemo memo;

  /** The memo of the line being parsed, offered with its call. */
  private CallMemo offer;

  /**
   * A parser that sends events to {@code sink}.
   *
   * @param defaultPid the pid of lines without a pid prefix ({@code -ff} files name the pid in the
   *     file name), or 0 when every line carries one
   */
  public TraceParser(Consumer<TraceEvent> sink, int defaultPid, Function<String, Detail> detail) {
    this.sink = sink;
    this.defaultPid = defaultPid;
    this.detail = detail;
  }

  /** A parser that gives every call all its arguments. */
  public TraceParser(Consumer<TraceEvent> sink, int defaultPid) {
    this(sink, defaultPid, name -> Detail.ALL);
  }

  /** A parser for {@code strace -f -o FILE} output, where every line starts with its pid. */
  public TraceParser(Consumer<TraceEvent> sink) {
    this(sink, 0);
  }

  /**
   * Lets a call line that is byte for byte one seen before (pid, timestamps and {@code -T} times
   * aside) come as a {@link RepeatedCall} once the consumer has learned it, instead of being parsed
   * again. For logs read after the fact: a repeat reuses what the first line resolved.
   */
  public TraceParser skippingRepeats() {
    // A random seed: the traced workload must not be able to make its lines collide on purpose.
    return skippingRepeats(new SplittableRandom().nextLong());
  }

  /**
   * As {@link #skippingRepeats()}, with the memo's hash seeded by {@code seed}: tests that count
   * collisions fix it.
   */
  TraceParser skippingRepeats(long seed) {
    memo = new LineMemo(seed);
    return this;
  }

  /** Reads a whole stream, then {@link #finish()}es. */
  public void parse(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      feed(buf, 0, n);
    }
    finish();
  }

  /** Feeds the next bytes of the trace; complete lines are parsed at once. */
  public void feed(byte[] buf, int off, int len) {
    framer.feed(buf, off, len);
  }

  /**
   * Ends the input: a last line without newline is a diagnostic, and calls still unfinished (their
   * process was killed, or the trace was cut) are emitted with the unknown result {@code ?}, so
   * their syscalls still count.
   */
  public void finish() {
    framer
        .endInput()
        .ifPresent(
            cut ->
                sink.accept(
                    new UnparsedLine(
                        defaultPid,
                        framer.lineNumber(),
                        "last line has no newline (the trace was cut)",
                        cut)));
    Map<Integer, Pending> left = new TreeMap<>(unfinished);
    unfinished.clear();
    left.forEach((pid, p) -> emitSyscall(pid, p.name(), p.args(), "?", p.line()));
  }

  /** Syscalls emitted so far. */
  public long syscalls() {
    return syscalls;
  }

  private void parseLine(byte[] b, int off, int n, boolean cut) {
    int i = off;
    lineStart = off;
    offer = null;
    int pid = defaultPid;
    if (StraceBytes.startsWith(b, n, off, "[pid ")) {
      i = StraceBytes.skipSpaces(b, n, off + 5);
      int p = 0;
      while (i < n && StraceBytes.isDigit(b[i])) {
        p = p * 10 + (b[i++] - '0');
      }
      pid = p;
      if (i < n && b[i] == ']') {
        i++;
      }
    } else if (i < n && StraceBytes.isDigit(b[i])) {
      int j = i;
      int p = 0;
      while (j < n && StraceBytes.isDigit(b[j]) && p < 100_000_000) {
        p = p * 10 + (b[j++] - '0');
      }
      if (j < n && b[j] == ' ') {
        pid = p;
        i = j;
      }
    }
    i = StraceBytes.skipSpaces(b, n, i);
    i = StraceBytes.skipTimestamp(b, n, i);
    if (i >= n) {
      unparsed(pid, "empty line", b, n);
      return;
    }
    if (pid == 0) {
      unparsed(
          pid,
          StraceBytes.startsWith(b, n, i, "strace: ") ? "strace message" : "line has no pid",
          b,
          n);
      return;
    }
    if (StraceBytes.startsWith(b, n, i, "+++ ")) {
      if (StraceBytes.endsWith(b, n, EXIT_END)) {
        parseExit(pid, b, n, i + 4);
      } else {
        unparsed(pid, "exit line cut short", b, n);
      }
    } else if (StraceBytes.startsWith(b, n, i, "--- ")) {
      if (StraceBytes.endsWith(b, n, SIGNAL_END)) {
        parseSignal(pid, b, n, i + 4);
      } else {
        unparsed(pid, "signal line cut short", b, n);
      }
    } else if (StraceBytes.startsWith(b, n, i, "<... ")) {
      parseResumed(pid, b, n, i + 5, cut);
    } else {
      parseCall(pid, b, n, i, cut);
    }
  }

  private void parseCall(int pid, byte[] b, int n, int i, boolean cut) {
    if (!unfinished.isEmpty()) {
      // strace resumes a thread's call before that thread's next one: this log is not whole, and
      // the half call contributes nothing.
      takeUnfinished(pid)
          .ifPresent(
              old ->
                  unparsedMessage(
                      pid, "call of " + old.name() + " never resumed before the next call"));
    }
    if (memo != null && !cut && !StraceBytes.endsWith(b, n, UNFINISHED)) {
      int end = StraceBytes.withoutElapsed(b, i, n);
      if (end - i <= LineMemo.MAX_KEY) {
        int h = memo.hash(b, i, end);
        CallMemo m = memo.find(b, i, end, h);
        if (m == null) {
          offer = memo.add(b, i, end, h);
        } else if (m.learned()) {
          syscalls++;
          sink.accept(new RepeatedCall(pid, m, framer.lineNumber()));
          return;
        }
      }
    }
    int nameStart = i;
    i = StraceBytes.nameEnd(b, i, n);
    if (i == nameStart || i >= n || b[i] != '(') {
      unparsed(
          pid,
          StraceBytes.startsWith(b, n, nameStart, "[ Process PID=")
              ? "personality change (32-bit process?)"
              : "not a syscall line",
          b,
          n);
      return;
    }
    String name = names.intern(b, nameStart, i);
    int argsStart = i + 1;
    if (cut) {
      cutLine(pid, name);
      return;
    }
    if (StraceBytes.endsWith(b, n, UNFINISHED)) {
      byte[] head = Arrays.copyOfRange(b, nameStart, n - UNFINISHED.length());
      unfinished.put(pid, new Pending(name, head, framer.lineNumber()));
      if (FORKS.contains(name)) {
        sink.accept(new CloneStarted(pid, name));
      }
      return;
    }
    if (StraceBytes.endsWith(b, n, DETACHED)) {
      // strace let go of the thread (--pid, --pidof) while it was inside this call: the call was
      // made, its result never seen, as for a call still unfinished when a trace ends.
      emitSyscall(
          pid,
          name,
          StraceBytes.latin1(b, argsStart, n - DETACHED.length()),
          "?",
          framer.lineNumber());
      return;
    }
    finishCall(pid, name, b, argsStart, n);
  }

  private void parseResumed(int pid, byte[] b, int n, int i, boolean cut) {
    int nameStart = i;
    i = StraceBytes.nameEnd(b, i, n);
    if (i == nameStart || !StraceBytes.startsWith(b, n, i, RESUMED)) {
      unparsed(pid, "bad resumed line", b, n);
      return;
    }
    String name = names.intern(b, nameStart, i);
    int rest = i + RESUMED.length();
    Optional<Pending> p = takeUnfinished(pid);
    if (p.isEmpty() || !p.get().name().equals(name)) {
      if (name.equals("restart_syscall") && p.isEmpty()) {
        // strace's own name for a call the kernel restarts after a signal.
        if (cut) {
          cutLine(pid, name);
        } else {
          finishCall(pid, name, b, rest, n);
        }
        return;
      }
      // Half a call, whose start is not in the log (cut, or written by someone else), says
      // nothing reliable: it is listed as unused and contributes nothing.
      unparsedMessage(
          pid,
          p.isEmpty()
              ? "resumed " + name + " without its start"
              : "resumed " + name + " while " + p.get().name() + " was unfinished");
      return;
    }
    // The joined halves read as one complete line, which may repeat like any other.
    byte[] all = p.get().join(b, rest, n);
    lineStart = 0;
    parseCall(pid, all, all.length, 0, cut);
  }

  /**
   * Parses {@code ARGS) = RESULT} starting at {@code from}, the first byte after '('; a line cut
   * anywhere is a diagnostic ({@link CallTail}).
   */
  private void finishCall(int pid, String name, byte[] b, int from, int n) {
    String problem = tail.read(name, b, from, n);
    if (!problem.isEmpty()) {
      // A line that is not understood contributes nothing (it is listed as unused).
      unparsed(pid, problem, b, n);
      return;
    }
    String args =
        switch (details.computeIfAbsent(name, detail)) {
          case NAME -> "";
          case FIRST_ARGUMENT -> StraceBytes.firstArgument(b, from, tail.close());
          case ALL -> StraceBytes.latin1(b, from, tail.close());
        };
    emitSyscall(
        pid,
        name,
        args,
        StraceBytes.latin1(b, tail.resultStart(), tail.resultEnd()),
        framer.lineNumber());
  }

  private void parseExit(int pid, byte[] b, int n, int i) {
    Optional<ExitEvent> exit = ProcessNotices.exit(pid, b, n, i);
    if (exit.isEmpty()) {
      unparsed(pid, "unknown +++ line", b, n);
      return;
    }
    // A call the thread had not finished: it was made, its result never seen.
    takeUnfinished(pid).ifPresent(p -> emitSyscall(pid, p.name(), p.args(), "?", p.line()));
    if (exit.get().supersededBy() != 0) {
      // "LEADER +++ superseded by execve in pid EXECER": the execve that EXECER started completes
      // as "LEADER <... execve resumed>", so its unfinished half moves to the leader's pid.
      takeUnfinished(exit.get().supersededBy()).ifPresent(p -> unfinished.put(pid, p));
    }
    sink.accept(exit.get());
  }

  private Optional<Pending> takeUnfinished(int pid) {
    return Optional.ofNullable(unfinished.remove(pid));
  }

  private void parseSignal(int pid, byte[] b, int n, int i) {
    ProcessNotices.signal(pid, b, n, i)
        .ifPresentOrElse(sink, () -> unparsed(pid, "bad signal line", b, n));
  }

  private void emitSyscall(int pid, String name, String args, String result, long line) {
    syscalls++;
    if (offer != null) {
      sink.accept(new RepeatableCall(pid, offer));
      offer = null;
    }
    sink.accept(new SyscallEvent(pid, name, args, result, line));
  }

  /**
   * A line cut to its head and tail: its arguments are lost, so it is unused, like any line not
   * understood.
   */
  private void cutLine(int pid, String name) {
    unparsedMessage(pid, "line longer than " + MAX_LINE + " bytes: " + name + " left out");
  }

  // A line the parser complains about is not offered, so never replayed: its diagnostic comes each
  // time.
  private void unparsed(int pid, String reason, byte[] b, int n) {
    offer = null;
    sink.accept(
        new UnparsedLine(
            pid,
            framer.lineNumber(),
            reason,
            StraceText.printable(
                StraceBytes.latin1(b, lineStart, Math.min(n, lineStart + 160)), 160)));
  }

  private void unparsedMessage(int pid, String reason) {
    offer = null;
    sink.accept(new UnparsedLine(pid, framer.lineNumber(), reason, ""));
  }

  /** An unfinished call: {@code head} is its text from the name to the last argument written. */
  private record Pending(String name, byte[] head, long line) {
    String args() {
      return StraceBytes.latin1(head, name.length() + 1, head.length);
    }

    /** This call's head and the rest of its resumed line ({@code b[rest, n)}): one whole line. */
    byte[] join(byte[] b, int rest, int n) {
      byte[] all = Arrays.copyOf(head, head.length + (n - rest));
      System.arraycopy(b, rest, all, head.length, n - rest);
      return all;
    }
  }
}
