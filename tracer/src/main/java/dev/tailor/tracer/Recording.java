package dev.tailor.tracer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Everything one or more traced runs did, aggregated: the input of every generator, and what {@code
 * recording.json} holds.
 *
 * @param name the profile name, only {@code [A-Za-z0-9._-]}
 * @param arch the machine the runs were traced on, as {@code uname -m} names it
 * @param runs the labels of the runs merged into this recording
 * @param warnings what the runs could not see, or saw go wrong, one sentence each
 * @param processes how many processes (and threads) were seen
 * @param diagnostics trace lines that could not be used (the first few; see {@code unusedLines})
 * @param unusedLines how many trace lines could not be used in all
 * @param runtimeBases the container runtimes' own post-filter syscalls a profile must also allow,
 *     one entry per runtime and version, sorted
 * @param containers the containers whose process trees were traced (learned through the OCI hook)
 * @param arguments the values of the filterable arguments the calls passed, by {@link
 *     ArgumentUse#key()}
 * @param inherited files used only through descriptors the workload already had when it started
 *     (its stdin, stdout, stderr, anything else its starter left open): never opened by name in the
 *     trace, so they say where the workload was started rather than what it does
 */
public record Recording(
    int version,
    String name,
    String arch,
    SortedSet<String> runs,
    SortedMap<String, SyscallUse> syscalls,
    SortedMap<String, FileUse> files,
    SortedMap<String, SocketUse> sockets,
    SortedMap<String, ExecUse> execs,
    SortedMap<String, CapabilityUse> capabilities,
    List<Target> targets,
    List<String> warnings,
    long processes,
    List<Diagnostic> diagnostics,
    long unusedLines,
    List<RuntimeBase> runtimeBases,
    List<ContainerInfo> containers,
    SortedMap<String, ArgumentUse> arguments,
    SortedMap<String, FileUse> inherited) {

  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  /** Only these characters may appear in a profile name. */
  public static final String NAME_CHARS = "[A-Za-z0-9._-]";

  public Recording {
    if (version != VERSION) {
      throw new IllegalArgumentException("recording version " + version + " is not " + VERSION);
    }
    if (!isValidName(name)) {
      throw new IllegalArgumentException("profile name must match " + NAME_CHARS + "+: " + name);
    }
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
    syscalls = Collections.unmodifiableSortedMap(new TreeMap<>(syscalls));
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    sockets = Collections.unmodifiableSortedMap(new TreeMap<>(sockets));
    execs = Collections.unmodifiableSortedMap(new TreeMap<>(execs));
    capabilities = Collections.unmodifiableSortedMap(new TreeMap<>(capabilities));
    targets = List.copyOf(targets);
    warnings = List.copyOf(warnings);
    diagnostics = List.copyOf(diagnostics);
    // Recordings written before runtime bases existed have neither field.
    runtimeBases = runtimeBases == null ? List.of() : mergeBases(runtimeBases);
    containers = containers == null ? List.of() : List.copyOf(containers);
    // Recordings written before argument values and inherited files were kept have neither.
    arguments =
        Collections.unmodifiableSortedMap(
            arguments == null ? new TreeMap<>() : new TreeMap<>(arguments));
    inherited =
        Collections.unmodifiableSortedMap(
            inherited == null ? new TreeMap<>() : new TreeMap<>(inherited));
  }

  /** This recording with {@code bases} as its runtime bases (replacing the ones it had). */
  public Recording withRuntimeBases(List<RuntimeBase> bases) {
    return RecordingBuilder.from(this).runtimeBases(bases).build();
  }

  /** This recording with {@code container} added to the containers it describes. */
  public Recording withContainer(ContainerInfo container) {
    List<ContainerInfo> cs = new ArrayList<>(containers);
    cs.add(container);
    return RecordingBuilder.from(this).containers(cs).build();
  }

  /** This recording with other files (e.g. mapped to a container's view of them). */
  public Recording withFiles(
      SortedMap<String, FileUse> newFiles,
      SortedMap<String, ExecUse> newExecs,
      List<String> moreWarnings) {
    List<String> w = new ArrayList<>(warnings);
    w.addAll(moreWarnings);
    return RecordingBuilder.from(this).files(newFiles).execs(newExecs).warnings(w).build();
  }

  /** This recording with {@code moreWarnings} after the warnings it has. */
  public Recording withWarnings(List<String> moreWarnings) {
    return withFiles(files, execs, moreWarnings);
  }

  /**
   * The values of argument {@code index} of {@code syscall}, only when they account for every call
   * of it that the runs made: a rule written from fewer (a value the trace did not show, a run
   * traced without them) would refuse calls the workload really made.
   */
  public Optional<ArgumentUse> completeArgument(String syscall, int index) {
    ArgumentUse use = arguments.get(ArgumentUse.key(syscall, index));
    SyscallUse calls = syscalls.get(syscall);
    return use != null && calls != null && use.calls() == calls.count()
        ? Optional.of(use)
        : Optional.empty();
  }

  /** One entry per runtime and version (the union of names), sorted by runtime then version. */
  private static List<RuntimeBase> mergeBases(List<RuntimeBase> bases) {
    TreeMap<String, RuntimeBase> byLabel = new TreeMap<>();
    for (RuntimeBase b : bases) {
      byLabel.merge(b.runtime() + "\0" + b.version(), b, RuntimeBase::merge);
    }
    return List.copyOf(byLabel.values());
  }

  /** Whether a profile name is safe to use in file names and AppArmor profile names. */
  public static boolean isValidName(String name) {
    return name != null
        && name.length() <= 128
        && !name.equals(".")
        && !name.equals("..")
        && name.matches(NAME_CHARS + "+");
  }

  /**
   * This recording with every run label renamed by {@code rename} (used when merging runs that
   * share a label).
   */
  public Recording relabel(UnaryOperator<String> rename) {
    UnaryOperator<SortedSet<String>> r =
        set -> set.stream().map(rename).collect(Collectors.toCollection(TreeSet::new));
    return RecordingBuilder.from(this)
        .runs(r.apply(runs))
        .syscalls(each(syscalls, v -> new SyscallUse(v.count(), v.errors(), r.apply(v.runs()))))
        .files(each(files, v -> v.withRuns(r.apply(v.runs()))))
        .sockets(
            each(
                sockets,
                v ->
                    new SocketUse(
                        v.family(), v.type(), v.local(), v.peers(), v.count(), r.apply(v.runs()))))
        .execs(each(execs, v -> new ExecUse(v.path(), v.argv(), v.count(), r.apply(v.runs()))))
        .capabilities(
            each(capabilities, v -> new CapabilityUse(v.name(), v.reasons(), r.apply(v.runs()))))
        .arguments(each(arguments, v -> v.withRuns(r.apply(v.runs()))))
        .inherited(each(inherited, v -> v.withRuns(r.apply(v.runs()))))
        .build();
  }

  /** {@code m} with {@code change} applied to each value. */
  private static <V> Map<String, V> each(Map<String, V> m, UnaryOperator<V> change) {
    Map<String, V> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, change.apply(v)));
    return out;
  }

  /** The union of this recording and others, named {@code newName}. */
  public static Recording merge(String newName, List<Recording> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    String arch = parts.get(0).arch();
    TreeSet<String> runs = new TreeSet<>();
    TreeMap<String, SyscallUse> syscalls = new TreeMap<>();
    TreeMap<String, FileUse> files = new TreeMap<>();
    TreeMap<String, SocketUse> sockets = new TreeMap<>();
    TreeMap<String, ExecUse> execs = new TreeMap<>();
    TreeMap<String, CapabilityUse> caps = new TreeMap<>();
    List<Target> targets = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Diagnostic> diagnostics = new ArrayList<>();
    long processes = 0;
    long unused = 0;
    List<RuntimeBase> bases = new ArrayList<>();
    List<ContainerInfo> containers = new ArrayList<>();
    TreeMap<String, ArgumentUse> arguments = new TreeMap<>();
    TreeMap<String, FileUse> inherited = new TreeMap<>();
    for (Recording r : parts) {
      if (!r.arch().equals(arch)) {
        throw new IllegalArgumentException(
            "cannot merge recordings of different machines: " + arch + " and " + r.arch());
      }
      runs.addAll(r.runs());
      mergeInto(syscalls, r.syscalls(), SyscallUse::merge);
      mergeInto(files, r.files(), FileUse::merge);
      mergeInto(sockets, r.sockets(), SocketUse::merge);
      mergeInto(execs, r.execs(), ExecUse::merge);
      mergeInto(caps, r.capabilities(), CapabilityUse::merge);
      mergeInto(arguments, r.arguments(), ArgumentUse::merge);
      mergeInto(inherited, r.inherited(), FileUse::merge);
      targets.addAll(r.targets());
      for (String w : r.warnings()) {
        if (!warnings.contains(w)) {
          warnings.add(w);
        }
      }
      diagnostics.addAll(r.diagnostics());
      processes += r.processes();
      unused += r.unusedLines();
      bases.addAll(r.runtimeBases());
      containers.addAll(r.containers());
    }
    return new Recording(
        VERSION,
        newName,
        arch,
        runs,
        syscalls,
        files,
        sockets,
        execs,
        caps,
        targets,
        warnings,
        processes,
        diagnostics,
        unused,
        bases,
        containers,
        arguments,
        inherited);
  }

  private static <V> void mergeInto(
      Map<String, V> into, Map<String, V> from, BinaryOperator<V> op) {
    from.forEach((k, v) -> into.merge(k, v, op));
  }
}
