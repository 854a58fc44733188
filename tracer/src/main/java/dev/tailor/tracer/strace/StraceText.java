package dev.tailor.tracer.strace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the pieces of strace's argument text: quoted strings with C escapes, top-level argument
 * lists, and {@code -yy} decorations ({@code 3</etc/passwd>}, {@code AT_FDCWD</home>}, {@code
 * 4<TCP:[127.0.0.1:80->127.0.0.1:5000]>}). All text is one char per byte (ISO-8859-1), so decoded
 * values are the exact bytes the kernel saw.
 */
public final class StraceText {
  private StraceText() {}

  /** A backslash and, when it is one strace writes, the rest of its escape (group 1). */
  private static final Pattern ESCAPE =
      Pattern.compile("\\\\(x\\p{XDigit}{2}|[ntrvfabe\\\\\"0-7])?");

  /** The one-letter escapes strace writes, and (at the same index) what each stands for. */
  private static final String LETTERS = "ntrvfabe\\\"";

  private static final String LETTER_VALUES = "\n\t\r\013\f\007\b\033\\\"";

  /**
   * Splits an argument list at its top-level commas: commas inside quotes, brackets, braces,
   * parentheses and decorations do not split.
   */
  public static List<String> splitArgs(String args) {
    List<String> out = new ArrayList<>(6);
    int start = 0;
    for (int comma = topLevel(args, 0, ','); comma >= 0; comma = topLevel(args, start, ',')) {
      out.add(args.substring(start, comma).trim());
      start = comma + 1;
    }
    String last = args.substring(start).trim();
    if (!last.isEmpty() || !out.isEmpty()) {
      out.add(last);
    }
    return out;
  }

  /**
   * The index of the first {@code stop} at the top level of {@code s} from {@code from}, or -1: one
   * inside quotes, brackets, braces, parentheses or a decoration does not count.
   */
  static int topLevel(CharSequence s, int from, char stop) {
    int n = s.length();
    int depth = 0;
    int i = from;
    while (i < n) {
      char c = s.charAt(i);
      if (c == stop && depth == 0) {
        return i;
      }
      switch (c) {
        case '"' -> i = skipQuoted(s, i);
        // "1<<CAP_CHOWN" (capget, capset) is a shift, not a -yy decoration.
        case '<' -> i = i + 1 < n && s.charAt(i + 1) == '<' ? i + 2 : skipDecoration(s, i);
        case '(', '[', '{' -> {
          depth++;
          i++;
        }
        case ')', ']', '}' -> {
          depth--;
          i++;
        }
        default -> i++;
      }
    }
    return -1;
  }

