package dev.tailor.generator.apparmor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Names of one folder that differ between runs, paired by their shape, and for each group the
 * narrowest glob that covers every run's name: parts equal in all of them stay literal, a number
 * that differs becomes {@code @{pid}} (or {@code *} when it is a long random number), and a run of
 * letters and digits that differs becomes one {@code ?} per character, widened to the length
 * temporary-name makers draw when a character or two happened to be equal.
 *
 * <p>Names pair only when they are cut alike (the same characters between as many runs of {@code
 * [A-Za-z0-9_]}) and each run is equal in all, or a number in all, or of one length in all: {@code
 * tmpab12CD.c} and {@code tmpXy9zQ1.c} pair, {@code learn1.out} and {@code learn2.out} do not (one
 * differing character is no random run), nor do {@code a.conf} and {@code b.conf}.
 */
final class RunDifference {
  /** A name and the runs that used it. */
  record Name(String raw, SortedSet<String> runs) {}

  /** How many characters a differing run may be widened by to reach a length makers draw. */
  private static final int MAX_WIDENING = 2;

  /** Larger groups of one shape are left to single-name judgement: pairing is quadratic. */
  private static final int MAX_GROUP = 256;

  /** Evidence a differing run needs outside temporary folders: likelier random than chosen. */
  static final double ACROSS_RUNS_BITS = 0.0;

  /** A pid across runs has three digits or more: smaller ones are counters (job-1, job-2). */
  private static final int PID_DIGITS = 3;

  private RunDifference() {}

  /**
   * A name cut into runs of {@code [A-Za-z0-9_]} (a long number after a word is a run of its own)
   * and what lies between them: {@code separators} has one more entry than {@code runs}.
   */
  private record Shape(Name name, List<String> runs, List<String> separators) {
    static Shape of(Name n) {
      String raw = n.raw();
      List<String> runs = new ArrayList<>();
      List<String> separators = new ArrayList<>();
      int from = 0;
      for (int[] t : RandomRun.tokens(raw)) {
        separators.add(raw.substring(from, t[0]));
        int digits = t[1];
        while (digits > t[0] && RandomRun.isDigit(raw.charAt(digits - 1))) {
          digits--;
        }
        // a long number after a word: Java's out4064891533805173690
        if (digits > t[0] && t[1] - digits >= RandomRun.LONG_NUMBER) {
          runs.add(raw.substring(t[0], digits));
          separators.add("");
          runs.add(raw.substring(digits, t[1]));
        } else {
          runs.add(raw.substring(t[0], t[1]));
        }
        from = t[1];
      }
      separators.add(raw.substring(from));
      return new Shape(n, runs, separators);
    }

    /** Names can pair only when they are cut alike: the same separators between as many runs. */
    String kind() {
      return String.join("\0", separators);
    }
  }

