package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Effect.OwnerChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether each chown needed CAP_CHOWN, decided when the trace is over from the file's owner, which
 * tailor reads then (fs/attr.c: the owner may give a file to one of its own groups, and "change" it
 * to its own uid, without the capability). Only a change of the group alone is judged so: a chown
 * that names a uid may itself have made the owner that the end shows. The rest keep the capability.
 */
final class ChownChecks {
  private record Pending(Optional<String> file, TaskIds ids, OwnerChange call) {}

  private final PathResolver resolver;
  private final List<Pending> pending = new ArrayList<>();
  private long unknown;

  ChownChecks(PathResolver resolver) {
    this.resolver = resolver;
  }

  /**
   * A chown that worked, of {@code file} (resolved, when it could be) by a task with {@code ids}.
   */
  void add(Optional<String> file, TaskIds ids, OwnerChange call) {
    if (call.uid() == -1 && call.gid() == -1) {
      // Changes nothing, checks nothing.
      return;
    }
    pending.add(new Pending(file, ids, call));
  }

  /** Records the capability of every chown that needed it, or may have. */
  void decide(Recorder recorder) {
    // A file some chown gave a uid may have been owned by another before it: its owner at the end
    // says nothing.
    Map<String, Boolean> uidSet = new HashMap<>();
    for (Pending p : pending) {
      p.file().ifPresent(f -> uidSet.merge(f, p.call().uid() != -1, Boolean::logicalOr));
    }
    Map<String, Optional<FileStat>> stats = new HashMap<>();
    for (Pending p : pending) {
      Optional<String> why = why(p, uidSet, stats);
      why.ifPresent(w -> recorder.capability("chown", p.call().shown() + ": " + w));
    }
    pending.clear();
  }

  private Optional<String> why(
      Pending p, Map<String, Boolean> uidSet, Map<String, Optional<FileStat>> stats) {
    OwnerChange c = p.call();
    TaskIds t = p.ids();
    if (t.fsuid() == TaskIds.UNKNOWN) {
      return unproven("the task's ids are not known");
    }
    if (c.uid() != -1) {
      if (c.uid() != t.fsuid()) {
        return Optional.of(
            "it gives the file to uid " + c.uid() + ", not to the task's fs uid " + t.fsuid());
      }
      return unproven(
          "it names the task's own uid "
              + c.uid()
              + ", and whether the file was already the task's when it did is not known");
    }
    if (p.file().isEmpty()) {
      return unproven("the file is not known");
    }
    String file = p.file().get();
    Optional<FileStat> stat = stats.computeIfAbsent(file, resolver::stat);
    if (stat.isEmpty() || stat.get().uid() == TaskIds.UNKNOWN || uidSet.getOrDefault(file, false)) {
      return unproven(
          "the file's owner is not known ("
              + PathText.escape(file)
              + (stat.isEmpty()
                  ? " is gone)"
                  : stat.get().uid() == TaskIds.UNKNOWN
                      ? ": ids of another user namespace)"
                      : " was also given a uid)"));
    }
    if (stat.get().uid() != t.fsuid()) {
      return Optional.of(
          String.format(
              "the file belongs to uid %s, not to the task's fs uid %s",
              stat.get().uid(), t.fsuid()));
    }
    long gid = c.gid();
    if (gid == t.fsgid() || (t.groupsKnown() && t.groups().contains(gid))) {
      return Optional.empty();
    }
    if (t.fsgid() == TaskIds.UNKNOWN || !t.groupsKnown()) {
      return unproven("the task's groups are not known");
    }
    return Optional.of(
        String.format(
            "gid %s is none of the task's groups (fs gid %s, groups %s)",
            gid, t.fsgid(), t.groups()));
  }

  /** The reason of a chown that may not have needed the capability: counted, for {@link #notes}. */
  private Optional<String> unproven(String why) {
    unknown++;
    return Optional.of("may not have been needed: " + why);
  }

  /** The sentence on chowns that could not be judged, when there were any. */
  void notes(List<String> w) {
    if (unknown > 0) {
      w.add(
          unknown
              + " chowns were taken to need CAP_CHOWN without proof (the file's owner, or the task's ids, were "
              + "not known)");
    }
  }
}
