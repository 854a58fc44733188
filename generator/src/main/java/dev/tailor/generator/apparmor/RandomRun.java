package dev.tailor.generator.apparmor;

import dev.tailor.tracer.PathText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The random part of one file name seen in one run, judged by its shape alone: a run of the length
 * temporary-name makers draw (mkstemp 6, Python's tempfile 8 of {@code [a-z0-9_]}, mktemp 10,
 * hashes longer) that {@link LetterPairs} finds likelier random than chosen, between fixed parts
 * that look chosen; a process id; a UUID; a long random number. Everything else stays literal: a
 * word with a number ({@code learn1}) is a name someone picked.
 */
final class RandomRun {
  /** Lengths of random runs, in the order they are tried after the whole run and Python's 8. */
  static final int[] LENGTHS = {6, 8, 10, 12, 16, 20, 32, 40, 64};

  /** Evidence a single name needs: this many bits per character likelier random than chosen. */
  static final double SINGLE_RUN_BITS = 1.0;

  /**
   * Evidence a name the run made and removed needs. Measured on 5,000 names of Python's tempfile: 1
   * bit per character leaves 7.6% of them literal, 0.25 bits 1.2%; of this machine's fixed names
   * 0.25 bits would take 7.7% as random, where 1 bit takes 1.7% (few fixed names are removed
   * again).
   */
  static final double SHORT_LIVED_BITS = 0.25;

  /**
   * Bits (negative: likelier chosen) at or below which a part is never a maker's draw by its shape
   * ({@link #drawn}). Measured on 20,000 draws of [A-Za-z0-9] each: of 6 characters 0.16% stayed
   * literal without a floor and 0.39% with this one, of 10 characters 0% and 0.03%; capitalised
   * English words score -4.3 to -25 (Config -14.5, PostgreSQL -7.5, TypeScript -4.3).
   */
  static final double DRAWN_FLOOR = -3.0;

  /** Characters a random run is drawn from (mkstemp's and Python's alphabets together). */
  static boolean isRandomChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  static boolean isLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /** Whether {@code part} is drawn from Python's tempfile alphabet, {@code [a-z0-9_]}. */
  static boolean isPython(String part) {
    return part.chars().allMatch(c -> (c >= 'a' && c <= 'z') || isDigit(c) || c == '_');
  }

  /** A process id as the kernel gives them (pid_max is at most 4194304). */
  static boolean isPid(String digits) {
    return number(digits, 1, 7);
  }

  /** Whether {@code s} is a number of {@code min} to {@code max} digits without a leading zero. */
  private static boolean number(String s, int min, int max) {
    return s.length() >= min
        && s.length() <= max
        && s.charAt(0) != '0'
        && s.chars().allMatch(RandomRun::isDigit);
  }

  /**
   * Random numbers (Java's createTempFile, Go's CreateTemp) have nine digits or more; pids fewer.
   */
  static final int LONG_NUMBER = 9;

  private static final Pattern UUID =
      Pattern.compile(
          "(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])");

  private RandomRun() {}

  /**
   * The name as a pattern (escaped, as {@link PathPattern} holds it) when a part of it is random.
   */
  static Optional<String> pattern(String raw) {
    return pattern(raw, SINGLE_RUN_BITS);
  }

  /** As {@link #pattern(String)}, with the evidence a random run needs, in bits per character. */
  static Optional<String> pattern(String raw, double bitsPerChar) {
    return pattern(raw, bitsPerChar, true, false);
  }

  /**
   * The pattern of a name the run made and removed (see {@link NamePatterns}): the numbers at
   * {@code pidAt} (where the creating process's pid stood) become {@code @{pid}}, and the parts
   * around them are judged as short-lived names are, but a number is taken for a pid only there,
   * never by its shape; beside a pid, a random run needs a single name's evidence. Empty when no
   * part varies.
   */
  static Optional<String> madeAndGone(String raw, java.util.SortedSet<Integer> pidAt) {
    StringBuilder out = new StringBuilder();
    boolean varies = false;
    int from = 0;
    for (int at : pidAt) {
      // Offsets come from recording.json: only a whole number of a pid's shape at a place not yet
      // passed.
      if (at < from || at >= raw.length() || (at > 0 && isDigit(raw.charAt(at - 1)))) {
        continue;
      }
      int end = at;
      while (end < raw.length() && isDigit(raw.charAt(end))) {
        end++;
      }
      if (!isPid(raw.substring(at, end))) {
        continue;
      }
      out.append(part(raw.substring(from, at))).append("@{pid}");
      from = end;
      varies = true;
    }
    // Beside a pid, the rest is mostly a chosen word (xlogtemp.): judged on a single name's
    // evidence.
    Optional<String> rest =
        pattern(raw.substring(from), varies ? SINGLE_RUN_BITS : SHORT_LIVED_BITS, false, !varies);
    if (rest.isEmpty() && !varies) {
      return Optional.empty();
    }
    return Optional.of(out.append(rest.orElse(literal(raw.substring(from)))).toString());
  }

