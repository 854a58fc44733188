package dev.tailor.tracer;

import java.util.SortedSet;

/**
 * A capability the workload needed, inferred from what it did.
 *
 * @param name lower case without {@code CAP_}, as AppArmor writes it (e.g. {@code
 *     net_bind_service})
 * @param reasons what was done that needs it, one line each
 */
public record CapabilityUse(String name, SortedSet<String> reasons, SortedSet<String> runs) {
  public CapabilityUse {
    reasons = SortedCopies.of(reasons);
    runs = SortedCopies.of(runs);
  }

  /** The union of two uses of the same capability. */
  public CapabilityUse merge(CapabilityUse other) {
    return new CapabilityUse(
        name, SortedCopies.union(reasons, other.reasons), SortedCopies.union(runs, other.runs));
  }
}
