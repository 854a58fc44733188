package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.Diagnostic;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.Target;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.CallMemo;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.event.UnparsedLine;
import dev.tailor.tracer.strace.StraceText;
import dev.tailor.tracer.strace.TraceParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Adds up what the traced calls did into a {@link Recording}: syscall counts and errors, file
 * accesses by resolved path, sockets, execs and the capabilities the calls imply. Calls arrive as
 * strace's events ({@link #accept}) or a kernel decoder's typed calls ({@link #call}); the {@link
 * CallFeed} decodes, counts and replays them and the {@link CallInterpreter} applies them here. Fed
 * from one thread; its {@link Progress} may be read from another for a status line.
 */
public final class Recorder implements Consumer<TraceEvent> {
  /** Diagnostics kept in the recording; the rest are only counted. */
  static final int MAX_DIAGNOSTICS = 50;

  private final String run;
  private String source;

  private final Map<String, long[]> syscallCounts = new HashMap<>();
  private final Map<String, Map<String, long[]>> syscallErrors = new HashMap<>();
  private final FileTally files;
  private final SocketTally sockets = new SocketTally();
  private final Map<String, ExecUse> execs = new HashMap<>();
  private final Map<String, Set<String>> capabilities = new TreeMap<>();
  private final ArgumentValues arguments = new ArgumentValues();
  private final Set<Integer> pids = new HashSet<>();
  private final LinkedHashSet<String> warnings = new LinkedHashSet<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private long unused;
  private final Progress progress = new Progress();
  private final CallFeed feed;

  /**
   * A recorder for one run.
   *
   * @param run the label this run gets in provenance
   * @param source where the trace comes from, for diagnostics
   * @param resolver how argument paths are resolved
   * @param syscallNames names strace left numeric ({@code syscall_0x1c4}); identity if none
   * @param initialCwd the working directory of processes whose cwd is not otherwise known
   */
  public Recorder(
      String run,
      String source,
      PathResolver resolver,
      UnaryOperator<String> syscallNames,
      Optional<String> initialCwd) {
    this.run = run;
    this.source = source;
    this.files = new FileTally(resolver, progress);
    this.feed = new CallFeed(this, resolver, syscallNames, initialCwd.orElse(""));
  }

  /**
   * How much of a call the recorder reads, so the parser can skip the rest: every call's name and
   * result count; arguments only for the calls it interprets.
   */
  public static TraceParser.Detail detail(String syscall) {
    return ReadDetail.detail(syscall);
  }

  /** Sets a process's working directory, for processes that were running before the trace. */
  public void setCwd(int pid, String cwd) {
    feed.calls().paths().setCwd(pid, cwd);
  }

  /** Names the trace the next events come from, for diagnostics. */
  public void setSource(String source) {
    this.source = source;
  }

  /** Adds a warning sentence for the report. */
  public void warn(String warning) {
    warnings.add(warning);
  }

  /**
   * Adds a warning that calls the workload made are missing, which learn repeats on stderr ({@link
   * Recording#INCOMPLETE}).
   */
  public void warnIncomplete(String warning) {
    warnings.add(Recording.INCOMPLETE + warning);
  }

  /** Adds a process that was attached to. */
  public void addTarget(Target target) {
    targets.add(target);
  }

  // ---- calls counted elsewhere (a backend that counts in the kernel) ----

  /**
   * From now on, calls fed as events add files, sockets, execs, processes and capabilities, but no
   * syscall counts, errors or argument values: a backend that counts every call in the kernel feeds
   * only the calls that name files or sockets, and adds the counts with {@link #addSyscallCount},
   * {@link #addSyscallErrors} and {@link #recordArgument}.
   */
  public void countCallsElsewhere() {
    feed.countCallsElsewhere();
  }

  /**
   * Adds {@code count} failures with {@code errno} ({@code ENOENT}) of {@code name}, counted
   * elsewhere.
   */
  public void addSyscallErrors(String name, String errno, long count) {
    errorCounter(name, errno)[0] += count;
  }

  /** Adds syscall counts observed elsewhere (an in-kernel counter). */
  public void addSyscallCount(String name, long count) {
    callCounter(name)[0] += count;
    progress.called(count);
  }

  /**
   * Records {@code count} calls that passed {@code value} (the raw register) as argument {@code
   * index} of {@code syscall}; ignored unless {@link SyscallModel} marks that argument as recorded.
   */
  public void recordArgument(String syscall, int index, long value, long count) {
    SyscallModel.filter(syscall, index).ifPresent(f -> arguments.add(f, f.normalize(value), count));
  }

  /** Records that a process or thread took part; true when it is new. */
  public boolean recordProcess(int pid) {
    if (!pids.add(pid)) {
      return false;
    }
    progress.newProcess();
    return true;
  }

  /**
   * Records one access to an absolute, resolved path (a caller that reads calls on its own, such as
   * the observe agent).
   */
  public void recordFile(String rawPath, Access kind, String errno, boolean directory) {
    files.access(rawPath, kind, errno, directory).named = true;
  }

  /** Records an open of an absolute, resolved path. */
  public void recordOpen(String rawPath, OpenMode mode, String errno) {
    for (Access k : mode.kinds()) {
      files.access(rawPath, k, errno, mode.directory()).named = true;
    }
  }

  /** Records a successful exec of an absolute path; {@code argv} items in {@link PathText} form. */
  FileTally.FileAcc recordExec(String rawPath, List<String> argv) {
    files.access(rawPath, Access.EXEC, "", false).named = true;
    FileTally.FileAcc f = files.access(rawPath, Access.READ, "", false);
    f.named = true;
    String key = PathText.escape(rawPath);
    execs.merge(key, new ExecUse(key, argv, 1, new TreeSet<>(Set.of(run))), ExecUse::merge);
    return f;
  }

  /**
   * The ids the workload tailor starts inherits, from the process that starts it: the first process
   * the trace shows, with no parent in it, gets them.
   */
  public void startedWith(TaskIds ids) {
    feed.calls().ids().starter(ids);
  }

  /** The ids of a process or thread tailor attached to, read from /proc as it attached. */
  public void attachedWith(int pid, TaskIds ids) {
    feed.calls().ids().attached(pid, ids);
  }

  /** Whether any call recorded so far used {@code rawFolder} or something below it. */
  public boolean touched(String rawFolder) {
    return files.touched(rawFolder);
  }

  /** How far the recording has got, readable from any thread. */
  public Progress progress() {
    return progress;
  }

  @Override
  public void accept(TraceEvent event) {
    feed.accept(event);
  }

  /**
   * Applies a call a kernel decoder read, of process {@code pid}; {@code memo}, when given, learns
   * how to replay it for any pid.
   */
  public void call(int pid, Call call, Optional<CallMemo> memo) {
    feed.call(pid, call, memo);
  }

  /** Counts a line the parser could not read, listing the first few. */
  void unparsed(UnparsedLine u) {
    unusable(u.line(), u.reason() + (u.text().isEmpty() ? "" : ": " + u.text()));
    if (u.reason().startsWith("personality")) {
      warn(
          "a process switched to another syscall ABI (32-bit?); its syscalls were named as native ones");
    }
  }

  /** The counter of calls of {@code name}. */
  long[] callCounter(String name) {
    return syscallCounts.computeIfAbsent(
        name,
        k -> {
          progress.newSyscall();
          return new long[1];
        });
  }

  /** The counter of calls of {@code name} that failed with {@code errno}. */
  long[] errorCounter(String name, String errno) {
    return syscallErrors
        .computeIfAbsent(name, k -> new TreeMap<>())
        .computeIfAbsent(errno, k -> new long[1]);
  }

  /** Counts a line that contributes nothing, listing the first few. */
  void unusable(long line, String why) {
    unused++;
    if (diagnostics.size() < MAX_DIAGNOSTICS) {
      diagnostics.add(new Diagnostic(source, line, why));
    }
  }

  /** The counters of recorded argument values. */
  ArgumentValues arguments() {
    return arguments;
  }

  /** The file accesses so far. */
  FileTally files() {
    return files;
  }

  /** The sockets so far. */
  SocketTally sockets() {
    return sockets;
  }

  void capability(String name, String reason) {
    capabilities.computeIfAbsent(name, k -> new TreeSet<>()).add(StraceText.printable(reason, 160));
  }

  // ---- result ----

  /** The recording of everything seen so far. */
  public Recording toRecording(String name, String arch) {
    TreeSet<String> runs = new TreeSet<>(Set.of(run));
    TreeMap<String, SyscallUse> sys = new TreeMap<>();
    syscallCounts.forEach(
        (k, v) -> {
          TreeMap<String, Long> errors = new TreeMap<>();
          syscallErrors.getOrDefault(k, Map.of()).forEach((errno, n) -> errors.put(errno, n[0]));
          sys.put(k, new SyscallUse(v[0], errors, runs));
        });
    // Traced from its start, a workload that uses a file only through an fd got the fd from its
    // starter (or another process); attached to, it may have opened the file before the trace.
    boolean fromStart = targets.isEmpty();
    feed.calls().finish();
    FileTally.Uses fs = files.toUses(runs, fromStart);
    TreeMap<String, SocketUse> ss = sockets.toUses(runs);
    TreeMap<String, CapabilityUse> caps = new TreeMap<>();
    capabilities.forEach((k, v) -> caps.put(k, new CapabilityUse(k, new TreeSet<>(v), runs)));
    List<String> w = new ArrayList<>(warnings);
    feed.calls().notes(w);
    if (unused > diagnostics.size()) {
      w.add(
          unused
              + " trace lines could not be used (the first "
              + diagnostics.size()
              + " are listed)");
    }
    return new Recording(
        Recording.VERSION,
        name,
        arch,
        runs,
        sys,
        fs.named(),
        ss,
        new TreeMap<>(execs),
        caps,
        targets,
        w,
        pids.size(),
        diagnostics,
        unused,
        List.of(),
        List.of(),
        arguments.toUses(runs),
        fs.inherited());
  }
}
