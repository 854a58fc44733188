package dev.tailor.tracer;

import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * How often one syscall was seen, how often it failed and with which errno, and which runs made it
 * (provenance for merged recordings).
 */
public record SyscallUse(long count, SortedMap<String, Long> errors, SortedSet<String> runs) {
  public SyscallUse {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0");
    }
    errors = SortedCopies.of(errors);
    runs = SortedCopies.of(runs);
  }

  /** The union of two uses of the same syscall. */
  public SyscallUse merge(SyscallUse other) {
    TreeMap<String, Long> e = new TreeMap<>(errors);
    other.errors.forEach((k, v) -> e.merge(k, v, Long::sum));
    return new SyscallUse(count + other.count, e, SortedCopies.union(runs, other.runs));
  }

  /** How many calls failed. */
  public long failed() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
