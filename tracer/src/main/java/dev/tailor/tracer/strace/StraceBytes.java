package dev.tailor.tracer.strace;

import java.nio.charset.StandardCharsets;

/**
 * Scans over the bytes of one strace line for {@link TraceParser}'s hot loop: separators,
 * parentheses and decorations (skipping quoted text), timestamps and names. Lines are bytes held
 * one per char where they become text ({@link #latin1}), so nothing of a file name is lost.
 */
final class StraceBytes {
  private StraceBytes() {}

  /**
   * The index of the '=' between the arguments and the result ({@code ...)   = 0}), searched from
   * the end of the line: a result never holds a ')' followed by spaces and "= ", and whatever the
   * arguments hold comes before it. -1 when there is none.
   */
  static int resultSeparator(byte[] b, int from, int n) {
    for (int k = n - 1; k > from; k--) {
      if (b[k] != '=' || (k + 1 < n && b[k + 1] != ' ') || b[k - 1] != ' ') {
        continue;
      }
      int j = k - 1;
      while (j > from && b[j] == ' ') {
        j--;
      }
      if (b[j] == ')') {
        return k;
      }
    }
    return -1;
  }
  static boolean contains(byte[] b, byte c, int from, int to) {
    for (int k = from; k < to; k++) {
      if (b[k] == c) {
        return true;
      }
    }
    return false;
  }
  /** The first argument when it is an fd ({@code 3} or {@code 3</path>}), else empty. */
  static String firstArgument(byte[] b, int from, int n) {
    int i = from;
    while (i < n && isDigit(b[i])) {
      i++;
    }
    if (i == from) {
      return "";
    }
    if (i < n && b[i] == '<') {
      i = skipDecoration(b, i, n);
    }
    return latin1(b, from, Math.min(i, n));
  }
  static String result(byte[] b, int from, int n) {
    int end = withoutElapsed(b, from, n);
    while (end > from && b[end - 1] == ' ') {
      end--;
    }
    return latin1(b, from, end);
  }
  /** The end of {@code b[from, n)} without a {@code -T} suffix ({@code " <0.000012>"}). */
  static int withoutElapsed(byte[] b, int from, int n) {
    if (n > from && b[n - 1] == '>') {
      int lt = n - 1;
      while (lt > from && b[lt] != '<') {
        lt--;
      }
      if (lt > from && b[lt - 1] == ' ' && lt + 1 < n && isDigit(b[lt + 1]) && isTime(b, lt + 1, n - 1)) {
        return lt - 1;
      }
    }
    return n;
  }
  static boolean isTime(byte[] b, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isDigit(b[k]) && b[k] != '.') {
        return false;
      }
    }
    return true;
  }
  /** Index of the ')' closing the argument list, skipping strings, nesting and decorations. */
  static int closingParen(byte[] b, int from, int n) {
    int depth = 0;
    int i = from;
    while (i < n) {
      byte c = b[i];
      switch (c) {
        case '"' -> {
          i++;
          while (i < n && b[i] != '"') {
            i += b[i] == '\\' ? 2 : 1;
          }
          i++;
        }
        // "1<<CAP_CHOWN" (capget, capset) is a shift, not a -yy decoration.
        case '<' -> i = i + 1 < n && b[i + 1] == '<' ? i + 2 : skipDecoration(b, i, n);
        case '(', '[', '{' -> {
          depth++;
          i++;
        }
        case ']', '}' -> {
          depth--;
          i++;
        }
        case ')' -> {
          if (depth == 0) {
            return i;
          }
          depth--;
          i++;
        }
        default -> i++;
      }
    }
    return -1;
  }
  /** Byte twin of {@link StraceText#skipDecoration}: the index just past the closing '>'. */
  static int skipDecoration(byte[] b, int open, int n) {
    int i = open + 1;
    if (i < n && b[i] == '/') {
      while (i < n) {
        byte c = b[i];
        if (c == '\\') {
          i += 2;
        } else if (c == '<') {
          while (i < n && b[i] != '>') {
            i++;
          }
          i++;
        } else if (c == '>') {
          return i + 1;
        } else {
          i++;
        }
      }
      return n;
    }
    int depth = 0;
    while (i < n) {
      byte c = b[i];
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        i++;
        while (i < n && b[i] != '"') {
          i += b[i] == '\\' ? 2 : 1;
        }
        i++;
      } else {
        if (c == '[') {
          depth++;
        } else if (c == ']') {
          depth--;
        } else if (c == '>' && depth <= 0) {
          return i + 1;
        }
        i++;
      }
    }
    return n;
  }
  static int skipSpaces(byte[] b, int n, int i) {
    while (i < n && b[i] == ' ') {
      i++;
    }
    return i;
  }
  /** Skips {@code 12:34:56}, {@code 12:34:56.123456} or {@code 1700000000.123456} and spaces. */
  static int skipTimestamp(byte[] b, int n, int i) {
    int j = i;
    while (j < n && isDigit(b[j])) {
      j++;
    }
    if (j == i || j >= n || (b[j] != ':' && b[j] != '.')) {
      return i;
    }
    while (j < n && (isDigit(b[j]) || b[j] == ':' || b[j] == '.')) {
      j++;
    }
    if (j < n && b[j] == ' ') {
      return skipSpaces(b, n, j);
    }
    return i;
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
  static boolean startsWith(byte[] b, int n, int at, byte[] s) {
    if (at + s.length > n) {
      return false;
    }
    for (int k = 0; k < s.length; k++) {
      if (b[at + k] != s[k]) {
        return false;
      }
    }
    return true;
  }
  static boolean endsWith(byte[] b, int n, byte[] s) {
    return n >= s.length && startsWith(b, n, n - s.length, s);
  }
  static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
  static boolean isNameChar(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z') || c == '?';
  }
  static String latin1(byte[] b, int from, int to) {
    return new String(b, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }
}
