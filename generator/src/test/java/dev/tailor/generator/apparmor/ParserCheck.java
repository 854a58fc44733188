package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code apparmor_parser}: checks profiles with {@code -Q -K -T}, and reads the DFA
 * it compiles ({@code -D dfa-states}) so tests can ask which paths a profile's rules really grant.
 * Public for the cli module's tests, which get it through this module's test-jar.
 */
public final class ParserCheck {
  private static final Path PARSER = findParser();

  private ParserCheck() {}

  private static Path findParser() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "apparmor_parser");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  public static void assumeParser() {
    assumeTrue(PARSER != null, "apparmor_parser is not installed (Debian package apparmor)");
  }

  record Result(int exit, String output) {}

  /** The installed parser's version ("3.0.8"), from {@code apparmor_parser --version}. */
  public static String version() throws IOException, InterruptedException {
    assumeParser();
    Result r = run(List.of("--version"));
    Matcher m = Pattern.compile("version (\\S+)").matcher(r.output());
    assertTrue(r.exit() == 0 && m.find(), () -> "apparmor_parser --version said: " + r.output());
    return m.group(1);
  }

  private static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PARSER.toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("apparmor_parser did not finish: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
  }

  /** Asserts that apparmor_parser accepts every profile text, running it once for all. */
  public static void assertParse(List<String> profiles) throws IOException, InterruptedException {
    assumeParser();
    Path dir = Files.createTempDirectory("tailor-aa");
    try {
      List<String> args = new ArrayList<>(List.of("-Q", "-K", "-T"));
      for (int i = 0; i < profiles.size(); i++) {
        Path f = dir.resolve("p" + i);
        Files.writeString(f, profiles.get(i), StandardCharsets.ISO_8859_1);
        args.add(f.toString());
      }
      Result r = run(args);
      Matcher m = Pattern.compile("error for \\S*/p(\\d+)").matcher(r.output());
      String failed =
          r.exit() == 0
              ? ""
              : m.find() ? profiles.get(Integer.parseInt(m.group(1))) : String.join("\n", profiles);
      assertEquals(0, r.exit(), () -> "apparmor_parser refused:\n" + r.output() + "\n" + failed);
    } finally {
      try (var s = Files.list(dir)) {
        for (Path f : s.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  /** The file DFA apparmor_parser compiles for one profile. */
  public static Dfa compile(String profile) throws IOException, InterruptedException {
    assumeParser();
    Path f = Files.createTempFile("tailor-aa", ".profile");
    try {
      Files.writeString(f, profile, StandardCharsets.ISO_8859_1);
      Result r = run(List.of("-Q", "-K", "-T", "-D", "dfa-states", f.toString()));
      assertEquals(0, r.exit(), () -> "apparmor_parser refused:\n" + r.output() + "\n" + profile);
      return Dfa.parse(r.output());
    } finally {
      Files.delete(f);
    }
  }

  /** A DFA as {@code -D dfa-states} prints it: explicit byte edges and an "otherwise" edge. */
  public static final class Dfa {
    private static final Pattern STATE = Pattern.compile("^\\{(\\d+)\\} perms: (.*)$");
    private static final Pattern EDGE = Pattern.compile("^    (.*?) -> \\{(\\d+)\\}(.*)$");
    private static final Pattern BYTE = Pattern.compile("^(?:.* )?0x([0-9a-f]+)$");

    final Map<Integer, int[]> next = new HashMap<>(); // state -> target per byte, 0 = none
    final BitSet accepting = new BitSet();

    static Dfa parse(String dump) {
      int headers = dump.split("\\{1\\} <== ", -1).length - 1;
      if (headers != 1) {
        throw new IllegalStateException("expected one DFA in the dump, found " + headers);
      }
      Dfa d = new Dfa();
      int state = -1;
      Map<Integer, int[]> explicit = new HashMap<>();
      for (String line : dump.split("\n")) {
        Matcher s = STATE.matcher(line);
        if (s.matches()) {
          state = Integer.parseInt(s.group(1));
          d.next.put(state, new int[256]);
          explicit.put(state, new int[256]);
          if (grants(s.group(2))) {
            d.accepting.set(state);
          }
          continue;
        }
        Matcher e = EDGE.matcher(line);
        if (state < 0 || !e.matches()) {
          continue;
        }
        int target = Integer.parseInt(e.group(2));
        // A state without edges has no "perms:" line of its own; the edge into it carries its
        // perms. (The list at the top numbers states in hex, the rest in decimal: not used.)
        if (grants(e.group(3))) {
          d.accepting.set(target);
        }
        String label = e.group(1);
        Matcher b = BYTE.matcher(label);
        if (b.matches() && !label.endsWith("]")) {
          int c = Integer.parseInt(b.group(1), 16);
          d.next.get(state)[c] = target;
          explicit.get(state)[c] = 1;
        } else {
          otherwise(d.next.get(state), explicit.get(state), label, target, line);
        }
      }
      return d;
    }

    private static final Pattern ALLOW = Pattern.compile("\\(0x ([0-9a-f]+)/");

    private static boolean grants(String perms) {
      Matcher a = ALLOW.matcher(perms);
      return a.find() && Long.parseLong(a.group(1), 16) != 0;
    }

    private static void otherwise(
        int[] row, int[] explicit, String label, int target, String line) {
      if (!label.endsWith("]")) {
        throw new IllegalStateException("unread edge: " + line);
      }
      boolean negated = label.startsWith("[^");
      String body = label.substring(negated ? 2 : 1, label.length() - 1);
      BitSet listed = new BitSet(256);
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == 'x') {
          int j = i + 2;
          while (j < body.length() && j < i + 4 && Character.digit(body.charAt(j), 16) >= 0) {
            j++;
          }
          listed.set(Integer.parseInt(body.substring(i + 2, j), 16));
          i = j - 1;
        } else {
          listed.set(c);
        }
      }
      if (!negated && !body.isEmpty()) {
        throw new IllegalStateException("unexpected positive default edge: " + line);
      }
      for (int c = 0; c < 256; c++) {
        if (explicit[c] == 0 && !listed.get(c)) {
          row[c] = target;
        }
      }
    }

    /** Whether the compiled rules grant something on the path, given as bytes one per char. */
    public boolean accepts(String bytes) {
      int s = 1;
      for (int i = 0; i < bytes.length(); i++) {
        int[] row = next.get(s);
        s = row == null ? 0 : row[bytes.charAt(i)];
        if (s == 0) {
          return false;
        }
      }
      return accepting.get(s);
    }

    /**
     * A path outside {@code prefix} (bytes one per char) that the rules grant something on, as a
     * description, or empty when every granted path starts with the prefix.
     */
    public String leakOutside(String prefix) {
      BitSet live = live();
      int s = 1;
      for (int i = 0; i < prefix.length(); i++) {
        if (accepting.get(s)) {
          return "grants the prefix part " + prefix.substring(0, i);
        }
        int[] row = next.get(s);
        if (row == null) {
          return "";
        }
        for (int c = 1; c < 256; c++) {
          if (c != prefix.charAt(i) && row[c] != 0 && live.get(row[c])) {
            return "grants paths starting "
                + prefix.substring(0, i)
                + "\\x"
                + Integer.toHexString(c);
          }
        }
        s = row[prefix.charAt(i)];
        if (s == 0) {
          return "";
        }
      }
      return "";
    }

    /**
     * Every path the rules grant, when they are finitely many (no glob): lets a test assert that a
     * literal rule grants exactly its one path and nothing a glob character could add.
     */
    public java.util.Set<String> language() {
      java.util.Set<String> out = new java.util.TreeSet<>();
      walk(1, new StringBuilder(), live(), out, 0);
      return out;
    }

    private void walk(
        int s, StringBuilder prefix, BitSet live, java.util.Set<String> out, int depth) {
      if (depth > 4096) {
        throw new IllegalStateException("the rules grant infinitely many paths");
      }
      if (accepting.get(s)) {
        out.add(prefix.toString());
      }
      int[] row = next.get(s);
      if (row == null) {
        return;
      }
      for (int c = 1; c < 256; c++) {
        if (row[c] != 0 && live.get(row[c])) {
          prefix.append((char) c);
          walk(row[c], prefix, live, out, depth + 1);
          prefix.setLength(prefix.length() - 1);
        }
      }
    }

    private BitSet live() {
      Map<Integer, List<Integer>> back = new HashMap<>();
      next.forEach(
          (from, row) -> {
            for (int c = 1; c < 256; c++) {
              if (row[c] != 0) {
                back.computeIfAbsent(row[c], x -> new ArrayList<>()).add(from);
              }
            }
          });
      BitSet live = new BitSet();
      ArrayDeque<Integer> todo = new ArrayDeque<>();
      accepting.stream().forEach(todo::add);
      while (!todo.isEmpty()) {
        int s = todo.pop();
        if (!live.get(s)) {
          live.set(s);
          todo.addAll(back.getOrDefault(s, List.of()));
        }
      }
      return live;
    }
  }

  /** A profile holding only the given file rules, so its DFA shows what they alone grant. */
  public static String rulesOnly(List<FileRule> rules) {
    StringBuilder s = new StringBuilder("abi <abi/3.0>,\ninclude <tunables/global>\nprofile t {\n");
    for (FileRule r : rules) {
      s.append("  ").append(AppArmorWriter.rule(r)).append('\n');
    }
    return s.append("}\n").toString();
  }
}
