package dev.tailor.tracer;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How often one syscall was seen, how often it failed and with which errno, and which runs made it
 * (provenance for merged recordings).
 */
public record SyscallUse(long count, SortedMap<String, Long> errors, SortedSet<String> runs) {
  public SyscallUse {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0");
    }
    errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
  }

  /** The union of two uses of the same syscall. */
  public SyscallUse merge(SyscallUse other) {
    TreeMap<String, Long> e = new TreeMap<>(errors);
    other.errors.forEach((k, v) -> e.merge(k, v, Long::sum));
    TreeSet<String> r = new TreeSet<>(runs);
    r.addAll(other.runs);
    return new SyscallUse(count + other.count, e, r);
  }

  /** How many calls failed. */
  public long failed() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