  private static String part(String raw) {
    return pattern(raw, SINGLE_RUN_BITS, false, false).orElse(literal(raw));
  }

  /**
   * As {@link #pattern(String, double)}; {@code shapePids}: whether a number is taken for a pid by
   * its shape alone (a pid file's {@code 4242.pid}); {@code lifeProven}: whether the run made the
   * name and removed it, so that a maker's draw is random by its shape (see {@link #drawn}).
   */
  private static Optional<String> pattern(
      String raw, double bitsPerChar, boolean shapePids, boolean lifeProven) {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    if (shapePids && isPid(raw)) {
      return Optional.of("@{pid}");
    }
    int dot = raw.lastIndexOf('.');
    String base = raw;
    String ext = "";
    if (dot > 0
        && raw.length() - dot <= 6
        && raw.length() - dot > 1
        && raw.substring(dot + 1).chars().allMatch(c -> isLetter(c) || isDigit(c))) {
      base = raw.substring(0, dot);
      ext = raw.substring(dot);
    }
    // A pid file: 4242.pid, 4242.lock.
    if (shapePids && !ext.isEmpty() && number(base, 3, 7)) {
      return Optional.of("@{pid}" + literal(ext));
    }
    Matcher uuid = UUID.matcher(base);
    if (uuid.find()) {
      return Optional.of(
          literal(base.substring(0, uuid.start()))
              + "????????-????-????-????-????????????"
              + literal(base.substring(uuid.end()) + ext));
    }
    List<int[]> tokens = tokens(base);
    for (int k = tokens.size() - 1; k >= 0; k--) {
      int a = tokens.get(k)[0];
      int b = tokens.get(k)[1];
      String run = base.substring(a, b);
      int digits = run.length();
      while (digits > 0 && isDigit(run.charAt(digits - 1))) {
        digits--;
      }
      while (digits < run.length() && run.charAt(digits) == '0') {
        digits++;
      }
      // prefix + a random number of any length: '*', as long as a fixed part stays beside it
      if (run.length() - digits >= LONG_NUMBER
          && (a + digits > 0 || b < base.length() || !ext.isEmpty())) {
        return Optional.of(
            literal(base.substring(0, a + digits)) + "*" + literal(base.substring(b) + ext));
      }
      int[] w = window(run, bitsPerChar, lifeProven);
      if (w != null) {
        List<Replaced> parts = new ArrayList<>();
        // a pid beside the random part (pid plus hash: build-4242-Xa8bc3DE)
        if (shapePids && k > 0 && pidToken(base, tokens.get(k - 1))) {
          parts.add(new Replaced(tokens.get(k - 1)[0], tokens.get(k - 1)[1], "@{pid}"));
        }
        parts.add(new Replaced(a + w[0], a + w[0] + w[1], "?".repeat(w[1])));
        if (shapePids && k + 1 < tokens.size() && pidToken(base, tokens.get(k + 1))) {
          parts.add(new Replaced(tokens.get(k + 1)[0], tokens.get(k + 1)[1], "@{pid}"));
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (Replaced r : parts) {
          out.append(literal(base.substring(from, r.start()))).append(r.glob());
          from = r.end();
        }
        return Optional.of(out.append(literal(base.substring(from) + ext)).toString());
      }
    }
    return Optional.empty();
  }

  private static boolean pidToken(String base, int[] token) {
    return token[1] - token[0] >= 2 && isPid(base.substring(token[0], token[1]));
  }

  /** A part of a name, [start, end), and the glob written for it. */
  private record Replaced(int start, int end, String glob) {}

  /** Maximal runs of {@link #isRandomChar} characters, as [start, end). */
  static List<int[]> tokens(String s) {
    List<int[]> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      if (!isRandomChar(s.charAt(i))) {
        i++;
        continue;
      }
      int j = i;
      while (j < s.length() && isRandomChar(s.charAt(j))) {
        j++;
      }
      out.add(new int[] {i, j});
      i = j;
    }
    return out;
  }

