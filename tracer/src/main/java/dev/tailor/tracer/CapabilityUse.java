package dev.tailor.tracer;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A capability the workload needed, inferred from what it did.
 *
 * @param name lower case without {@code CAP_}, as AppArmor writes it (e.g. {@code
 *     net_bind_service})
 * @param reasons what was done that needs it, one line each
 */
public record CapabilityUse(String name, SortedSet<String> reasons, SortedSet<String> runs) {
  public CapabilityUse {
    reasons = Collections.unmodifiableSortedSet(new TreeSet<>(reasons));
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
  }

  /** The union of two uses of the same capability. */
  public CapabilityUse merge(CapabilityUse other) {
    TreeSet<String> why = new TreeSet<>(reasons);
    why.addAll(other.reasons);
    TreeSet<String> r = new TreeSet<>(runs);
    r.addAll(other.runs);
    return new CapabilityUse(name, why, r);
  }
}
