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
 * @param shortLived whether, in every run that used the name, the run made it (before anything else
 *     used it) and it was gone at the end (removed or renamed away): a temporary name
 * @param pidAt where, in the name's last part (byte offsets), a number equal to the pid of the
 *     process that made it stood, in every run; empty unless short-lived
 * @param accessUids the fs uids of the tasks whose accesses worked; -1 for a task whose ids were
 *     not known
 * @param ownerUid the file's owner as tailor saw it at the end of a recording, where that can
 *     decide an {@code owner} rule; -1 when not known
 */
public record FileUse(
    String path,
    Set<Access> accesses,
    SortedMap<String, SortedSet<String>> failures,
    boolean directory,
    long count,
    SortedSet<String> runs,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean shortLived,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedSet<Integer> pidAt,
    SortedSet<Long> accessUids,
    long ownerUid) {
  public FileUse {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path is not absolute: " + path);
    }
    accesses =
        Collections.unmodifiableSet(
            accesses.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(accesses));
    TreeMap<String, SortedSet<String>> f = new TreeMap<>();
    failures.forEach((k, v) -> f.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
    failures = Collections.unmodifiableSortedMap(f);
    runs = SortedCopies.of(runs);
    // Recordings written before name lifetimes were kept have no pidAt.
    pidAt = SortedCopies.of(pidAt == null || !shortLived ? Set.<Integer>of() : pidAt);
    // A recording written before these were kept has neither: nothing known.
    accessUids = SortedCopies.of(accessUids == null ? Set.<Long>of() : accessUids);
    if (accessUids.isEmpty()) {
      ownerUid = -1;
    }
  }

  /** A use that says nothing of a temporary name, of who made it, or of the file's owner. */
  public FileUse(
      String path,
      Set<Access> accesses,
      SortedMap<String, SortedSet<String>> failures,
      boolean directory,
      long count,
      SortedSet<String> runs) {
    this(path, accesses, failures, directory, count, runs, false, null, new TreeSet<>(), -1);
  }

  /**
   * Whether every access that worked was by a task whose fs uid owned the file, as far as the
   * recording shows: AppArmor's {@code owner}.
   */
  public boolean ownedByAccessors() {
    return ownerUid >= 0 && accessUids.size() == 1 && accessUids.first() == ownerUid;
  }

  /**
   * Whether the recording shows an access by a task whose fs uid did not own the file: an {@code
   * owner} rule would not have let it. False where that is not known.
   */
  public boolean accessedByOthers() {
    return ownerUid >= 0
        && !accessUids.contains(-1L)
        && accessUids.stream().anyMatch(u -> u != ownerUid);
  }

  /** The same use under another path with the same last part (a container's view of it). */
  public FileUse withPath(String other) {
    return new FileUse(
        other, accesses, failures, directory, count, runs, shortLived, pidAt, accessUids, ownerUid);
  }

  /** The same use, by other runs. */
  public FileUse withRuns(SortedSet<String> other) {
    return new FileUse(
        path, accesses, failures, directory, count, other, shortLived, pidAt, accessUids, ownerUid);
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
    // Temporary only where every run that used the name made and removed it.
    TreeSet<Integer> pids = new TreeSet<>(pidAt);
    pids.retainAll(other.pidAt);
    boolean both = shortLived && other.shortLived;
    // A run that says nothing of its accessors leaves the owner unproven.
    long owner = ownerUid == other.ownerUid ? ownerUid : -1;
    return new FileUse(
        path,
        a,
        f,
        directory || other.directory,
        count + other.count,
        SortedCopies.union(runs, other.runs),
        both,
        pids,
        SortedCopies.union(accessUids, other.accessUids),
        owner);
  }
}
