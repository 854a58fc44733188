package dev.tailor.tracer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Makes a {@link Recording} by name rather than by position: every field starts empty (profile
 * {@code app}, machine {@code x86_64}, one process, run {@code run1}) until set. Uses added one at
 * a time ({@link #file}, {@link #exec}, ...) belong to the current run ({@link #inRun}).
 */
public final class RecordingBuilder {
  private String name = "app";
  private String arch = "x86_64";
  private String run = "run1";
  private TreeSet<String> runs = new TreeSet<>();

  /** Whether {@link #runs} was set: then an empty set stays empty. */
  private boolean runsSet;

  private TreeMap<String, SyscallUse> syscalls = new TreeMap<>();
  private TreeMap<String, FileUse> files = new TreeMap<>();
  private TreeMap<String, SocketUse> sockets = new TreeMap<>();
  private TreeMap<String, ExecUse> execs = new TreeMap<>();
  private TreeMap<String, CapabilityUse> capabilities = new TreeMap<>();
  private List<Target> targets = List.of();
  private List<String> warnings = List.of();
  private long processes = 1;
  private List<Diagnostic> diagnostics = List.of();
  private long unusedLines;
  private List<RuntimeBase> runtimeBases = List.of();
  private List<ContainerInfo> containers = List.of();
  private TreeMap<String, ArgumentUse> arguments = new TreeMap<>();
  private TreeMap<String, FileUse> inherited = new TreeMap<>();
  private long filesBy = -1;

  /**
   * A builder holding everything {@code r} holds, to make a recording that differs in a field or
   * two.
   */
  public static RecordingBuilder from(Recording r) {
    return new RecordingBuilder()
        .name(r.name())
        .arch(r.arch())
        .runs(r.runs())
        .syscalls(r.syscalls())
        .files(r.files())
        .sockets(r.sockets())
        .execs(r.execs())
        .capabilities(r.capabilities())
        .targets(r.targets())
        .warnings(r.warnings())
        .processes(r.processes())
        .diagnostics(r.diagnostics())
        .unusedLines(r.unusedLines())
        .runtimeBases(r.runtimeBases())
        .containers(r.containers())
        .arguments(r.arguments())
        .inherited(r.inherited());
  }

  public RecordingBuilder name(String name) {
    this.name = name;
    return this;
  }

  /** The machine, as {@code uname -m} names it. */
  public RecordingBuilder arch(String arch) {
    this.arch = arch;
    return this;
  }

  /** The run labels; when none is set or added, the recording lists the current run. */
  public RecordingBuilder runs(Collection<String> labels) {
    runs = new TreeSet<>(labels);
    runsSet = true;
    return this;
  }

  /** The uses added one at a time after this belong to the run labelled {@code label}. */
  public RecordingBuilder inRun(String label) {
    run = label;
    return this;
  }

  public RecordingBuilder syscalls(Map<String, SyscallUse> uses) {
    syscalls = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder files(Map<String, FileUse> uses) {
    files = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder sockets(Map<String, SocketUse> uses) {
    sockets = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder execs(Map<String, ExecUse> uses) {
    execs = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder capabilities(Map<String, CapabilityUse> uses) {
    capabilities = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder targets(List<Target> targets) {
    this.targets = targets;
    return this;
  }

  public RecordingBuilder warnings(List<String> warnings) {
    this.warnings = warnings;
    return this;
  }

  public RecordingBuilder processes(long processes) {
    this.processes = processes;
    return this;
  }

  public RecordingBuilder diagnostics(List<Diagnostic> diagnostics) {
    this.diagnostics = diagnostics;
    return this;
  }

  public RecordingBuilder unusedLines(long unusedLines) {
    this.unusedLines = unusedLines;
    return this;
  }

  public RecordingBuilder runtimeBases(List<RuntimeBase> bases) {
    runtimeBases = bases;
    return this;
  }

  public RecordingBuilder containers(List<ContainerInfo> containers) {
    this.containers = containers;
    return this;
  }

  public RecordingBuilder arguments(Map<String, ArgumentUse> uses) {
    arguments = new TreeMap<>(uses);
    return this;
  }

  public RecordingBuilder inherited(Map<String, FileUse> uses) {
    inherited = new TreeMap<>(uses);
    return this;
  }

  /** Adds one access of each kind to the file at {@code pathText} ({@link PathText} form). */
  public RecordingBuilder file(String pathText, Access... accesses) {
    return fileUse(pathText, false, accesses);
  }

  /** As {@link #file}, for a path given as raw bytes, one per char. */
  public RecordingBuilder rawFile(String rawBytes, Access... accesses) {
    return fileUse(PathText.escape(rawBytes), false, accesses);
  }

  /** As {@link #file}, for a directory. */
  public RecordingBuilder dir(String pathText, Access... accesses) {
    return fileUse(pathText, true, accesses);
  }

  /**
   * The files added after this were used by tasks of fs uid {@code uid}, which owned them (so
   * AppArmor's {@code owner} holds); -1, the default: who used them is not known.
   */
  public RecordingBuilder filesBy(long uid) {
    filesBy = uid;
    return this;
  }

  /** A file that tasks of fs uid {@code accessor} used, owned by {@code owner} as tailor saw it. */
  public RecordingBuilder fileBy(long accessor, long owner, String pathText, Access... accesses) {
    return fileUse(pathText, false, false, Set.of(), List.of(accessor), owner, accesses);
  }

  /**
   * A file the run made and removed (its life proves it temporary); {@code pidAt}: where its
   * maker's pid stood in the last name.
   */
  public RecordingBuilder madeAndGone(String pathText, Set<Integer> pidAt, Access... accesses) {
    return fileUse(pathText, false, true, pidAt, accessors(), filesBy, accesses);
  }

  private RecordingBuilder fileUse(String pathText, boolean directory, Access... accesses) {
    return fileUse(pathText, directory, false, Set.of(), accessors(), filesBy, accesses);
  }

  private List<Long> accessors() {
    return filesBy < 0 ? List.of() : List.of(filesBy);
  }

  private RecordingBuilder fileUse(
      String pathText,
      boolean directory,
      boolean shortLived,
      Set<Integer> pidAt,
      List<Long> accessors,
      long owner,
      Access... accesses) {
    FileUse f =
        new FileUse(
            pathText,
            Set.copyOf(List.of(accesses)),
            new TreeMap<>(),
            directory,
            1,
            new TreeSet<>(List.of(run)),
            shortLived,
            new TreeSet<>(pidAt),
            new TreeSet<>(accessors),
            owner);
    files.merge(pathText, f, FileUse::merge);
    runs.add(run);
    return this;
  }

  /** Adds one call of syscall {@code name} in the current run. */
  public RecordingBuilder syscall(String name) {
    syscalls.merge(
        name, new SyscallUse(1, new TreeMap<>(), new TreeSet<>(List.of(run))), SyscallUse::merge);
    return this;
  }

  /** Adds an exec of the program at {@code pathText}, its argv the path alone. */
  public RecordingBuilder exec(String pathText) {
    execs.merge(
        pathText,
        new ExecUse(pathText, List.of(pathText), 1, new TreeSet<>(List.of(run))),
        ExecUse::merge);
    runs.add(run);
    return this;
  }

  /**
   * Adds a socket of {@code family} and {@code type} ({@code inet}, {@code stream}) bound to {@code
   * local}.
   */
  public RecordingBuilder socket(String family, String type, String... local) {
    SocketUse s =
        new SocketUse(
            family, type, new TreeSet<>(List.of(local)), new TreeSet<>(), 1, new TreeSet<>());
    sockets.merge(s.key(), s, SocketUse::merge);
    return this;
  }

  /** Adds capability {@code name} ({@code net_raw}), its one reason {@code why}. */
  public RecordingBuilder capability(String name) {
    capabilities.put(name, new CapabilityUse(name, new TreeSet<>(List.of("why")), new TreeSet<>()));
    return this;
  }

  public Recording build() {
    return new Recording(
        Recording.VERSION,
        name,
        arch,
        runs.isEmpty() && !runsSet ? new TreeSet<>(List.of(run)) : runs,
        syscalls,
        files,
        sockets,
        execs,
        capabilities,
        targets,
        warnings,
        processes,
        diagnostics,
        unusedLines,
        runtimeBases,
        containers,
        arguments,
        inherited);
  }
}
