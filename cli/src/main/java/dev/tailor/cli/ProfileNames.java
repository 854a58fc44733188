package dev.tailor.cli;

import java.util.ArrayList;
import java.util.List;

/** Default profile names, restricted to {@code [A-Za-z0-9._-]}. */
final class ProfileNames {
  private ProfileNames() {}

  /**
   * {@code python3 app.py} gives {@code python3-app}; {@code sh samples/x/run.sh -v} gives {@code
   * sh-run}: the program's base name and the first argument that is not an option.
   */
  static String fromCommand(List<String> command) {
    List<String> parts = new ArrayList<>();
    parts.add(baseName(command.get(0)));
    for (int i = 1; i < command.size(); i++) {
      String a = command.get(i);
      if (!a.startsWith("-") && !a.isEmpty()) {
        String b = baseName(a);
        int dot = b.lastIndexOf('.');
        parts.add(dot > 0 ? b.substring(0, dot) : b);
        break;
      }
    }
    return sanitize(String.join("-", parts));
  }

  static String baseName(String path) {
    String p = path;
    while (p.endsWith("/") && p.length() > 1) {
      p = p.substring(0, p.length() - 1);
    }
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Keeps {@code [A-Za-z0-9._-]}, turns runs of anything else into one '-', never empty. */
  static String sanitize(String raw) {
    StringBuilder b = new StringBuilder();
    boolean dash = false;
    for (int i = 0; i < raw.length() && b.length() < 64; i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (ok) {
        b.append(c);
        dash = false;
      } else if (!dash && b.length() > 0) {
        b.append('-');
        dash = true;
      }
    }
    String s = b.toString().replaceAll("^[.-]+", "").replaceAll("[-]+$", "");
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "workload" : s;
  }
}
