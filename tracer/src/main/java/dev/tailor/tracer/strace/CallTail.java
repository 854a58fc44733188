package dev.tailor.tracer.strace;

import java.util.Set;

/**
 * Reads the end of a call line, {@code ARGS) = RESULT} from the first byte after '(': where its
 * arguments close and where its result lies. Only a whole line is used: its argument list closed
 * (every string and decoration with it) and a result strace writes in full ({@link
 * StraceBytes#wholeResult}). It remembers whether the log decorates fd results ({@code -yy}), in
 * which an fd result without its decoration was cut.
 */
final class CallTail {
  /** Calls whose result is a new fd, which -yy decorates. */
  private static final Set<String> FD_RESULTS =
      Set.of(
          "open",
          "openat",
          "openat2",
          "creat",
          "open_by_handle_at",
          "dup",
          "dup2",
          "dup3",
          "accept",
          "accept4",
          "socket");

  /**
   * Whether a result carried a -yy decoration: the log is one where every new fd comes with its
   * path.
   */
  private boolean decoratedResults;

  private int close;
  private int resultStart;
  private int resultEnd;

  /**
   * Why the line {@code b[.., n)} of call {@code name} cannot be used, or the empty string when it
   * can: then {@link #close()}, {@link #resultStart()} and {@link #resultEnd()} locate its parts.
   */
  String read(String name, byte[] b, int from, int n) {
    int close = StraceBytes.closingParen(b, from, n);
    if (close < 0) {
      return "no closing parenthesis (a cut line?)";
    }
    int i = StraceBytes.skipSpaces(b, n, close + 1);
    if (i >= n || b[i] != '=' || i + 1 >= n || b[i + 1] != ' ') {
      return "no result (a cut line?)";
    }
    i += 2;
    int end = StraceBytes.withoutElapsed(b, i, n);
    if (!StraceBytes.wholeResult(b, i, end)) {
      return "result cut short or not one strace writes";
    }
    int digits = StraceBytes.digits(b, i, end);
    boolean bare = digits == end && end > i;
    // A decorated result is a decimal number with <...> (a hex one such as brk's 0x55d1... is not).
    if (digits > i && digits < end && b[digits] == '<') {
      decoratedResults = true;
    } else if (bare
        && FD_RESULTS.contains(name)
        && (decoratedResults || StraceBytes.fdDecorated(b, from, close))) {
      // Under -yy strace writes every new fd with its path or socket: "= 3" of
      // "= 3</etc/localtime>" was cut, and its argument's path would grant what the call never
      // opened as such.
      return "fd result without the -yy decoration strace gives it (a cut line?)";
    }
    this.close = close;
    this.resultStart = i;
    this.resultEnd = end;
    return "";
  }

  /** The index of the ')' that closes the arguments of the line last read whole. */
  int close() {
    return close;
  }

  /** Where the result of the line last read whole starts. */
  int resultStart() {
    return resultStart;
  }

  /** Where the result of the line last read whole ends, before any {@code -T} time. */
  int resultEnd() {
    return resultEnd;
  }
}
