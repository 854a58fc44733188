package dev.tailor.tracer;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The sorted, unmodifiable copies a recording's records hold, so that {@code recording.json} lists
 * every set and map in one order however the uses were gathered.
 */
final class SortedCopies {
  private SortedCopies() {}

  static <T> SortedSet<T> of(Collection<T> items) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(items));
  }

  static <K, V> SortedMap<K, V> of(Map<K, V> entries) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  /** The items of both, sorted. */
  static <T> SortedSet<T> union(Collection<T> a, Collection<T> b) {
    return of(Stream.concat(a.stream(), b.stream()).toList());
  }
}
