package dev.tailor.tracer.record;

import java.util.Optional;

/** The interpreter line of a script, read as the kernel's binfmt_script reads it. */
final class Interpreters {
  /** The bytes the kernel reads of a file it execs (BINPRM_BUF_SIZE). */
  static final int HEAD = 256;

  /** How many scripts may name a script as their interpreter before the kernel refuses. */
  static final int MAX_DEPTH = 4;

  private Interpreters() {}

  /**
   * The interpreter a {@code #!} line names ({@code #! /bin/sh -e} gives {@code /bin/sh}), or empty
   * when the file is not a script: blanks after {@code #!} are skipped, the name ends at a blank, a
   * newline or a NUL.
   */
  static Optional<String> of(String head) {
    if (!head.startsWith("#!")) {
      return Optional.empty();
    }
    int i = 2;
    while (i < head.length() && (head.charAt(i) == ' ' || head.charAt(i) == '\t')) {
      i++;
    }
    int start = i;
    while (i < head.length() && " \t\n\0".indexOf(head.charAt(i)) < 0) {
      i++;
    }
    if (i == start || (i == head.length() && head.length() >= HEAD)) {
      // No name, or one the kernel's buffer cut.
      return Optional.empty();
    }
    return Optional.of(head.substring(start, i));
  }
}
