package dev.tailor.tracer.strace;

import java.nio.charset.StandardCharsets;

/**
 * Scans over the bytes of one strace line for {@link TraceParser}'s hot loop: separators,
 * parentheses and decorations (skipping quoted text), timestamps and names. Lines are bytes held
 * one per char where they become text ({@link #latin1}), so nothing of a file name is lost.
 */
final class StraceBytes {
  private StraceBytes() {}

  /** The first argument when it is an fd ({@code 3} or {@code 3</path>}), else empty. */
  static String firstArgument(byte[] b, int from, int n) {
    int i = digits(b, from, n);
    if (i == from) {
      return "";
    }
    if (i < n && b[i] == '<') {
      i = StraceText.skipDecoration(new Latin1Chars(b, n), i);
    }
    return latin1(b, from, Math.min(i, n));
  }

  /** The end of {@code b[from, n)} without a {@code -T} suffix ({@code " <0.000012>"}). */
  static int withoutElapsed(byte[] b, int from, int n) {
    if (n <= from || b[n - 1] != '>') {
      return n;
    }
    int lt = n - 2;
    while (lt > from && (isDigit(b[lt]) || b[lt] == '.')) {
      lt--;
    }
    return lt > from && b[lt] == '<' && b[lt - 1] == ' ' && isDigit(b[lt + 1]) ? lt - 1 : n;
  }

  /** Index of the ')' closing the argument list, skipping strings, nesting and decorations. */
  static int closingParen(byte[] b, int from, int n) {
    return StraceText.topLevel(new Latin1Chars(b, n), from, ')');
  }

  /**
   * Bytes {@code [0, n)} of a line read one per char, as {@link #latin1} makes them text, without a
   * copy.
   */
  private record Latin1Chars(byte[] b, int n) implements CharSequence {
    @Override
    public int length() {
      return n;
    }

    @Override
    public char charAt(int i) {
      return (char) (b[i] & 0xff);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return latin1(b, from, to);
    }

    @Override
    public String toString() {
      return latin1(b, 0, n);
    }
  }

  /**
   * Whether {@code b[from, to)} (after "= ", without a {@code -T} time) is a result as strace 6.1
   * writes it whole, so that a line cut anywhere in its result is never used:
   *
   * <ul>
   *   <li>{@code ?}, {@code ? <unavailable>}, {@code ? ERESTARTSYS (To be restarted ...)};
   *   <li>{@code -1 ENOENT (No such file or directory)}, {@code -1 523 (Unknown error 523)};
   *   <li>a number: decimal, octal ({@code 022}), hex ({@code 0x7f12}), or a negative one outside
   *       the errno range (a cut {@code -1 EACCES} reads {@code -1}, which strace never writes);
   *   <li>a number's decoration, closed: {@code 3</etc/passwd>}, {@code 5<TCP:[1.2.3.4:5->...]>},
   *       {@code 4</tmp/x>(deleted)} for a file removed meanwhile;
   *   <li>then any number of closed texts: {@code (Timeout)}, {@code (flags O_RDONLY)}, {@code
   *       ([{fd=3, revents=POLLIN}])}, {@code (INJECTED)}, {@code /* 31254 in strace's PID NS
   *       *}{@code /}.
   * </ul>
   */
  static boolean wholeResult(byte[] b, int from, int to) {
    int i = from;
    if (i >= to) {
      return false;
    }
    if (b[i] == '?') {
      i++;
      if (i == to) {
        return true;
      }
      if (startsWith(b, to, i, " <unavailable>")) {
        return i + 14 == to;
      }
      // "? ERESTARTSYS (To be restarted if SA_RESTART is set)"
      if (i + 1 < to && b[i] == ' ' && isUpper(b[i + 1])) {
        i = errnoName(b, i + 1, to);
        return i > 0 && closedTexts(b, i, to, true);
      }
      return false;
    }
    if (b[i] == '-') {
      int d = i + 1;
      int j = d;
      long v = 0;
      while (j < to && isDigit(b[j])) {
        v = Math.min(v * 10 + (b[j] - '0'), 1L << 40);
        j++;
      }
      if (j == d) {
        return false;
      }
      if (j < to && b[j] == ' ' && j + 1 < to && (isUpper(b[j + 1]) || isDigit(b[j + 1]))) {
        // An error: "-1 ENAME (text)", or "-1 NNN (text)" for an errno strace has no name for.
        int e = isDigit(b[j + 1]) ? digits(b, j + 1, to) : errnoName(b, j + 1, to);
        return e > 0 && closedTexts(b, e, to, true);
      }
      // Values -1..-4095 are errors, which strace always writes with their name.
      return v > 4095 && closedTexts(b, j, to, false);
    }
    if (!isDigit(b[i])) {
      return false;
    }
    if (b[i] == '0' && i + 1 < to && b[i + 1] == 'x') {
      i += 2;
      int d = i;
      while (i < to && (isDigit(b[i]) || (b[i] >= 'a' && b[i] <= 'f'))) {
        i++;
      }
      if (i == d) {
        return false;
      }
    } else {
      i = digits(b, i, to);
    }
    if (i < to && b[i] == '<') {
      i = StraceText.decorationEnd(new Latin1Chars(b, to), i);
      if (i < 0) {
        return false;
      }
      // An fd of a file removed meanwhile: 4</tmp/x>(deleted), as strace 6.1 writes it.
      if (startsWith(b, to, i, "(deleted)")) {
        i += "(deleted)".length();
      }
    }
    return closedTexts(b, i, to, false);
  }

