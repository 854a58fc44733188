package dev.tailor.generator.seccomp;

import java.util.List;

/**
 * A seccomp profile and the notes on how it was made: every name left out, translated or added,
 * and every part of an input file that was not used, one sentence each.
 */
public record SeccompResult(SeccompProfile profile, List<String> notes) {
  public SeccompResult {
    if (profile == null) {
      throw new IllegalArgumentException("no profile");
    }
    notes = List.copyOf(notes);
  }
}