  /** The index just past the closing quote of the string starting at {@code open}. */
  static int skipQuoted(CharSequence s, int open) {
    int i = open + 1;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * The index just past the {@code >} closing the decoration opened at {@code open}. A path
   * decoration ({@code </etc/passwd>}, {@code </dev/null<char 1:3>>}) has its own {@code <>}
   * escaped, so its first raw {@code >} (after any nested device part) closes it; any other kind
   * ({@code <TCP:[1.2.3.4:5->6.7.8.9:10]>}, {@code <UNIX-STREAM:[1->2,"/run/s"]>}) may hold a raw
   * {@code ->} inside its brackets.
   */
  public static int skipDecoration(CharSequence s, int open) {
    int end = decorationEnd(s, open);
    return end < 0 ? s.length() : end;
  }

  /** As {@link #skipDecoration}, but -1 when the text ends before the closing {@code >}. */
  static int decorationEnd(CharSequence s, int open) {
    int n = s.length();
    int i = open + 1;
    if (i < n && s.charAt(i) == '/') {
      for (i = rawAngle(s, i); i < n && s.charAt(i) == '<'; i = rawAngle(s, i)) {
        // A device part (</dev/null<char 1:3>>) runs to its own '>'.
        while (i < n && s.charAt(i) != '>') {
          i++;
        }
        i++;
      }
      return i < n ? i + 1 : -1;
    }
    int depth = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        i = skipQuoted(s, i);
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
    return -1;
  }

  /**
   * The index of the first {@code <} or {@code >} from {@code i} not escaped; the length or more if
   * none.
   */
  private static int rawAngle(CharSequence s, int i) {
    while (i < s.length() && s.charAt(i) != '<' && s.charAt(i) != '>') {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    return i;
  }

  /**
   * Decodes a quoted strace string ({@code "a\"b\n\377"}) to its bytes. Returns empty when the
   * token is not a quoted string (a pointer such as {@code 0x7ffc...} or {@code NULL}).
   */
  public static Optional<String> unquote(String token) {
    if (token.isEmpty() || token.charAt(0) != '"') {
      return Optional.empty();
    }
    return Optional.of(unescape(token, 1, skipQuoted(token, 0) - 1));
  }

  /** Whether a quoted token was shortened by strace ({@code "abc"...}). */
  public static boolean isTruncated(String token) {
    return token.endsWith("\"...");
  }

  /**
   * Whether every backslash in {@code s} starts an escape strace writes ({@code \\ \" \n \t \r \v
   * \f \a \b \e}, octal {@code \NNN}, {@code -x}'s {@code \xHH}). A line with any other is not
   * understood: decoding it by guessing would give a path that appears nowhere in the log.
   */
  public static boolean decodable(String s) {
    if (s.indexOf('\\') < 0) {
      return true;
    }
    Matcher m = ESCAPE.matcher(s);
    while (m.find()) {
      if (m.group(1) == null) {
        return false;
      }
    }
    return true;
  }

  /** Decodes C escapes in {@code s[from, to)}; an escape strace never writes is an error. */
  static String unescape(CharSequence s, int from, int to) {
    StringBuilder out = null;
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 >= to) {
        throw new IllegalArgumentException("a backslash ends the text");
      }
      if (c != '\\') {
        if (out != null) {
          out.append(c);
        }
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(to - from);
        out.append(s, from, i);
      }
      char e = s.charAt(i + 1);
      i += 2;
      if (LETTERS.indexOf(e) >= 0) {
        out.append(LETTER_VALUES.charAt(LETTERS.indexOf(e)));
      } else if (e == 'x') {
        if (i + 2 > to
            || !HexFormat.isHexDigit(s.charAt(i))
            || !HexFormat.isHexDigit(s.charAt(i + 1))) {
          throw new IllegalArgumentException("\\x without two hex digits");
        }
        out.append((char) HexFormat.fromHexDigits(s, i, i + 2));
        i += 2;
      } else if (e >= '0' && e <= '7') {
        int v = e - '0';
        int k = 1;
        while (k < 3 && i < to && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
          v = v * 8 + (s.charAt(i) - '0');
          i++;
          k++;
        }
        out.append((char) (v & 0xff));
      } else {
        throw new IllegalArgumentException("unknown escape \\" + e);
      }
    }
    return out == null ? s.subSequence(from, to).toString() : out.toString();
  }

  /**
   * The text inside the first decoration of a token ({@code 3</a/b<char 1:3>>} gives {@code /a/b}),
   * decoded; empty when the token has none.
   */
  public static Optional<String> decoration(String token) {
    int open = token.indexOf('<');
    if (open < 0) {
      return Optional.empty();
    }
    int n = token.length();
    int i = open + 1;
    if (i < n && token.charAt(i) == '/') {
      // An fd whose file was unlinked reads back from /proc as "PATH (deleted)"; that suffix is
      // kept, since a file may really be named so and stripping it would grant another file.
      return Optional.of(unescape(token, i, Math.min(rawAngle(token, i), n)));
    }
    // Without its closing '>' (or a last '>' that does not close it), the text runs to the end.
    int close = decorationEnd(token, open);
    int end = close >= 0 ? close - 1 : token.endsWith(">") ? n - 1 : n;
    return Optional.of(token.substring(i, end));
  }

  /** The decorated path of an fd token, when the decoration is a path (starts with '/'). */
  public static Optional<String> decoratedPath(String token) {
    return decoration(token).filter(d -> d.startsWith("/"));
  }

  /**
   * The value of {@code key=...} inside a struct token such as {@code {sa_family=AF_INET, ...}}.
   */
  public static Optional<String> field(String struct, String key) {
    int s = struct.indexOf('{');
    if (s < 0) {
      return Optional.empty();
    }
    int e = struct.lastIndexOf('}');
    String inner = struct.substring(s + 1, e > s ? e : struct.length());
    String prefix = key + "=";
    return splitArgs(inner).stream()
        .filter(part -> part.startsWith(prefix))
        .findFirst()
        .map(part -> part.substring(prefix.length()));
  }

  /** Whether a flags token ({@code O_WRONLY|O_CREAT}) contains the flag. */
  public static boolean hasFlag(String flags, String flag) {
    for (int at = flags.indexOf(flag); at >= 0; at = flags.indexOf(flag, at + flag.length())) {
      int end = at + flag.length();
      if ((at == 0 || !isFlagChar(flags.charAt(at - 1)))
          && (end == flags.length() || !isFlagChar(flags.charAt(end)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFlagChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'a' && c <= 'z');
  }

  /** Printable ASCII form of raw text for messages: other bytes become {@code ?}, capped. */
  public static String printable(CharSequence raw, int max) {
    StringBuilder b = new StringBuilder(Math.min(raw.length(), max));
    for (int i = 0; i < raw.length() && b.length() < max; i++) {
      char c = raw.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
