package dev.tailor.generator.apparmor;

import dev.tailor.tracer.PathText;
import java.util.regex.Pattern;

/**
 * A path as it goes between the quotes of an AppArmor rule: bytes of observed names outside {@code
 * [A-Za-z0-9/._-]} as {@code \xHH}, so apparmor_parser reads them as literals (a {@code \x2a} is a
 * literal star), and only the glob tokens the generator adds ({@code *}, {@code **}, {@code ?},
 * {@code @{PROC}}, {@code @{pid}}, {@code @{tid}}, and a final {@code {,*}} or {@code {,**}} that
 * adds the folder itself to a glob over its entries) raw.
 *
 * @param text the escaped form, checked to hold nothing else
 */
public record PathPattern(String text) {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  // Every token a pattern may hold; anything else is refused, so no caller can smuggle a raw
  // quote, comma, brace or newline into a rule.
  private static final Pattern SHAPE =
      Pattern.compile(
          "(?:[A-Za-z0-9/._-]|\\\\x[0-9a-f]{2}|\\*\\*?|\\?|@\\{(?:PROC|pid|tid)\\})+(?:/\\{,\\*\\*?\\})?");

  public PathPattern {
    if (!SHAPE.matcher(text).matches() || !(text.startsWith("/") || text.startsWith("@{PROC}"))) {
      throw new IllegalArgumentException("not a safe AppArmor path pattern: " + text);
    }
  }

  /** The pattern that matches exactly the path given in {@link PathText} form. */
  public static PathPattern literal(String pathText) {
    return new PathPattern(escape(pathText));
  }

  /** The escaped form of the bytes a {@link PathText} stands for, with no glob in it. */
  static String escape(String pathText) {
    byte[] bytes = PathText.toBytes(pathText);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isSafe(c)) {
        out.append((char) c);
      } else {
        out.append('\\').append('x').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean isSafe(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '/'
        || c == '.'
        || c == '_'
        || c == '-';
  }

  /** Whether the pattern holds a glob or a variable, so it may match more than one path. */
  public boolean isGlob() {
    return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('@') >= 0;
  }

  /** The pattern as written in a profile: in double quotes. */
  public String quoted() {
    return '"' + text + '"';
  }
}
