package dev.tailor.tracer.call;

import java.util.regex.Pattern;

/**
 * Names that reach a descriptor the process already has rather than a file by its own name: {@code
 * /dev/stdout} (a link to {@code /proc/self/fd/1}), {@code /dev/fd/N}, {@code /proc/self/fd/N}.
 * Opening one reopens what the descriptor is open on: for stdio, what the workload's starter gave
 * it (a terminal, a pipe, a log file), not a file the workload chose.
 */
public final class DescriptorNames {
  private static final Pattern ALIAS =
      Pattern.compile(
          "/dev/std(?:in|out|err)|/dev/fd/[0-9]+"
              + "|/proc/(?:self|thread-self|[1-9][0-9]*)(?:/task/[1-9][0-9]*)?/fd/[0-9]+");

  private DescriptorNames() {}

  /**
   * Whether {@code name}, as a call passed it (one char per byte), names one of the process's
   * descriptors.
   */
  public static boolean reopens(String name) {
    return ALIAS.matcher(name).matches();
  }
}
