package dev.tailor.tracer;

import java.nio.charset.StandardCharsets;

/**
 * The one text form of a path above the parser: printable ASCII as itself, every other byte and the
 * characters {@code \ ` |} as {@code \xHH}. It is lossless (any byte but NUL may appear in a file
 * name), safe to print on one line of a report, and {@code /} is never escaped, so path operations
 * work on it directly.
 */
public final class PathText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PathText() {}

  /** Escapes raw bytes held one per char (each char 0..255). */
  public static String escape(CharSequence bytes) {
    StringBuilder out = null;
    int n = bytes.length();
    for (int i = 0; i < n; i++) {
      char c = bytes.charAt(i);
      if (keeps(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n + 8);
        out.append(bytes, 0, i);
      }
      if (c > 0xff) {
        throw new IllegalArgumentException("not a byte string: char " + (int) c);
      }
      out.append('\\').append('x').append(HEX[c >> 4]).append(HEX[c & 0xf]);
    }
    return out == null ? bytes.toString() : out.toString();
  }

  /** Escapes raw bytes. */
  public static String escape(byte[] bytes) {
    return escape(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  /** The exact bytes an escaped path stands for. */
  public static byte[] toBytes(String escaped) {
    byte[] out = new byte[escaped.length()];
    int o = 0;
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\' && i + 3 < escaped.length() && escaped.charAt(i + 1) == 'x') {
        out[o++] = (byte) Integer.parseInt(escaped.substring(i + 2, i + 4), 16);
        i += 3;
      } else {
        out[o++] = (byte) c;
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }

  private static boolean keeps(char c) {
    return c >= 0x20 && c <= 0x7e && c != '\\' && c != '`' && c != '|';
  }
}