  /**
   * The glob of every name that pairs with a name of another run, by raw name. {@code temporary}:
   * the folder is one for temporary files or caches, where the difference alone is evidence enough;
   * elsewhere every differing run must also look random.
   */
  static Map<String, String> patterns(List<Name> names, boolean temporary) {
    TreeMap<String, List<Shape>> byKind = new TreeMap<>();
    names.stream()
        .sorted((x, y) -> x.raw().compareTo(y.raw()))
        .map(Shape::of)
        .forEach(s -> byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s));
    TreeMap<String, String> out = new TreeMap<>();
    for (List<Shape> group : byKind.values()) {
      if (group.size() < 2 || group.size() > MAX_GROUP) {
        continue;
      }
      List<List<Shape>> clusters = new ArrayList<>();
      for (Shape s : group) {
        List<Shape> home = null;
        for (List<Shape> c : clusters) {
          List<Shape> with = new ArrayList<>(c);
          with.add(s);
          if (glob(with, temporary).isPresent()) {
            home = c;
            break;
          }
        }
        if (home == null) {
          clusters.add(new ArrayList<>(List.of(s)));
        } else {
          home.add(s);
        }
      }
      for (List<Shape> c : clusters) {
        Set<String> runs = new HashSet<>();
        c.forEach(s -> runs.addAll(s.name().runs()));
        if (c.size() > 1 && runs.size() > 1) {
          String g = glob(c, temporary).orElseThrow();
          c.forEach(s -> out.put(s.name().raw(), g));
        }
      }
    }
    return out;
  }

  /**
   * The narrowest glob over names cut alike, or empty when they differ in more than random runs.
   */
  private static Optional<String> glob(List<Shape> shapes, boolean temporary) {
    Shape first = shapes.get(0);
    StringBuilder out = new StringBuilder();
    int globbed = 0;
    boolean numbers = false;
    boolean star = false;
    boolean fixed = false;
    for (int i = 0; i <= first.runs().size(); i++) {
      String separator = first.separators().get(i);
      out.append(RandomRun.literal(separator));
      fixed |= !separator.isEmpty();
      if (i == first.runs().size()) {
        break;
      }
      int k = i;
      List<String> parts = shapes.stream().map(s -> s.runs().get(k)).toList();
      String part = parts.get(0);
      if (parts.stream().allMatch(part::equals)) {
        out.append(RandomRun.literal(part));
        fixed = true;
        continue;
      }
      if (parts.stream().allMatch(p -> p.chars().allMatch(RandomRun::isDigit))) {
        if (parts.stream().allMatch(p -> RandomRun.isPid(p) && p.length() >= PID_DIGITS)) {
          out.append("@{pid}");
          numbers = true;
          continue;
        }
        if (parts.stream()
            .allMatch(p -> p.length() >= RandomRun.LONG_NUMBER && p.charAt(0) != '0')) {
          out.append('*');
          numbers = true;
          star = true;
          continue;
        }
      }
      if (parts.stream().anyMatch(p -> p.length() != part.length())) {
        return Optional.empty();
      }
      Optional<String> g = alike(parts, temporary);
      if (g.isEmpty()) {
        return Optional.empty();
      }
      out.append(g.get());
      globbed += (int) g.get().chars().filter(c -> c == '?').count();
      fixed |= g.get().chars().anyMatch(c -> c != '?');
    }
    // A random part of a few characters is no evidence (a.conf, b.conf), nor is a bare '*'.
    if ((globbed > 0 && globbed < RandomRun.LENGTHS[0] && !numbers) || (star && !fixed)) {
      return Optional.empty();
    }
    return Optional.of(out.toString());
  }

  /**
   * The glob of one run of characters that has the same length in every name: its differing
   * characters f..l widened to the whole run, or to the smallest length makers draw that adds at
   * most {@link #MAX_WIDENING} characters (at the run's end, as mkstemp puts it, else its start),
   * or f..l alone when that is long enough to be random; a pid when only digits differ.
   */
  private static Optional<String> alike(List<String> parts, boolean temporary) {
    String first = parts.get(0);
    int n = first.length();
    int f = -1;
    int l = -1;
    for (int i = 0; i < n; i++) {
      int k = i;
      if (parts.stream().anyMatch(p -> p.charAt(k) != first.charAt(k))) {
        f = f < 0 ? i : f;
        l = i;
      }
    }
    // Only digits differ, inside a longer run: a pid glued to a word (sess_4242).
    if (allDigits(parts, f, l + 1)) {
      int from = f;
      int to = l + 1;
      while (from > 0 && allDigits(parts, from - 1, from)) {
        from--;
      }
      while (to < n && allDigits(parts, to, to + 1)) {
        to++;
      }
      int a = from;
      int b = to;
      if (b - a >= PID_DIGITS && parts.stream().allMatch(p -> RandomRun.isPid(p.substring(a, b)))) {
        return Optional.of(
            RandomRun.literal(first.substring(0, a))
                + "@{pid}"
                + RandomRun.literal(first.substring(b)));
      }
    }
    int[] w = widen(parts, n, f, l);
    if (w == null) {
      return Optional.empty();
    }
    for (String p : parts) {
      String random = p.substring(w[0], w[1]);
      // Short runs only as a whole hex group (a UUID's 4-digit parts), not words (job, tmp).
      boolean shortHex =
          random.length() >= 4
              && random.chars().allMatch(c -> RandomRun.isDigit(c) || (c >= 'a' && c <= 'f'));
      if ((random.length() < RandomRun.LENGTHS[0] && !shortHex)
          || (!temporary && !RandomRun.looksRandom(random, ACROSS_RUNS_BITS))) {
        return Optional.empty();
      }
    }
    return Optional.of(
        RandomRun.literal(first.substring(0, w[0]))
            + "?".repeat(w[1] - w[0])
            + RandomRun.literal(first.substring(w[1])));
  }

  /** Whether every part has digits only in [from, to). */
  private static boolean allDigits(List<String> parts, int from, int to) {
    return parts.stream().allMatch(p -> p.substring(from, to).chars().allMatch(RandomRun::isDigit));
  }

  /**
   * The window [from, to) of a run of length n to glob, given that characters f..l differ: the
   * whole run, a length makers draw, the whole run again when it is at most {@link #MAX_WIDENING}
   * longer (a UUID's groups), else f..l when it is long enough; null when none fits.
   */
  private static int[] widen(List<String> parts, int n, int f, int l) {
    int m = l - f + 1;
    if (m == n) {
      return new int[] {0, n};
    }
    List<Integer> lengths = new ArrayList<>();
    // Python's eight first when every name could be Python's: a wider guess still covers mkstemp's
    // six.
    if (n >= 8 && parts.stream().allMatch(p -> RandomRun.isPython(p.substring(n - 8)))) {
      lengths.add(8);
    }
    for (int t : RandomRun.LENGTHS) {
      lengths.add(t);
    }
    for (int t : lengths) {
      if (t < m || t > n || t - m > MAX_WIDENING) {
        continue;
      }
      if (n - t <= f) {
        return new int[] {n - t, n};
      }
      if (t > l) {
        return new int[] {0, t};
      }
    }
    if (n - m <= MAX_WIDENING) {
      return new int[] {0, n};
    }
    return m >= RandomRun.LENGTHS[0] ? new int[] {f, l + 1} : null;
  }
}
