package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.Diagnostic;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.Target;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.SocketKind;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.CallMemo;
import dev.tailor.tracer.event.CloneStarted;
import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.RepeatableCall;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.event.SignalEvent;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.event.UnparsedLine;
import dev.tailor.tracer.strace.StraceText;
import dev.tailor.tracer.strace.TraceParser;
import java.util.ArrayList;
import java.util.EnumSet;
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
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Aggregates trace events into a {@link Recording}: syscall counts and errors, file accesses by
 * resolved path, sockets, execs and the capabilities the calls imply. It follows each process's
 * working directory (from {@code AT_FDCWD</dir>} decorations, chdir and fork) to resolve relative
 * names. Fed from one thread; the counters may be read from another for a status line.
 */
public final class Recorder implements Consumer<TraceEvent> {
  /** Diagnostics kept in the recording; the rest are only counted. */
  static final int MAX_DIAGNOSTICS = 50;

  private final String run;
  private String source;
  private final UnaryOperator<String> syscallNames;

  private final Map<String, long[]> syscallCounts = new HashMap<>();
  private final Map<String, Map<String, long[]>> syscallErrors = new HashMap<>();
  private final Map<String, FileAcc> files = new HashMap<>();
  private final Map<SocketKind, SockAcc> sockets = new HashMap<>();
  private final Map<String, ExecUse> execs = new HashMap<>();
  private final Map<String, Set<String>> capabilities = new TreeMap<>();
  private final ArgumentValues arguments = new ArgumentValues();
  private final Set<Integer> pids = new HashSet<>();
  private final Map<String, String> renamedSyscalls = new HashMap<>();
  private final LinkedHashSet<String> warnings = new LinkedHashSet<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /** Addresses of sockets; a set, so repeated sends add nothing. */
  private final Set<SocketAddress> pendingAddresses = new LinkedHashSet<>();
  private long unused;
  private volatile long syscallTotal;
  private String guarded = "";
  /** {@code guarded} and a slash: what the paths below it start with. */
  private String guardedBelow = "";
  private boolean guardTouched;
  /** The memo offered for the next call, and its pid. */
  private CallMemo offered;
  private int offeredPid;
  /** The pid of the last call, already in {@link #pids}. */
  private int lastPid = -1;
  /** What the call being read did that a repeat of its line must do again. */
  private final Effects effects = new Effects();
  private final PathResolver resolver;
  private final StraceDecoder decoder = new StraceDecoder();
  private final CallInterpreter calls;

  /** Calls that change or read what a repeat of the same line would not share. */
  private static final Set<String> NEVER_REPLAYED = Set.of("chdir", "fchdir", "clone", "clone3", "fork", "vfork");

  static final class FileAcc {
    final EnumSet<Access> ok = EnumSet.noneOf(Access.class);
    final TreeMap<String, TreeSet<String>> failures = new TreeMap<>();
    boolean directory;
    /** Whether a call named the file (an open, a stat, an exec), rather than only used an fd on it. */
    boolean named;
    long count;

    void add(Access kind, String errno, boolean dir) {
      count++;
      directory |= dir;
      if (errno.isEmpty()) {
        ok.add(kind);
      } else {
        failures.computeIfAbsent(errno, k -> new TreeSet<>()).add(kind.label());
      }
    }
  }

