package dev.tailor.tracer;

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
import java.util.stream.Stream;

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

  /**
   * How a warning starts that says the recording lacks calls the workload made (events the kernel
   * dropped): learn repeats such warnings on stderr, as the profiles may be too narrow.
   */
  public static final String INCOMPLETE = "incomplete: ";

  /** Only these characters may appear in a profile name. */
  public static final String NAME_CHARS = "[A-Za-z0-9._-]";

  public Recording {
    if (version != VERSION) {
      throw new IllegalArgumentException("recording version " + version + " is not " + VERSION);
    }
    if (!isValidName(name)) {
      throw new IllegalArgumentException("profile name must match " + NAME_CHARS + "+: " + name);
    }
    runs = SortedCopies.of(runs);
    syscalls = SortedCopies.of(syscalls);
    files = SortedCopies.of(files);
    sockets = SortedCopies.of(sockets);
    execs = SortedCopies.of(execs);
    capabilities = SortedCopies.of(capabilities);
    targets = List.copyOf(targets);
    warnings = List.copyOf(warnings);
    diagnostics = List.copyOf(diagnostics);
    // Recordings written before runtime bases existed have neither field.
    runtimeBases = runtimeBases == null ? List.of() : mergeBases(runtimeBases);
    containers = containers == null ? List.of() : List.copyOf(containers);
    // Recordings written before argument values and inherited files were kept have neither.
    arguments = SortedCopies.of(arguments == null ? Map.<String, ArgumentUse>of() : arguments);
    inherited = SortedCopies.of(inherited == null ? Map.<String, FileUse>of() : inherited);
  }

  /** This recording with {@code bases} as its runtime bases (replacing the ones it had). */
  public Recording withRuntimeBases(List<RuntimeBase> bases) {
    return RecordingBuilder.from(this).runtimeBases(bases).build();
  }

  /** This recording with {@code container} added to the containers it describes. */
  public Recording withContainer(ContainerInfo container) {
    return RecordingBuilder.from(this).containers(concat(containers, List.of(container))).build();
  }

  /** This recording with other files (e.g. mapped to a container's view of them). */
  public Recording withFiles(
      SortedMap<String, FileUse> newFiles,
      SortedMap<String, ExecUse> newExecs,
      List<String> moreWarnings) {
    return RecordingBuilder.from(this)
        .files(newFiles)
        .execs(newExecs)
        .warnings(concat(warnings, moreWarnings))
        .build();
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
    Recording sum =
        new RecordingBuilder()
            .name(newName)
            .arch(parts.get(0).arch())
            .runs(List.of())
            .processes(0)
            .build();
    for (Recording r : parts) {
      sum = sum.plus(r);
    }
    return sum;
  }

  /** This recording and {@code r} in one: uses merged, lists joined, counts added. */
  private Recording plus(Recording r) {
    if (!r.arch().equals(arch)) {
      throw new IllegalArgumentException(
          "cannot merge recordings of different machines: " + arch + " and " + r.arch());
    }
    return new Recording(
        VERSION,
        name,
        arch,
        SortedCopies.union(runs, r.runs),
        union(syscalls, r.syscalls, SyscallUse::merge),
        union(files, r.files, FileUse::merge),
        union(sockets, r.sockets, SocketUse::merge),
        union(execs, r.execs, ExecUse::merge),
        union(capabilities, r.capabilities, CapabilityUse::merge),
        concat(targets, r.targets),
        Stream.concat(warnings.stream(), r.warnings.stream()).distinct().toList(),
        processes + r.processes,
        concat(diagnostics, r.diagnostics),
        unusedLines + r.unusedLines,
        concat(runtimeBases, r.runtimeBases),
        concat(containers, r.containers),
        union(arguments, r.arguments, ArgumentUse::merge),
        union(inherited, r.inherited, FileUse::merge));
  }

  private static <V> SortedMap<String, V> union(
      Map<String, V> into, Map<String, V> from, BinaryOperator<V> op) {
    SortedMap<String, V> m = new TreeMap<>(into);
    from.forEach((k, v) -> m.merge(k, v, op));
    return m;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  /** The warnings that say calls are missing from the recording ({@link #INCOMPLETE}). */
  public List<String> incompleteWarnings() {
    return warnings.stream().filter(w -> w.startsWith(INCOMPLETE)).toList();
  }
}
