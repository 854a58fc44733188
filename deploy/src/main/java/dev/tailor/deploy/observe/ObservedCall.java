package dev.tailor.deploy.observe;

import java.time.Instant;
import java.util.List;

/**
 * One call a profile on trial lacks, as it was about to run: the input of {@link Observations}.
 *
 * @param container who made it
 * @param syscall the syscall's name (libseccomp's name for its number)
 * @param args the six argument registers as the kernel passed them, or empty where the source does
 *     not see them (the kernel log)
 * @param paths the absolute paths the call names, as the container sees them (one char per byte, as
 *     tailor's recordings hold paths): none, one, or two (rename, link); empty where they could not
 *     be read
 * @param at when it was seen
 */
public record ObservedCall(
    ObservedContainer container, String syscall, List<Long> args, List<String> paths, Instant at) {
  public ObservedCall {
    if (syscall.isEmpty()) {
      throw new IllegalArgumentException("no syscall name");
    }
    args = List.copyOf(args);
    if (!args.isEmpty() && args.size() != 6) {
      throw new IllegalArgumentException("a call has six argument registers, not " + args.size());
    }
    paths = List.copyOf(paths);
    if (paths.size() > 2 || paths.stream().anyMatch(p -> !p.startsWith("/"))) {
      throw new IllegalArgumentException("a call names up to two absolute paths: " + paths);
    }
  }

  /** A call without argument values or paths (from the kernel log). */
  public static ObservedCall named(ObservedContainer container, String syscall, Instant at) {
    return new ObservedCall(container, syscall, List.of(), List.of(), at);
  }
}