  /**
   * Whether an argument list shows -yy at its start: {@code AT_FDCWD</dir>} or {@code 3</path>}.
   */
  static boolean fdDecorated(byte[] b, int from, int to) {
    if (startsWith(b, to, from, "AT_FDCWD<")) {
      return true;
    }
    int i = digits(b, from, to);
    return i > from && i + 1 < to && b[i] == '<' && b[i + 1] != '<';
  }

  /**
   * The end of an errno name ({@code ENOENT}, {@code ERESTART_RESTARTBLOCK}) at {@code i}, or -1.
   */
  private static int errnoName(byte[] b, int i, int to) {
    int s = i;
    while (i < to && (isUpper(b[i]) || isDigit(b[i]) || b[i] == '_')) {
      i++;
    }
    return i > s ? i : -1;
  }

  /**
   * Whether {@code b[i, to)} is nothing but {@code " (text)"} and {@code " /* text *}{@code /"}
   * groups, each closed; {@code oneAtLeast} for an error, whose explanation strace always writes.
   */
  private static boolean closedTexts(byte[] b, int i, int to, boolean oneAtLeast) {
    int groups = 0;
    while (i < to) {
      if (startsWith(b, to, i, " (")) {
        int depth = 0;
        int k = i + 1;
        int end = -1;
        while (k < to) {
          byte c = b[k];
          if (c == '"') {
            // At the closing quote, or at the end when there is none: then no group closes.
            k = StraceText.skipQuoted(new Latin1Chars(b, to), k) - 1;
          } else if (c == '(') {
            depth++;
          } else if (c == ')' && --depth == 0) {
            end = k + 1;
            break;
          }
          k++;
        }
        if (end < 0) {
          return false;
        }
        i = end;
      } else if (startsWith(b, to, i, " /* ")) {
        int k = i + 4;
        while (k + 1 < to && !(b[k] == '*' && b[k + 1] == '/')) {
          k++;
        }
        if (k + 1 >= to) {
          return false;
        }
        i = k + 2;
      } else {
        return false;
      }
      groups++;
    }
    return groups > 0 || !oneAtLeast;
  }

  private static boolean isUpper(byte c) {
    return c >= 'A' && c <= 'Z';
  }

  static int skipSpaces(byte[] b, int n, int i) {
    while (i < n && b[i] == ' ') {
      i++;
    }
    return i;
  }

  /** Skips {@code 12:34:56}, {@code 12:34:56.123456} or {@code 1700000000.123456} and spaces. */
  static int skipTimestamp(byte[] b, int n, int i) {
    int j = digits(b, i, n);
    if (j == i || j >= n || (b[j] != ':' && b[j] != '.')) {
      return i;
    }
    while (j < n && (isDigit(b[j]) || b[j] == ':' || b[j] == '.')) {
      j++;
    }
    return j < n && b[j] == ' ' ? skipSpaces(b, n, j) : i;
  }

  static boolean startsWith(byte[] b, int n, int at, String s) {
    if (at + s.length() > n) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[at + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  static boolean endsWith(byte[] b, int n, String s) {
    return n >= s.length() && startsWith(b, n, n - s.length(), s);
  }

  /** The end of the decimal digits at {@code b[i..to)}. */
  static int digits(byte[] b, int i, int to) {
    while (i < to && isDigit(b[i])) {
      i++;
    }
    return i;
  }

  static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** The end of the name (a syscall's, a signal's) at {@code b[i..to)}. */
  static int nameEnd(byte[] b, int i, int to) {
    while (i < to && isNameChar(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean isNameChar(byte c) {
    return (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || (c >= 'A' && c <= 'Z')
        || c == '?';
  }

  static String latin1(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }
}
