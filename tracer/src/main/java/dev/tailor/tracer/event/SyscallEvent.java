package dev.tailor.tracer.event;

import java.util.Optional;

/**
 * A completed system call. Text fields hold raw strace text, one char per byte (ISO-8859-1), so
 * nothing of a file name is lost; {@code args} is everything between the outer parentheses
 * (unfinished and resumed halves already joined) and {@code result} everything after {@code = }.
 *
 * @param name the syscall name, interned; {@code syscall_0x...} where strace had no name
 * @param line the 1-based line number where the call completed
 */
public record SyscallEvent(int pid, String name, String args, String result, long line)
    implements TraceEvent {

  /** The errno name of a failed call ({@code ENOENT}), if it failed. */
  public Optional<String> errno() {
    int sp = result.indexOf(' ');
    if (!result.startsWith("-") || sp < 0 || !result.startsWith("E", sp + 1)) {
      return Optional.empty();
    }
    int end = sp + 1;
    while (end < result.length() && isErrnoChar(result.charAt(end))) {
      end++;
    }
    return Optional.of(result.substring(sp + 1, end));
  }

  /** Whether the call returned an error. */
  public boolean failed() {
    return errno().isPresent();
  }

  /** Whether strace saw no return value ({@code = ?}: exit, execve of another thread). */
  public boolean unreturned() {
    return result.startsWith("?");
  }

  /**
   * The numeric return value (decimal or hex), or {@code Long.MIN_VALUE} when there is none.
   * Decorations ({@code 3</path>}) and comments are ignored.
   */
  public long returnValue() {
    int n = result.length();
    boolean negative = n > 0 && result.charAt(0) == '-';
    int start = negative ? 1 : 0;
    int radix = result.startsWith("0x", start) ? 16 : 10;
    start += radix == 16 ? 2 : 0;
    long v = 0;
    int i = start;
    while (i < n && Character.digit(result.charAt(i), radix) >= 0) {
      v = v * radix + Character.digit(result.charAt(i), radix);
      i++;
    }
    return i == start ? Long.MIN_VALUE : negative ? -v : v;
  }

  /** What strace's {@code --pidns-translation} appends to an id seen in another pid namespace. */
  private static final String PIDNS = " in strace's PID NS */";

  /**
   * The child a clone, fork or vfork made, as the tracer's pid namespace numbers it: a process in a
   * container's namespace sees its child as 2 where the trace's lines say 31254. With strace's
   * {@code --pidns-translation} the result carries both ({@code 2 /* 31254 in strace's PID NS
   * *}{@code /}); without it, the return value is all there is.
   */
  public long childPid() {
    int end = result.indexOf(PIDNS);
    if (end > 0) {
      int start = result.lastIndexOf("/* ", end);
      if (start >= 0) {
        try {
          return Long.parseLong(result.substring(start + 3, end));
        } catch (NumberFormatException e) {
          // fall back to the return value
        }
      }
    }
    return returnValue();
  }

  private static boolean isErrnoChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
}
