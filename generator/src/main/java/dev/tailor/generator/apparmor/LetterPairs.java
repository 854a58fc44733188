package dev.tailor.generator.apparmor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How characters follow each other in fixed file names (counted once by {@code
 * bench/name-letter-pairs.py} over the names under /usr, /etc and /var/lib), and from that the
 * evidence that a part of a name is random: how many bits likelier it is as characters drawn
 * uniformly (as mkstemp, mktemp and Python's tempfile draw them) than as a name someone chose.
 */
final class LetterPairs {
  private static final String RESOURCE = "name-letter-pairs.txt";

  /** Classes: 0-25 the letters (case folded), 26 any digit, 27 '_'; row 28 is "start of a run". */
  private static final int CLASSES = 28;

  private static final int START = 28;

  /** log2 P(class | class before) in fixed names, smoothed so that no pair is impossible. */
  private static final double[][] NEXT = new double[CLASSES + 1][CLASSES];

  /** log2 P(letter case | case of the letter before): [upper before][upper now]. */
  private static final double[][] CASE = new double[2][2];

  static {
    long[][] counts = new long[CLASSES + 1][CLASSES];
    long[] cases = new long[4];
    read(counts, cases);
    for (int row = 0; row <= CLASSES; row++) {
      double total = 0;
      for (long c : counts[row]) {
        total += c + 0.5;
      }
      for (int col = 0; col < CLASSES; col++) {
        NEXT[row][col] = log2((counts[row][col] + 0.5) / total);
      }
    }
    for (int before = 0; before < 2; before++) {
      double total = cases[before * 2] + cases[before * 2 + 1] + 2;
      for (int now = 0; now < 2; now++) {
        CASE[before][now] = log2((cases[before * 2 + now] + 1) / total);
      }
    }
  }

  private LetterPairs() {}

  /**
   * Bits by which {@code part} (letters, digits and '_') is likelier random than chosen: positive
   * when it looks random. Random means uniform over hex digits when the part is hex, over Python's
   * {@code [a-z0-9_]} when it fits that, else over mkstemp's {@code [A-Za-z0-9]}.
   */
  static double randomBits(String part) {
    boolean python = RandomRun.isPython(part);
    // A hash in hex: digits and a-f only, both of them.
    boolean hex =
        part.chars().allMatch(c -> (c >= 'a' && c <= 'f') || RandomRun.isDigit(c))
            && part.chars().anyMatch(RandomRun::isDigit)
            && part.chars().anyMatch(c -> c >= 'a');
    double uniform = log2(1.0 / (hex ? 16 : python ? 37 : 62));
    double bits = 0;
    int before = START;
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      int cls = classOf(c);
      double chosen = NEXT[before][cls];
      if (cls < 26) {
        boolean upper = c <= 'Z';
        chosen +=
            before < 26
                ? CASE[part.charAt(i - 1) <= 'Z' ? 1 : 0][upper ? 1 : 0]
                : -1; // the first letter's case: either, as likely
      } else if (cls == 26) {
        chosen += log2(0.1); // which digit: any of ten
      }
      bits += uniform - chosen;
      before = cls;
    }
    return bits;
  }

  private static int classOf(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (RandomRun.isDigit(c)) {
      return 26;
    }
    if (c == '_') {
      return 27;
    }
    throw new IllegalArgumentException("not a letter, digit or '_': " + (int) c);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static void read(long[][] counts, long[] cases) {
    String order = "abcdefghijklmnopqrstuvwxyz0_";
    try (InputStream in = LetterPairs.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + RESOURCE + " is missing from the generator jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      int rows = 0;
      boolean caseSeen = false;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split(" ");
        if (f[0].equals("case")) {
          for (int i = 0; i < 4; i++) {
            cases[i] = Long.parseLong(f[i + 1]);
          }
          caseSeen = true;
          continue;
        }
        int row = f[0].equals("^") ? START : order.indexOf(f[0]);
        if (row < 0 || f.length != CLASSES + 1) {
          throw new IllegalStateException(RESOURCE + ": unreadable line: " + line);
        }
        for (int col = 0; col < CLASSES; col++) {
          counts[row][col] = Long.parseLong(f[col + 1]);
        }
        rows++;
      }
      if (rows != CLASSES + 1 || !caseSeen) {
        throw new IllegalStateException(
            RESOURCE + ": expected " + (CLASSES + 1) + " rows and a case line");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