  /**
   * Where the random part of {@code run} lies, as {start, length}, or null: the first window, in
   * the order tried, that looks random and leaves fixed parts that look chosen.
   */
  private static int[] window(String run, double bitsPerChar, boolean lifeProven) {
    int n = run.length();
    List<int[]> tried = new ArrayList<>();
    // The whole run first (when makers draw that many), then Python's 8, then the rest.
    List<Integer> lengths = new ArrayList<>();
    for (int t : LENGTHS) {
      if (t == n) {
        lengths.add(t);
      }
    }
    lengths.add(8);
    for (int t : LENGTHS) {
      lengths.add(t);
    }
    for (int t : lengths.stream().distinct().toList()) {
      if (t > n) {
        continue;
      }
      for (int s = n - t; s >= 0; s--) {
        tried.add(new int[] {s, t});
      }
    }
    for (int[] w : tried) {
      String part = run.substring(w[0], w[0] + w[1]);
      boolean python = isPython(part);
      // Python draws 8 of [a-z0-9_]; mkstemp and mktemp draw from [A-Za-z0-9], no '_'.
      if ((w[1] == 8 && !python) || (w[1] != 8 && part.indexOf('_') >= 0)) {
        continue;
      }
      boolean glued = w[0] > 0 && isLetter(run.charAt(w[0] - 1)) && isLetter(part.charAt(0));
      // mkstemp's 6 and mktemp's 10 are nearly always mixed case: lower case glued to a word is the
      // word.
      if (glued && w[1] != 8 && w[1] <= 10 && part.chars().noneMatch(c -> c >= 'A' && c <= 'Z')) {
        continue;
      }
      if ((looksRandom(part, bitsPerChar) || (lifeProven && drawn(part)))
          && fixedBefore(run.substring(0, w[0]), glued)
          && fixedAfter(run.substring(w[0] + w[1]))) {
        return w;
      }
    }
    return null;
  }

  /**
   * Whether a part has the shape of a draw by mkstemp (6) or mktemp (10) from {@code [A-Za-z0-9]}:
   * that length, and at least two of lower case, upper case and digits. Taken as random only for a
   * name whose life proves it temporary: letter pairs leave about 1 in 80 of mktemp's draws literal
   * even then ({@code tmp.ffazp770FT}), and a single-class draw (about 1 in 3,000 of mktemp's)
   * still needs them. A part letter pairs find clearly chosen ({@link #DRAWN_FLOOR}) is not a draw
   * whatever its classes: a capitalised word ({@code Config}) or two ({@code PostgreSQL}, whose
   * {@code PostgreSQL.1985318} in /dev/shm became {@code ??????????.1985318}).
   */
  static boolean drawn(String part) {
    if ((part.length() != 6 && part.length() != 10)
        || !part.chars().allMatch(c -> isLetter(c) || isDigit(c))
        || LetterPairs.randomBits(part) <= DRAWN_FLOOR) {
      return false;
    }
    boolean lower = part.chars().anyMatch(c -> c >= 'a' && c <= 'z');
    boolean upper = part.chars().anyMatch(c -> c >= 'A' && c <= 'Z');
    boolean digit = part.chars().anyMatch(RandomRun::isDigit);
    return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2;
  }

  /**
   * Whether a part of a name is likelier random than chosen by {@code bitsPerChar} per character.
   */
  static boolean looksRandom(String part, double bitsPerChar) {
    return part.length() >= 6
        && part.chars().anyMatch(RandomRun::isLetter)
        && LetterPairs.randomBits(part) > bitsPerChar * part.length();
  }

  /** The fixed part before a random run: a short lower-case word glued to it, or a chosen word. */
  private static boolean fixedBefore(String s, boolean glued) {
    if (glued && !s.endsWith("_")) {
      return s.length() <= 5 && s.chars().allMatch(c -> c >= 'a' && c <= 'z');
    }
    return chosen(s);
  }

  /**
   * The fixed part after a random run, inside the same run of characters: '_' and a chosen word.
   */
  private static boolean fixedAfter(String s) {
    return s.isEmpty() || (s.startsWith("_") && chosen(s));
  }

  private static boolean chosen(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '_') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '_') {
      to--;
    }
    String t = s.substring(from, to);
    if (t.isEmpty()) {
      return true;
    }
    // Words joined by '_' (git's tmp_obj_, tmp_pack_): each a chosen word.
    for (String word : t.split("_", -1)) {
      if (word.isEmpty()
          || !word.chars().allMatch(RandomRun::isLetter)
          || (word.length() > 3 && LetterPairs.randomBits(word) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Raw bytes (one per char) as the escaped literal text of a pattern. */
  static String literal(String raw) {
    return PathPattern.escape(PathText.escape(raw));
  }
}
