package dev.tailor.tracer;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a workload did to one path: the kinds of access that succeeded, the ones that failed (with
 * their errno names), whether the path is a directory, how many calls touched it, and which runs.
 *
 * @param path the absolute path in {@link PathText} form
 */
public record FileUse(
    String path,
    Set<Access> accesses,
    SortedMap<String, SortedSet<String>> failures,
    boolean directory,
    long count,
    SortedSet<String> runs) {
  public FileUse {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path is not absolute: " + path);
    }
    accesses = Collections.unmodifiableSet(accesses.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(accesses));
    TreeMap<String, SortedSet<String>> f = new TreeMap<>();
    failures.forEach((k, v) -> f.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
    failures = Collections.unmodifiableSortedMap(f);
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
  }

  /** Whether any access to the path succeeded. */
  public boolean succeeded() {
    return !accesses.isEmpty();
  }

  /** The union of two uses of the same path. */
  public FileUse merge(FileUse other) {
    if (!path.equals(other.path)) {
      throw new IllegalArgumentException(path + " != " + other.path);
    }
    EnumSet<Access> a = EnumSet.noneOf(Access.class);
    a.addAll(accesses);
    a.addAll(other.accesses);
    TreeMap<String, SortedSet<String>> f = new TreeMap<>();
    failures.forEach((k, v) -> f.put(k, new TreeSet<>(v)));
    other.failures.forEach((k, v) -> f.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
    TreeSet<String> r = new TreeSet<>(runs);
    r.addAll(other.runs);
    return new FileUse(path, a, f, directory || other.directory, count + other.count, r);
  }
}