  private static final class SockAcc {
    final TreeSet<String> local = new TreeSet<>();
    final TreeSet<String> peers = new TreeSet<>();
    long count;
  }

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
    this.resolver = resolver;
    this.syscallNames = syscallNames;
    this.calls = new CallInterpreter(this, effects, resolver, initialCwd.orElse(""));
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
    calls.paths().setCwd(pid, cwd);
  }

  /** Names the trace the next events come from, for diagnostics. */
  public void setSource(String source) {
    this.source = source;
  }

  /** Adds a warning sentence for the report. */
  public void warn(String warning) {
    warnings.add(warning);
  }

  /** Adds a process that was attached to. */
  public void addTarget(Target target) {
    targets.add(target);
  }

  // ---- calls counted elsewhere (a backend that counts in the kernel) ----

  /** Whether calls fed as events are counted here; see {@link #countCallsElsewhere}. */
  private boolean countEvents = true;

  /**
   * From now on, calls fed as events add files, sockets, execs, processes and capabilities, but no
   * syscall counts, errors or argument values: a backend that counts every call in the kernel
   * feeds only the calls that name files or sockets, as strace would have written them, and adds
   * the counts with {@link #addSyscallCount}, {@link #addSyscallErrors} and {@link #recordArgument}.
   */
  public void countCallsElsewhere() {
    countEvents = false;
  }

  /** Adds {@code count} failures with {@code errno} ({@code ENOENT}) of {@code name}, counted elsewhere. */
  public void addSyscallErrors(String name, String errno, long count) {
    syscallErrors.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(errno, k -> new long[1])[0] += count;
  }

  /** Adds syscall counts observed elsewhere (an in-kernel counter). */
  public void addSyscallCount(String name, long count) {
    syscallCounts.computeIfAbsent(name, k -> new long[1])[0] += count;
    syscallTotal += count;
  }

  /**
   * Records {@code count} calls that passed {@code value} (the raw register) as argument {@code
   * index} of {@code syscall}; ignored unless {@link SyscallModel} marks that argument as recorded.
   */
  public void recordArgument(String syscall, int index, long value, long count) {
    SyscallModel.filter(syscall, index).ifPresent(f -> arguments.add(f, f.normalize(value), count));
  }

  /** Records that a process or thread took part (a backend that sees no per-call events). */
  public void recordProcess(int pid) {
    pids.add(pid);
  }

  /** Records one access to an absolute, resolved path (one char per byte), as a backend saw it. */
  public void recordFile(String rawPath, Access kind, String errno, boolean directory) {
    fileAccess(rawPath, kind, errno, directory).named = true;
  }

  /** Records an open of an absolute, resolved path with strace-style flags ({@code O_RDWR|O_CREAT}). */
  public void recordOpen(String rawPath, String flags, String errno) {
    boolean directory = StraceText.hasFlag(flags, "O_DIRECTORY");
    for (Access k : StraceDecoder.openKinds(flags)) {
      recordFile(rawPath, k, errno, directory);
    }
  }

  /** Records a successful exec of an absolute path; {@code argv} items in {@link PathText} form. */
  public void recordExec(String rawPath, List<String> argv) {
    recordFile(rawPath, Access.EXEC, "", false);
    recordFile(rawPath, Access.READ, "", false);
    String key = PathText.escape(rawPath);
    exec(new ExecUse(key, argv, 1, new TreeSet<>(Set.of(run))));
  }

  /** Records a successful socket() of a family and type as the report names them ({@code inet}, {@code stream}). */
  public void recordSocket(String family, String type) {
    SocketKind kind = new SocketKind(family, type);
    countSocket(kind);
    if (kind.needsNetRaw()) {
      capability("net_raw", "socket(" + family + ", " + type + ")");
    }
  }

  /**
   * Watches a path only tailor may use (the folder of its trace FIFO): a workload that touches
   * it could write trace lines of its own, so such a trace cannot be trusted.
   */
  public void guard(String rawPath) {
    this.guarded = rawPath;
    this.guardedBelow = rawPath + "/";
  }

  /** Whether any traced call named the guarded path or something below it. */
  public boolean guardTouched() {
    return guardTouched;
  }

  /** Calls seen so far. */
  public long syscallTotal() {
    return syscallTotal;
  }

  /** Distinct syscalls seen so far. */
  public int distinctSyscalls() {
    return syscallCounts.size();
  }

  /** Distinct paths seen so far. */
  public int fileCount() {
    return files.size();
  }

  /** Processes and threads seen so far. */
  public int processCount() {
    return pids.size();
  }

  @Override
  public void accept(TraceEvent event) {
    if (event instanceof RepeatedCall r) {
      r.memo().replay(r.pid());
      return;
    }
    if (event instanceof RepeatableCall r) {
      offered = r.memo();
      offeredPid = r.pid();
      return;
    }
    if (event instanceof SyscallEvent s) {
      syscall(s);
      return;
    }
    // An offer is for the call right after it; an unlearned memo is simply never replayed.
    offered = null;
    if (event instanceof CloneStarted c) {
      calls.paths().cloneStarted(c.pid());
    } else if (event instanceof ExitEvent e) {
      pids.add(e.pid());
      calls.paths().exited(e.pid());
    } else if (event instanceof SignalEvent s) {
      pids.add(s.pid());
    } else if (event instanceof UnparsedLine u) {
      unused++;
      if (diagnostics.size() < MAX_DIAGNOSTICS) {
        diagnostics.add(new Diagnostic(source, u.line(), u.reason() + (u.text().isEmpty() ? "" : ": " + u.text())));
      }
      if (u.reason().startsWith("personality")) {
        warn("a process switched to another syscall ABI (32-bit?); its syscalls were named as native ones");
      }
    }
  }

  private void syscall(SyscallEvent e) {
    CallMemo memo = offered;
    offered = null;
    String name = e.name();
    if (!StraceText.decodable(e.args()) || !StraceText.decodable(e.result())) {
      // Guessing what an unknown escape means would record a path that appears nowhere in the log.
      unusable(e.line(), "an escape strace does not write in " + name
          + ": " + StraceText.printable(e.args() + " = " + e.result(), 160));
      return;
    }
    if (name.startsWith("syscall_")) {
      name = renamedSyscalls.computeIfAbsent(name, syscallNames);
    }
    String called = name;
    if (memo != null && offeredPid != e.pid()) {
      memo = null;
    }
    interpret(e.pid(), memo, e.line(), name, () -> decoder.decode(e, called, e.errno().orElse("")));
  }

  /**
   * Applies a call a kernel decoder read, of process {@code pid}; {@code memo}, when given, learns
   * how to replay it for any pid.
   */
  public void call(int pid, Call call, Optional<CallMemo> memo) {
    offered = null;
    interpret(pid, memo.orElse(null), 0, call.name(), () -> call);
  }

  /** Applies a decoded call: counted here unless counted elsewhere, then its effects. */
  private void interpret(int pid, CallMemo offeredMemo, long line, String name, Supplier<Call> decode) {
    if (countEvents) {
      syscallTotal++;
    }
    notePid(pid);
    CallMemo memo = NEVER_REPLAYED.contains(name) ? null : offeredMemo;
    effects.start(memo != null);
    Call call;
    try {
      call = decode.get();
      calls.apply(pid, call);
    } catch (RuntimeException ex) {
      // A malformed argument must never stop the recording; the line is unused, the call not counted.
      effects.end();
      unusable(line, "could not read arguments of " + name + ": " + ex.getMessage());
      return;
    }
    // Where calls are counted elsewhere, a repeat replays the call's effects alone.
    long[] counter = null;
    long[] errors = null;
    if (countEvents) {
      counter = syscallCounts.computeIfAbsent(name, k -> new long[1]);
      counter[0]++;
      if (!call.errno().isEmpty()) {
        errors = syscallErrors.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(call.errno(), k -> new long[1]);
        errors[0]++;
      }
    }
    if (memo != null && !effects.readState) {
      memo.learn(replay(counter, errors, effects.parts()));
    }
    effects.end();
  }

  /** Counts a line that contributes nothing, listing the first few. */
  private void unusable(long line, String why) {
    unused++;
    if (diagnostics.size() < MAX_DIAGNOSTICS) {
      diagnostics.add(new Diagnostic(source, line, why));
    }
  }

  /** What a repeat of a call does: the bookkeeping of {@link #syscall}, then the call's own parts. */
  private CallMemo.Replay replay(long[] counter, long[] errors, CallMemo.Replay[] parts) {
    return pid -> {
      notePid(pid);
      if (counter != null) {
        syscallTotal++;
        counter[0]++;
      }
      if (errors != null) {
        errors[0]++;
      }
      for (CallMemo.Replay part : parts) {
        part.apply(pid);
      }
    };
  }

  /** Notes a pid at its call; a pid new while exactly one process is inside clone/fork is its child. */
  private void notePid(int pid) {
    if (pid == lastPid) {
      return;
    }
    lastPid = pid;
    if (pids.add(pid)) {
      calls.paths().newPid(pid);
    }
  }

  /** The label of this run, for the provenance of what it records. */
  String run() {
    return run;
  }

  /** The counters of recorded argument values. */
  ArgumentValues arguments() {
    return arguments;
  }

  /** Adds a successful exec. */
  void exec(ExecUse use) {
    execs.merge(use.path(), use, ExecUse::merge);
    effects.also(p -> execs.merge(use.path(), use, ExecUse::merge));
  }

  /** Adds a socket address. */
  void address(SocketAddress address) {
    pendingAddresses.add(address);
  }

  /** Counts a value of a recorded argument, unless calls are counted elsewhere. */
  void countArgument(ArgFilter filter, long value) {
    if (!countEvents) {
      return;
    }
    long[] counter = arguments.counter(filter, value);
    counter[0]++;
    effects.also(p -> counter[0]++);
  }

  /** Adds one access to a file; the caller marks whether a call named it. */
  FileAcc fileAccess(String rawPath, Access kind, String errno, boolean directory) {
    if (!guarded.isEmpty() && (rawPath.equals(guarded) || rawPath.startsWith(guardedBelow))) {
      guardTouched = true;
    }
    String key = PathText.escape(rawPath);
    FileAcc f = files.get(key);
    if (f == null) {
      f = new FileAcc();
      files.put(key, f);
      f.directory = errno.isEmpty() && resolver.isDirectory(rawPath);
    }
    f.add(kind, errno, directory);
    FileAcc acc = f;
    effects.also(p -> acc.add(kind, errno, directory));
    return f;
  }

  // ---- sockets and capabilities ----

  void countSocket(SocketKind kind) {
    SockAcc s = sockets.computeIfAbsent(kind, k -> new SockAcc());
    s.count++;
    effects.also(p -> s.count++);
  }

  /** Notes a socket of a kind an fd showed (attach: its socket() not seen). */
  void socketSeen(SocketKind kind) {
    sockets.computeIfAbsent(kind, k -> new SockAcc());
  }

  void capability(String name, String reason) {
    capabilities.computeIfAbsent(name, k -> new TreeSet<>()).add(StraceText.printable(reason, 160));
  }

  // ---- result ----

  /** The recording of everything seen so far. */
  public Recording toRecording(String name, String arch) {
    TreeSet<String> runs = new TreeSet<>(Set.of(run));
    TreeMap<String, SyscallUse> sys = new TreeMap<>();
    syscallCounts.forEach((k, v) -> {
      TreeMap<String, Long> errors = new TreeMap<>();
      syscallErrors.getOrDefault(k, Map.of()).forEach((errno, n) -> errors.put(errno, n[0]));
      sys.put(k, new SyscallUse(v[0], errors, runs));
    });
    TreeMap<String, FileUse> fs = new TreeMap<>();
    TreeMap<String, FileUse> inherited = new TreeMap<>();
    // Traced from its start, a workload that uses a file only through an fd got the fd from its
    // starter (or another process); attached to, it may have opened the file before the trace.
    boolean fromStart = targets.isEmpty();
    files.forEach((k, f) -> {
      TreeMap<String, java.util.SortedSet<String>> failures = new TreeMap<>(f.failures);
      (f.named || !fromStart ? fs : inherited).put(k, new FileUse(k, f.ok, failures, f.directory, f.count, runs));
    });
    TreeMap<String, SockAcc> socks = new TreeMap<>();
    sockets.forEach((k, v) -> socks.put(k.key(), v));
    for (SocketAddress p : pendingAddresses) {
      String key = p.kind().key();
      if (p.kind().type().equals(SocketKind.ANY_TYPE)) {
        String family = p.kind().family();
        key = socks.keySet().stream().filter(k -> k.startsWith(family + " ")).findFirst().orElse(family + " unknown");
      }
      SockAcc s = socks.computeIfAbsent(key, k -> new SockAcc());
      (p.local() ? s.local : s.peers).add(p.address());
    }
    TreeMap<String, SocketUse> ss = new TreeMap<>();
    socks.forEach((k, s) -> {
      int sp = k.indexOf(' ');
      ss.put(k, new SocketUse(k.substring(0, sp), k.substring(sp + 1), s.local, s.peers, s.count, runs));
    });
    TreeMap<String, CapabilityUse> caps = new TreeMap<>();
    capabilities.forEach((k, v) -> caps.put(k, new CapabilityUse(k, new TreeSet<>(v), runs)));
    List<String> w = new ArrayList<>(warnings);
    w.addAll(calls.notes());
    if (unused > diagnostics.size()) {
      w.add(unused + " trace lines could not be used (the first " + diagnostics.size() + " are listed)");
    }
    return new Recording(
        Recording.VERSION, name, arch, runs, sys, fs, ss, new TreeMap<>(execs), caps, targets, w,
        pids.size(), diagnostics, unused, List.of(), List.of(), arguments.toUses(runs), inherited);
  }
}
