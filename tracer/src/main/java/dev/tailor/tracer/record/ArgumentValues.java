package dev.tailor.tracer.record;

import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.call.ArgFilter;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/** The values of recorded arguments, counted as calls arrive; one per recorder. */
final class ArgumentValues {
  private final Map<ArgFilter, Map<Long, long[]>> values = new HashMap<>();

  /** The counter of one value, to add to now and again on each repeat of the call. */
  long[] counter(ArgFilter filter, long value) {
    return values
        .computeIfAbsent(filter, f -> new HashMap<>())
        .computeIfAbsent(value, v -> new long[1]);
  }

  void add(ArgFilter filter, long value, long count) {
    counter(filter, value)[0] += count;
  }

  TreeMap<String, ArgumentUse> toUses(SortedSet<String> runs) {
    TreeMap<String, ArgumentUse> out = new TreeMap<>();
    values.forEach(
        (f, byValue) -> {
          TreeMap<Long, Long> v = new TreeMap<>();
          byValue.forEach((value, n) -> v.put(value, n[0]));
          ArgumentUse use = new ArgumentUse(f.syscall(), f.index(), v, runs);
          out.put(use.key(), use);
        });
    return out;
  }
}
