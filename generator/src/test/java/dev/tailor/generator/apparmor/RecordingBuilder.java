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
    FileUse f = new FileUse(pathText, a, new TreeMap<>(), false, 1, new TreeSet<>(List.of(run)), true, new TreeSet<>(pidAt));
    files.merge(pathText, f, FileUse::merge);
    runs.add(run);
    return this;
  }

  RecordingBuilder dir(String pathText, Access... accesses) {
    return use(pathText, true, accesses);
  }

  private RecordingBuilder use(String pathText, boolean directory, Access... accesses) {
    Set<Access> a = accesses.length == 0 ? EnumSet.noneOf(Access.class) : EnumSet.of(accesses[0], accesses);
    FileUse f = new FileUse(pathText, a, new TreeMap<>(), directory, 1, new TreeSet<>(List.of(run)));
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

  RecordingBuilder capability(String name) {
    caps.put(name, new CapabilityUse(name, new TreeSet<>(List.of("why")), new TreeSet<>()));
    return this;
  }

  Recording build() {
    return new Recording(
        Recording.VERSION, "app", "x86_64", runs.isEmpty() ? new TreeSet<>(List.of(run)) : runs, new TreeMap<>(), files,
        sockets, execs, caps, List.of(), List.of(), 1, List.of(), 0);
  }
}
