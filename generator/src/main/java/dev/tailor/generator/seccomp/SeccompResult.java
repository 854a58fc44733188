package dev.tailor.generator.seccomp;

import java.util.List;

/**
 * A seccomp profile and the notes on how it was made: every name left out, translated or added, and
 * every part of an input file that was not used, one sentence each; and, for a generated profile,
 * what it says about each filterable argument the workload used.
 */
public record SeccompResult(
    SeccompProfile profile, List<String> notes, List<ArgumentRule> arguments) {
  public SeccompResult {
    if (profile == null) {
      throw new IllegalArgumentException("no profile");
    }
    notes = List.copyOf(notes);
    arguments = List.copyOf(arguments);
  }

  /** A profile read from a file, or made without argument rules. */
  public SeccompResult(SeccompProfile profile, List<String> notes) {
    this(profile, notes, List.of());
  }
}
