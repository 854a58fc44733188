package dev.tailor.generator.apparmor;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds small recordings for tests, paths given as raw bytes (one per char) or PathText. */
final class RecordingBuilder {
  private final TreeMap<String, FileUse> files = new TreeMap<>();
  private final TreeMap<String, SocketUse> sockets = new TreeMap<>();
  private final TreeMap<String, ExecUse> execs = new TreeMap<>();
  private final TreeMap<String, CapabilityUse> caps = new TreeMap<>();
  private final TreeMap<String, dev.tailor.tracer.SyscallUse> syscalls = new TreeMap<>();
  private final TreeSet<String> runs = new TreeSet<>();
  private String run = "run1";

  /** The uses added after this belong to the run labelled {@code label}. */
  RecordingBuilder inRun(String label) {
    run = label;
    return this;
  }

  /** A file at a path given in PathText form. */
  RecordingBuilder file(String pathText, Access... accesses) {
    return use(pathText, false, accesses);
  }

  /** A file at a path given as raw bytes, one per char. */
  RecordingBuilder rawFile(String rawBytes, Access... accesses) {
    return use(PathText.escape(rawBytes), false, accesses);
  }

  /**
   * A file the run made and removed (its life proves it temporary); {@code pidAt}: where its
   * maker's pid stood in the last name.
   */
  RecordingBuilder madeAndGone(String pathText, Set<Integer> pidAt, Access... accesses) {
    Set<Access> a = EnumSet.of(accesses[0], accesses);
    FileUse f = new FileUse(pathText, a, new TreeMap<>(), false, 1, new TreeSet<>(List.of(run)), true, new TreeSet<>(pidAt),
        new TreeSet<>(List.of(1000L)), 1000);
    files.merge(pathText, f, FileUse::merge);
    runs.add(run);
    return this;
  }

  RecordingBuilder dir(String pathText, Access... accesses) {
    return use(pathText, true, accesses);
  }

  /** A file that tasks of fs uid {@code accessor} used, owned by {@code owner} as tailor saw it. */
  RecordingBuilder fileBy(long accessor, long owner, String pathText, Access... accesses) {
    return use(pathText, false, List.of(accessor), owner, accesses);
  }

  /** A file its users owned: every access by a task of the file's owner, uid 1000. */
  RecordingBuilder owned(String pathText, Access... accesses) {
    return fileBy(1000, 1000, pathText, accesses);
  }

  /** A use by the workload of its own file: tasks of uid 1000 used a file uid 1000 owned. */
  private RecordingBuilder use(String pathText, boolean directory, Access... accesses) {
    return use(pathText, directory, List.of(1000L), 1000, accesses);
  }

  private RecordingBuilder use(String pathText, boolean directory, List<Long> accessors, long owner, Access... accesses) {
    Set<Access> a = accesses.length == 0 ? EnumSet.noneOf(Access.class) : EnumSet.of(accesses[0], accesses);
    FileUse f = new FileUse(pathText, a, new TreeMap<>(), directory, 1, new TreeSet<>(List.of(run)),
        false, new TreeSet<>(), new TreeSet<>(accessors), owner);
    files.merge(pathText, f, FileUse::merge);
    runs.add(run);
    return this;
  }

  RecordingBuilder exec(String pathText) {
    execs.merge(pathText, new ExecUse(pathText, List.of(pathText), 1, new TreeSet<>(List.of(run))), ExecUse::merge);
    runs.add(run);
    return this;
  }

  RecordingBuilder socket(String family, String type, String... local) {
    SocketUse s =
        new SocketUse(family, type, new TreeSet<>(List.of(local)), new TreeSet<>(), 1, new TreeSet<>());
    sockets.merge(s.key(), s, SocketUse::merge);
    return this;
  }

  RecordingBuilder syscall(String name) {
    syscalls.put(name, new dev.tailor.tracer.SyscallUse(1, new TreeMap<>(), new TreeSet<>(List.of(run))));
    return this;
  }

  RecordingBuilder capability(String name) {
    caps.put(name, new CapabilityUse(name, new TreeSet<>(List.of("why")), new TreeSet<>()));
    return this;
  }

  Recording build() {
    return new Recording(
        Recording.VERSION, "app", "x86_64", runs.isEmpty() ? new TreeSet<>(List.of(run)) : runs, syscalls, files,
        sockets, execs, caps, List.of(), List.of(), 1, List.of(), 0);
  }
}
