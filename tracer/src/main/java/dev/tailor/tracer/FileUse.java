package dev.tailor.tracer;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param shortLived whether, in every run that used the name, the run made it (before anything
 *     else used it) and it was gone at the end (removed or renamed away): a temporary name
 * @param pidAt where, in the name's last part (byte offsets), a number equal to the pid of the
 *     process that made it stood, in every run; empty unless short-lived
 */
public record FileUse(
    String path,
    Set<Access> accesses,
    SortedMap<String, SortedSet<String>> failures,
    boolean directory,
    long count,
    SortedSet<String> runs,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean shortLived,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedSet<Integer> pidAt) {
  public FileUse {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path is not absolute: " + path);
    }
    accesses = Collections.unmodifiableSet(accesses.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(accesses));
    TreeMap<String, SortedSet<String>> f = new TreeMap<>();
    failures.forEach((k, v) -> f.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
    failures = Collections.unmodifiableSortedMap(f);
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
    // Recordings written before name lifetimes were kept have no pidAt.
    pidAt = Collections.unmodifiableSortedSet(pidAt == null || !shortLived ? new TreeSet<>() : new TreeSet<>(pidAt));
  }

  /** A use with no evidence of a temporary name. */
  public FileUse(
      String path,
      Set<Access> accesses,
      SortedMap<String, SortedSet<String>> failures,
      boolean directory,
      long count,
      SortedSet<String> runs) {
    this(path, accesses, failures, directory, count, runs, false, null);
  }

  /** The same use under another path with the same last part (a container's view of it). */
  public FileUse withPath(String other) {
    return new FileUse(other, accesses, failures, directory, count, runs, shortLived, pidAt);
  }

  /** The same use, by other runs. */
  public FileUse withRuns(SortedSet<String> other) {
    return new FileUse(path, accesses, failures, directory, count, other, shortLived, pidAt);
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
    // Temporary only where every run that used the name made and removed it.
    TreeSet<Integer> pids = new TreeSet<>(pidAt);
    pids.retainAll(other.pidAt);
    boolean both = shortLived && other.shortLived;
    return new FileUse(path, a, f, directory || other.directory, count + other.count, r, both, pids);
  }
}
