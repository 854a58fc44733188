package dev.tailor.generator.apparmor;

import dev.tailor.tracer.PathText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AppArmor's path glob semantics as a Java regex over bytes (one char per byte): {@code *} any
 * bytes but {@code /} within one component, {@code **} any bytes, {@code ?} one byte but {@code /},
 * {@code [...]} classes, {@code {a,b}} alternation, {@code \xHH} and {@code \c} literals, and the
 * variables of Debian's tunables that the generator and the abstractions it reads use.
 *
 * <p>As apparmor_parser does, a {@code *} or {@code **} right after a {@code /} needs at least one
 * byte that is not {@code /}: {@code /a/*} does not match {@code /a/}.
 */
final class AppArmorGlob {
  private static final String PID =
      "{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],"
          + "[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}";

  // Values as in Debian 12's /etc/apparmor.d/tunables, without their trailing '/': every use is
  // followed by '/', and the parser's own slash folding is not worth copying for that.
  private static final Map<String, String> VARIABLES =
      Map.ofEntries(
          Map.entry("PROC", "/proc"),
          Map.entry("pid", PID),
          Map.entry("pids", PID),
          Map.entry("tid", PID),
          Map.entry("sys", "/sys"),
          Map.entry("run", "{/run,/var/run}"),
          Map.entry("etc_ro", "{/etc,/usr/etc}"),
          Map.entry("etc_rw", "/etc"),
          Map.entry("HOMEDIRS", "/home"),
          Map.entry("HOME", "{/home/*,/root}"),
          Map.entry("multiarch", "*-linux-gnu*"));

  private final String glob;
  private final Pattern regex;

  private AppArmorGlob(String glob, Pattern regex) {
    this.glob = glob;
    this.regex = regex;
  }

  /** Compiles a rule's path (unquoted, or the text between the quotes). */
  static AppArmorGlob compile(String glob) {
    String expanded = expand(glob, 0);
    return new AppArmorGlob(glob, Pattern.compile(toRegex(expanded), Pattern.DOTALL));
  }

  /** Whether the glob matches the path, given in {@link PathText} form. */
  boolean matches(String pathText) {
    return matchesBytes(new String(PathText.toBytes(pathText), StandardCharsets.ISO_8859_1));
  }

  /** Whether the glob matches the path, given as bytes held one per char. */
  boolean matchesBytes(String bytes) {
    return regex.matcher(bytes).matches();
  }

  String glob() {
    return glob;
  }

  private static String expand(String glob, int depth) {
    if (depth > 8) {
      throw new IllegalArgumentException("variables nest too deep in " + glob);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length()) {
        out.append(c).append(glob.charAt(++i));
      } else if (c == '@' && i + 1 < glob.length() && glob.charAt(i + 1) == '{') {
        int end = glob.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed variable in " + glob);
        }
        String name = glob.substring(i + 2, end);
        String value = VARIABLES.get(name);
        if (value == null) {
          throw new IllegalArgumentException("unknown variable @{" + name + "} in " + glob);
        }
        out.append(expand(value, depth + 1));
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String toRegex(String g) {
    StringBuilder re = new StringBuilder();
    int braces = 0;
    char prev = 0;
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 >= g.length()) {
            throw new IllegalArgumentException("trailing backslash in " + g);
          }
          char n = g.charAt(++i);
          int lit;
          if (n == 'x') {
            lit = Integer.parseInt(g.substring(i + 1, i + 3), 16);
            i += 2;
          } else {
            lit = n;
          }
          literal(re, lit);
          // apparmor_parser turns \x2f into a plain '/' before it reads globs, so it counts here
          prev = (char) lit;
          continue;
        }
        case '*' -> {
          boolean dbl = i + 1 < g.length() && g.charAt(i + 1) == '*';
          if (dbl) {
            i++;
          }
          String any = dbl ? "[^\\x00]*" : "[^/\\x00]*";
          re.append(prev == '/' ? "[^/\\x00]" + any : any);
        }
        case '?' -> re.append("[^/\\x00]");
        case '[' -> {
          int end = g.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed [ in " + g);
          }
          re.append('[');
          int j = i + 1;
          if (g.charAt(j) == '^') {
            re.append('^');
            j++;
          }
          for (; j < end; j++) {
            char k = g.charAt(j);
            if (k == '-' && j > i + 1 && j + 1 < end) {
              re.append('-');
            } else if (k == '\\' && g.charAt(j + 1) == 'x') {
              re.append(String.format("\\x{%s}", g.substring(j + 2, j + 4)));
              j += 3;
            } else {
              re.append(String.format("\\x{%x}", (int) k));
            }
          }
          re.append(']');
          i = end;
        }
        case '{' -> {
          braces++;
          re.append("(?:");
        }
        case '}' -> {
          if (braces == 0) {
            throw new IllegalArgumentException("unbalanced } in " + g);
          }
          braces--;
          re.append(')');
        }
        case ',' -> {
          if (braces > 0) {
            re.append('|');
          } else {
            literal(re, ',');
          }
        }
        default -> literal(re, c);
      }
      prev = c;
    }
    if (braces != 0) {
      throw new IllegalArgumentException("unbalanced { in " + g);
    }
    return re.toString();
  }

  private static void literal(StringBuilder re, int c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/') {
      re.append((char) c);
    } else {
      re.append(String.format("\\x{%x}", c));
    }
  }
}
