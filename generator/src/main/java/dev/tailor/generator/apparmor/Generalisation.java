package dev.tailor.generator.apparmor;

import java.util.List;

/**
 * One place where the generator wrote a broader rule than the paths it saw, or left paths to an
 * abstraction: what it wrote, which observed paths it replaced, and why.
 *
 * @param pattern the rule's path exactly as written in the profile (quoted, escaped), or the {@code
 *     include <abstractions/...>} line that covers the paths
 * @param replacedPaths the observed paths, in {@link dev.tailor.tracer.PathText} form, sorted
 * @param reason one sentence
 */
public record Generalisation(String pattern, List<String> replacedPaths, String reason) {
  public Generalisation {
    replacedPaths = List.copyOf(replacedPaths);
    if (pattern.isEmpty() || reason.isEmpty()) {
      throw new IllegalArgumentException("pattern and reason are required");
    }
  }
}
