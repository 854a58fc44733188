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
import dev.tailor.tracer.strace.StraceArguments;
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
  private final PathResolver resolver;
  private final UnaryOperator<String> syscallNames;
  private final String initialCwd;

  private final Map<String, long[]> syscallCounts = new HashMap<>();
  private final Map<String, Map<String, long[]>> syscallErrors = new HashMap<>();
  private final Map<String, FileAcc> files = new HashMap<>();
  private final Map<String, SockAcc> sockets = new HashMap<>();
  private final Map<String, ExecUse> execs = new HashMap<>();
  private final Map<String, Set<String>> capabilities = new TreeMap<>();
  private final ArgumentValues arguments = new ArgumentValues();
  private final Set<String> unreadArguments = new HashSet<>();
  private final Set<String> interpreters = new TreeSet<>();
  private final Map<Integer, String> cwds = new HashMap<>();
  private final ProcSelf procSelf = new ProcSelf();
  private final Set<Integer> pids = new HashSet<>();
  private final Set<Integer> cloning = new HashSet<>();
  private final Map<String, String> renamedSyscalls = new HashMap<>();
  private final LinkedHashSet<String> warnings = new LinkedHashSet<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /** {socket key, "local" or "peer", address}; a set, so repeated sends add nothing. */
  private final Set<List<String>> pendingAddresses = new LinkedHashSet<>();
  private long unused;
  private volatile long syscallTotal;
  private boolean sawUndecoratedOpen;
  private String guarded = "";
  private long throughLinks;
  private final Set<String> linkExamples = new LinkedHashSet<>();
  private long procLeftOut;
  private final Set<String> procExamples = new LinkedHashSet<>();
  private boolean guardTouched;
  /** The memo offered for the next call, and its pid. */
  private CallMemo offered;
  private int offeredPid;
  /** The pid of the last call, already in {@link #pids}. */
  private int lastPid = -1;
  /**
   * While a call that may repeat is interpreted: the parts of its effect that a replay must apply
   * again (the rest is idempotent: sets, first-seen records); null otherwise.
   */
  private List<CallMemo.Replay> replayParts;
  /** Whether the call being interpreted read state a repeat may not share (a working directory). */
  private boolean readState;

  /** Calls that change or read what a repeat of the same line would not share. */
  private static final Set<String> NEVER_REPLAYED = Set.of("chdir", "fchdir", "clone", "clone3", "fork", "vfork");

  private static final class FileAcc {
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
    this.initialCwd = initialCwd.orElse("");
  }

  /** Syscalls whose arguments the recorder never reads: only their names and results count. */
  private static final Set<String> NAME_ONLY = Set.of(
      "close", "futex", "brk", "mprotect", "munmap", "madvise", "mremap", "rt_sigaction", "rt_sigprocmask",
      "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "sigaltstack", "lseek", "getpid", "gettid", "getppid",
      "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getpgrp", "getsid", "clock_gettime",
      "clock_getres", "gettimeofday", "time", "times", "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl",
      "epoll_create1", "poll", "ppoll", "select", "pselect6", "nanosleep", "clock_nanosleep", "sched_yield",
      "getrandom", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "prlimit64", "getrlimit",
      "arch_prctl", "wait4", "waitid", "exit", "exit_group", "restart_syscall", "dup", "dup2", "dup3", "pipe",
      "pipe2", "eventfd2", "uname", "sysinfo", "getcwd", "sched_getaffinity", "getrusage", "ioctl", "tgkill",
      "kill", "tkill", "alarm", "setitimer", "getitimer", "timerfd_create", "timerfd_settime", "timer_settime",
      "timer_create", "membarrier", "umask", "close_range", "getsockopt", "setsockopt", "getsockname",
      "getpeername", "shutdown", "fsync", "fdatasync", "sync_file_range", "fadvise64", "sched_getparam",
      "sched_getscheduler", "getpriority", "capget", "prctl", "io_uring_enter");

  /** Calls on an fd whose first argument (the fd and its -yy path) is all the recorder reads. */
  private static final Set<String> FIRST_ARGUMENT = Set.of(
      "read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg", "write", "pwrite64",
      "writev", "pwritev", "pwritev2", "getdents64", "getdents", "ftruncate", "fchmod", "fsetxattr",
      "fremovexattr", "flock");

  /**
   * How much of a call the recorder reads, so the parser can skip the rest: every call's name and
   * result count; arguments only for the calls {@link #accept} interprets.
   */
  public static TraceParser.Detail detail(String syscall) {
    if (!SyscallModel.filters(syscall).isEmpty()) {
      return TraceParser.Detail.ALL;
    }
    if (NAME_ONLY.contains(syscall)) {
      return TraceParser.Detail.NAME;
    }
    if (FIRST_ARGUMENT.contains(syscall)) {
      return TraceParser.Detail.FIRST_ARGUMENT;
    }
    return TraceParser.Detail.ALL;
  }

  /** Sets a process's working directory, for processes that were running before the trace. */
  public void setCwd(int pid, String cwd) {
    cwds.put(pid, cwd);
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
    file(rawPath, kind, errno, directory);
  }

  /** Records an open of an absolute, resolved path with strace-style flags ({@code O_RDWR|O_CREAT}). */
  public void recordOpen(String rawPath, String flags, String errno) {
    boolean directory = StraceText.hasFlag(flags, "O_DIRECTORY");
    for (Access k : openKinds(flags)) {
      file(rawPath, k, errno, directory);
    }
  }

  /** Records a successful exec of an absolute path; {@code argv} items in {@link PathText} form. */
  public void recordExec(String rawPath, List<String> argv) {
    file(rawPath, Access.EXEC, "", false);
    file(rawPath, Access.READ, "", false);
    String key = PathText.escape(rawPath);
    execs.merge(key, new ExecUse(key, argv, 1, new TreeSet<>(Set.of(run))), ExecUse::merge);
  }

  /** Records a successful socket() of a family and type as the report names them ({@code inet}, {@code stream}). */
  public void recordSocket(String family, String type) {
    countSocket(family, type);
    if ((type.equals("raw") && (family.equals("inet") || family.equals("inet6"))) || family.equals("packet")) {
      capability(true, "net_raw", "socket(" + family + ", " + type + ")");
    }
  }

  /**
   * Watches a path only tailor may use (the folder of its trace FIFO): a workload that touches
   * it could write trace lines of its own, so such a trace cannot be trusted.
   */
  public void guard(String rawPath) {
    this.guarded = rawPath;
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
      cloning.add(c.pid());
    } else if (event instanceof ExitEvent e) {
      pids.add(e.pid());
      cloning.remove(e.pid());
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
    int pid = e.pid();
    String name = e.name();
    CallMemo memo = offered;
    offered = null;
    if (!StraceText.decodable(e.args()) || !StraceText.decodable(e.result())) {
      // Guessing what an unknown escape means would record a path that appears nowhere in the log.
      unusable(e.line(), "an escape strace does not write in " + name
          + ": " + StraceText.printable(e.args() + " = " + e.result(), 160));
      return;
    }
    syscallTotal++;
    notePid(pid);
    if (name.startsWith("syscall_")) {
      name = renamedSyscalls.computeIfAbsent(name, syscallNames);
    }
    if (memo != null && (offeredPid != pid || NEVER_REPLAYED.contains(name))) {
      memo = null;
    }
    Optional<String> errno = e.errno();
    replayParts = memo == null ? null : new ArrayList<>(2);
    readState = false;
    try {
      interpret(e, name, pid, errno.orElse(""));
    } catch (RuntimeException ex) {
      // A malformed argument must never stop the recording; the line is unused, the call not counted.
      replayParts = null;
      unusable(e.line(), "could not read arguments of " + name + ": " + ex.getMessage());
      return;
    }
    long[] counter = syscallCounts.computeIfAbsent(name, k -> new long[1]);
    counter[0]++;
    long[] errors = null;
    if (errno.isPresent()) {
      errors = syscallErrors.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(errno.get(), k -> new long[1]);
      errors[0]++;
    }
    if (memo != null && !readState) {
      memo.learn(replay(counter, errors, replayParts.toArray(CallMemo.Replay[]::new)));
    }
    replayParts = null;
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
      syscallTotal++;
      notePid(pid);
      counter[0]++;
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
    if (pids.add(pid) && !cwds.containsKey(pid) && cloning.size() == 1) {
      int parent = cloning.iterator().next();
      String parentCwd = cwds.get(parent);
      if (parentCwd != null) {
        cwds.put(pid, parentCwd);
      }
      procSelf.fork(parent, pid);
    }
  }

  /** Adds a part to the replay of the call being interpreted, if it may repeat. */
  private void replayAlso(CallMemo.Replay part) {
    if (replayParts != null) {
      replayParts.add(part);
    }
  }

  /** The working directory of {@code pid}, which a repeat of the call may not share. */
  private String cwdOf(int pid) {
    readState = true;
    return cwds.getOrDefault(pid, initialCwd);
  }

  private void interpret(SyscallEvent e, String name, int pid, String errno) {
    boolean ok = errno.isEmpty() && !e.unreturned();
    switch (name) {
      case "open", "creat" -> open(e, pid, errno, null, 0);
      case "openat" -> open(e, pid, errno, "", 1);
      case "openat2" -> open(e, pid, errno, "", 1);
      case "execve" -> exec(e, pid, errno, null, 0);
      case "execveat" -> exec(e, pid, errno, "", 1);
      case "stat", "lstat", "access", "statfs", "getxattr", "listxattr", "truncate", "chmod", "chown",
          "lchown", "utime", "utimes", "readlink", "lgetxattr", "llistxattr", "setxattr", "lsetxattr",
          "removexattr", "lremovexattr", "inotify_add_watch", "chroot", "uselib", "swapon", "swapoff",
          "acct", "mknod" -> pathCall(e, name, pid, errno, null, 0);
      case "newfstatat", "fstatat64", "statx", "faccessat", "faccessat2", "readlinkat", "fchmodat",
          "fchownat", "utimensat", "futimesat", "mknodat", "name_to_handle_at" -> pathCall(e, name, pid, errno, "", 1);
      case "mkdir" -> mkdir(e, pid, errno, null, 0);
      case "mkdirat" -> mkdir(e, pid, errno, "", 1);
      case "rmdir" -> remove(e, pid, errno, null, 0, true);
      case "unlink" -> remove(e, pid, errno, null, 0, false);
      case "unlinkat" -> {
        List<String> a = StraceText.splitArgs(e.args());
        remove(e, pid, errno, "", 1, a.size() > 2 && StraceText.hasFlag(a.get(2), "AT_REMOVEDIR"));
      }
      case "rename" -> rename(e, pid, errno, -1, 0, -1, 1);
      case "renameat", "renameat2" -> rename(e, pid, errno, 0, 1, 2, 3);
      case "link" -> link(e, pid, errno, -1, 0, -1, 1, Access.LINK);
      case "linkat" -> link(e, pid, errno, 0, 1, 2, 3, Access.LINK);
      case "symlink" -> link(e, pid, errno, -1, -1, -1, 1, Access.CREATE);
      case "symlinkat" -> link(e, pid, errno, -1, -1, 1, 2, Access.CREATE);
      case "chdir" -> {
        if (ok) {
          List<String> a = StraceText.splitArgs(e.args());
          argPath(pid, a, null, 0, true).ifPresent(p -> {
            cwds.put(pid, p);
            file(p, Access.STAT, "", true);
          });
        }
      }
      case "fchdir" -> {
        if (ok) {
          fdPath(StraceText.splitArgs(e.args()), 0).ifPresent(p -> cwds.put(pid, p));
        }
      }
      case "clone", "clone3", "fork", "vfork" -> {
        cloning.remove(pid);
        long child = e.childPid();
        if (ok && child > 0) {
          String cwd = cwds.get(pid);
          if (cwd != null) {
            cwds.putIfAbsent((int) child, cwd);
          }
          procSelf.fork(pid, (int) child);
        }
      }
      case "read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg" -> fdAccess(e, ok, Access.READ);
      case "write", "pwrite64", "writev", "pwritev", "pwritev2", "sendmsg", "sendmmsg", "sendto" -> {
        fdAccess(e, ok, Access.WRITE);
        if (ok && name.startsWith("send")) {
          peer(e);
        }
      }
      case "getdents64", "getdents" -> {
        if (ok) {
          fdPath(StraceText.splitArgs(e.args()), 0).ifPresent(p -> fdFile(p, Access.READ, "", true));
        }
      }
      case "fstat", "fstat64" -> {
        List<String> a = StraceText.splitArgs(e.args());
        if (ok && isDirectoryStat(a, 1)) {
          fdPath(a, 0).ifPresent(p -> fdFile(p, Access.STAT, "", true));
        }
      }
      case "sendfile", "sendfile64", "copy_file_range", "splice" -> {
        // Data moved between two fds in the kernel: (out, in) for sendfile, (in, _, out) for the others.
        if (ok) {
          List<String> a = StraceText.splitArgs(e.args());
          boolean sendfile = name.startsWith("sendfile");
          fdPath(a, sendfile ? 1 : 0).ifPresent(p -> fdFile(p, Access.READ, "", false));
          fdPath(a, sendfile ? 0 : 2).ifPresent(p -> fdFile(p, Access.WRITE, "", false));
        }
      }
      case "ftruncate" -> fdAccess(e, ok, Access.WRITE);
      case "fchmod", "fchown", "fsetxattr", "fremovexattr" -> fdAccess(e, ok, Access.SETATTR);
      case "flock" -> fdAccess(e, ok, Access.LOCK);
      case "fcntl", "fcntl64" -> {
        List<String> a = StraceText.splitArgs(e.args());
        if (ok && a.size() > 1 && (StraceText.hasFlag(a.get(1), "F_SETLK") || StraceText.hasFlag(a.get(1), "F_SETLKW")
            || StraceText.hasFlag(a.get(1), "F_OFD_SETLK") || StraceText.hasFlag(a.get(1), "F_OFD_SETLKW"))) {
          fdAccess(e, true, Access.LOCK);
        }
      }
      case "mmap", "mmap2" -> {
        if (ok) {
          List<String> a = StraceText.splitArgs(e.args());
          if (a.size() >= 5 && StraceText.hasFlag(a.get(2), "PROT_EXEC")) {
            fdPath(a, 4).ifPresent(p -> {
              fdFile(p, Access.MMAP_EXEC, "", false);
              fdFile(p, Access.READ, "", false);
            });
          }
        }
      }
      case "socket" -> socket(e, ok);
      case "socketpair" -> {
        if (ok) {
          List<String> a = StraceText.splitArgs(e.args());
          if (a.size() >= 2) {
            countSocket(SocketText.family(a.get(0)), SocketText.type(a.get(1)));
          }
        }
      }
      case "bind" -> bind(e, pid, ok);
      case "connect" -> {
        if (ok || errno.equals("EINPROGRESS")) {
          peer(e);
          unixPathOf(e, pid).ifPresent(p -> file(p, Access.WRITE, "", false));
        }
      }
      case "accept", "accept4", "listen" -> {
        if (ok) {
          socketOfDecoration(e.name().startsWith("accept") ? e.result() : StraceText.splitArgs(e.args()).get(0));
        }
      }
      case "setuid", "setreuid", "setresuid", "setfsuid", "setuid32", "setreuid32", "setresuid32" ->
          capability(ok, "setuid", name + "(" + e.args() + ")");
      case "setgid", "setregid", "setresgid", "setfsgid", "setgroups", "setgid32", "setregid32",
          "setresgid32", "setgroups32" -> capability(ok, "setgid", name + "(" + e.args() + ")");
      case "mount", "umount2", "umount", "pivot_root", "setns", "sethostname", "setdomainname",
          "fsopen", "fsmount", "move_mount", "open_tree" -> capability(ok, "sys_admin", name);
      case "unshare" -> {
        if (!e.args().equals("0")) {
          capability(ok, "sys_admin", "unshare(" + e.args() + ")");
        }
      }
      case "ptrace", "process_vm_readv", "process_vm_writev" -> capability(ok, "sys_ptrace", name);
      case "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "stime" -> {
        if (!name.equals("adjtimex") || !e.args().contains("modes=0")) {
          capability(ok, "sys_time", name);
        }
      }
      case "reboot", "kexec_load", "kexec_file_load" -> capability(ok, "sys_boot", name);
      case "init_module", "finit_module", "delete_module" -> capability(ok, "sys_module", name);
      case "iopl", "ioperm" -> capability(ok, "sys_rawio", name);
      case "capset" -> capability(ok, "setpcap", "capset");
      case "bpf" -> capability(ok, "bpf", "bpf(" + firstArg(e) + ")");
      case "perf_event_open" -> capability(ok, "perfmon", "perf_event_open");
      case "sched_setscheduler", "sched_setattr" -> {
        if (e.args().contains("SCHED_FIFO") || e.args().contains("SCHED_RR")) {
          capability(ok, "sys_nice", name + " real-time policy");
        }
      }
      default -> {
        // Counted above; no path, socket or capability meaning.
      }
    }
    if (name.equals("fchownat") || name.equals("chown") || name.equals("lchown") || name.equals("fchown")) {
      List<String> a = StraceText.splitArgs(e.args());
      int ids = name.equals("fchownat") ? 2 : 1;
      // uid and gid -1 change nothing and need no capability. Other ids need CAP_CHOWN unless the
      // caller owns the file and keeps its owner (and one of its groups): the trace cannot tell.
      if (a.size() <= ids + 1 || !a.get(ids).equals("-1") || !a.get(ids + 1).equals("-1")) {
        capability(ok, "chown", name + "(" + StraceText.printable(PathText.escape(e.args()), 70)
            + ") - may not have been needed: the trace does not show the file's owner");
      }
    }
    if (name.equals("mknod") || name.equals("mknodat")) {
      // The mode argument, never the path: a file name may spell "S_IFCHR".
      List<String> a = StraceText.splitArgs(e.args());
      int mode = name.equals("mknod") ? 1 : 2;
      if (a.size() > mode && (StraceText.hasFlag(a.get(mode), "S_IFCHR") || StraceText.hasFlag(a.get(mode), "S_IFBLK"))) {
        capability(ok, "mknod", name + " of a device node");
      }
    }
    if (name.equals("chroot")) {
      capability(ok, "sys_chroot", "chroot");
    }
    arguments(e, name);
  }

  /**
   * Counts the values of the call's recorded arguments, failed calls too: a filter must let them
   * fail as they did. A value that cannot be read is not counted, so the values no longer account
   * for every call and no rule is written from them.
   */
  private void arguments(SyscallEvent e, String name) {
    List<ArgFilter> filters = SyscallModel.filters(name);
    if (filters.isEmpty()) {
      return;
    }
    List<String> a = StraceText.splitArgs(e.args());
    for (ArgFilter f : filters) {
      Optional<Long> v = StraceArguments.value(f, a);
      if (v.isPresent()) {
        long[] counter = arguments.counter(f, f.normalize(v.get()));
        counter[0]++;
        replayAlso(p -> counter[0]++);
      } else if (unreadArguments.add(f.syscall() + " argument " + f.index())) {
        warn("values of " + f.syscall() + " argument " + f.index() + " could not be read from the trace ("
            + StraceText.printable(e.args(), 60) + "): no argument rule is learned for it; "
            + (SyscallModel.STRACE_RAW.contains(f.syscall())
                ? "record with strace -e raw=" + String.join(",", SyscallModel.STRACE_RAW) + " (tailor learn does)"
                : "strace wrote a name tailor does not know"));
      }
    }
  }

  // ---- files ----

  private void open(SyscallEvent e, int pid, String errno, String dirfd, int pathIndex) {
    List<String> a = StraceText.splitArgs(e.args());
    if (a.size() <= pathIndex) {
      return;
    }
    String flags;
    if (e.name().equals("creat")) {
      flags = "O_WRONLY|O_CREAT|O_TRUNC";
    } else if (e.name().equals("openat2")) {
      flags = a.size() > 2 ? StraceText.field(a.get(2), "flags").orElse("O_RDONLY") : "O_RDONLY";
    } else {
      flags = a.size() > pathIndex + 1 ? a.get(pathIndex + 1) : "O_RDONLY";
    }
    EnumSet<Access> kinds = openKinds(flags);
    boolean directory = StraceText.hasFlag(flags, "O_DIRECTORY");
    if (errno.isEmpty() && !e.unreturned()) {
      Optional<String> resolved = StraceText.decoratedPath(e.result());
      String path;
      if (resolved.isPresent()) {
        path = resolved.get();
      } else {
        sawUndecoratedOpen = true;
        Optional<String> p = argPath(pid, a, dirfd, pathIndex, true);
        if (p.isEmpty()) {
          return;
        }
        path = p.get();
      }
      for (Access k : kinds) {
        file(path, k, "", directory);
      }
    } else if (!errno.isEmpty()) {
      Optional<String> p = argPath(pid, a, dirfd, pathIndex, true);
      if (p.isPresent()) {
        for (Access k : kinds) {
          file(p.get(), k, errno, directory);
        }
      }
    }
  }

  static EnumSet<Access> openKinds(String flags) {
    EnumSet<Access> k = EnumSet.noneOf(Access.class);
    if (StraceText.hasFlag(flags, "O_PATH")) {
      k.add(Access.STAT);
      return k;
    }
    boolean append = StraceText.hasFlag(flags, "O_APPEND") && !StraceText.hasFlag(flags, "O_TRUNC");
    Access writeKind = append ? Access.APPEND : Access.WRITE;
    if (StraceText.hasFlag(flags, "O_RDWR")) {
      k.add(Access.READ);
      k.add(writeKind);
    } else if (StraceText.hasFlag(flags, "O_WRONLY")) {
      k.add(writeKind);
    } else {
      k.add(Access.READ);
      if (StraceText.hasFlag(flags, "O_TRUNC")) {
        k.add(Access.WRITE);
      }
    }
    if (StraceText.hasFlag(flags, "O_CREAT") || StraceText.hasFlag(flags, "O_TMPFILE")) {
      k.add(Access.CREATE);
    }
    return k;
  }

  private void exec(SyscallEvent e, int pid, String errno, String dirfd, int pathIndex) {
    List<String> a = StraceText.splitArgs(e.args());
    Optional<String> path;
    if (dirfd != null && a.size() > 4 && a.get(pathIndex).equals("\"\"")) {
      // execveat(fd, "", ..., AT_EMPTY_PATH) runs the file fd is open on (fexecve); never a directory's fd.
      path = StraceText.hasFlag(a.get(4), "AT_EMPTY_PATH") && !a.get(0).startsWith("AT_FDCWD") ? fdPath(a, 0) : Optional.empty();
    } else {
      path = argPath(pid, a, dirfd, pathIndex, true);
    }
    if (path.isEmpty()) {
      return;
    }
    // execve of another thread reports "= 0" on the leader; "?" only when the process died meanwhile.
    if (!errno.isEmpty()) {
      file(path.get(), Access.EXEC, errno, false);
      return;
    }
    if (e.unreturned()) {
      return;
    }
    file(path.get(), Access.EXEC, "", false);
    file(path.get(), Access.READ, "", false);
    String program = interpreted(pid, path.get());
    procSelf.exec(pid, program);
    replayAlso(p -> procSelf.exec(p, program));
    List<String> argv = new ArrayList<>();
    if (a.size() > pathIndex + 1) {
      String list = a.get(pathIndex + 1);
      if (list.startsWith("[") && list.endsWith("]")) {
        for (String item : StraceText.splitArgs(list.substring(1, list.length() - 1))) {
          argv.add(StraceText.unquote(item).map(PathText::escape).orElse(item)
              + (StraceText.isTruncated(item) ? "..." : ""));
        }
      }
    }
    String key = PathText.escape(path.get());
    ExecUse use = new ExecUse(key, argv, 1, new TreeSet<>(Set.of(run)));
    execs.merge(key, use, ExecUse::merge);
    replayAlso(p -> execs.merge(key, use, ExecUse::merge));
  }

  /**
   * The program a successful exec of {@code path} runs: for a {@code #!} script, the kernel opens
   * its interpreter inside the same execve, with no syscall of its own to show it, and maps it;
   * the interpreter gets read and mmap access here. Up to the kernel's four levels of scripts.
   */
  private String interpreted(int pid, String path) {
    String program = path;
    for (int depth = 0; depth < Interpreters.MAX_DEPTH; depth++) {
      Optional<String> interpreter = resolver.head(program, Interpreters.HEAD).flatMap(Interpreters::of);
      if (interpreter.isEmpty()) {
        return program;
      }
      String name = interpreter.get();
      String base = name.startsWith("/") ? "" : cwdOf(pid);
      if (!name.startsWith("/") && base.isEmpty()) {
        return program;
      }
      String next = resolver.resolve(PathNames.join(base, name), true);
      if (!resolver.isExecutableFile(next)) {
        // The kernel runs only an executable interpreter: a script rewritten since names another.
        return program;
      }
      program = next;
      interpreters.add(PathText.escape(program));
      file(program, Access.READ, "", false);
      file(program, Access.MMAP_EXEC, "", false);
      readState = true;
    }
    return program;
  }

  private void pathCall(SyscallEvent e, String name, int pid, String errno, String dirfd, int pathIndex) {
    List<String> a = StraceText.splitArgs(e.args());
    if (a.size() <= pathIndex) {
      return;
    }
    int flagsAt = switch (name) {
      case "newfstatat", "fstatat64", "fchmodat", "utimensat", "faccessat2" -> 3;
      case "fchownat" -> 4;
      case "statx" -> 2;
      default -> -1;
    };
    boolean nofollow = name.equals("lstat") || name.startsWith("readlink") || name.startsWith("l")
        || name.equals("mknod") || name.equals("mknodat")
        || (flagsAt >= 0 && a.size() > flagsAt && StraceText.hasFlag(a.get(flagsAt), "AT_SYMLINK_NOFOLLOW"));
    Access kind = switch (name) {
      case "truncate" -> Access.WRITE;
      case "chmod", "chown", "lchown", "utime", "utimes", "fchmodat", "fchownat", "utimensat", "futimesat",
          "setxattr", "lsetxattr", "removexattr", "lremovexattr" -> Access.SETATTR;
      case "inotify_add_watch" -> Access.READ;
      case "mknod", "mknodat" -> Access.CREATE;
      case "uselib" -> Access.MMAP_EXEC;
      default -> Access.STAT;
    };
    String token = a.get(pathIndex);
    // stat results say what the path is: {st_mode=S_IFDIR|0755, ...}, statx's stx_mode likewise.
    int statAt = switch (name) {
      case "stat", "lstat" -> 1;
      case "newfstatat", "fstatat64" -> 2;
      case "statx" -> 4;
      default -> -1;
    };
    boolean directory = errno.isEmpty() && isDirectoryStat(a, statAt);
    if (token.equals("\"\"") && dirfd != null) {
      // fstatat(fd, "", ..., AT_EMPTY_PATH): the fd itself.
      if (errno.isEmpty()) {
        fdPath(a, 0).ifPresent(p -> fdFile(p, kind, "", directory));
      }
      return;
    }
    argPath(pid, a, dirfd, pathIndex, !nofollow).ifPresent(p -> file(p, kind, errno, directory));
  }

  /** Whether argument {@code at} is a stat struct of a directory ({st_mode=S_IFDIR|...}). */
  private static boolean isDirectoryStat(List<String> a, int at) {
    if (at < 0 || a.size() <= at) {
      return false;
    }
    String st = a.get(at);
    return st.startsWith("{st_mode=S_IFDIR") || st.startsWith("{stx_mask=") && st.contains(", stx_mode=S_IFDIR");
  }

  private void mkdir(SyscallEvent e, int pid, String errno, String dirfd, int pathIndex) {
    List<String> a = StraceText.splitArgs(e.args());
    argPath(pid, a, dirfd, pathIndex, false).ifPresent(p -> {
      file(p, Access.MKDIR, errno, true);
    });
  }

  private void remove(SyscallEvent e, int pid, String errno, String dirfd, int pathIndex, boolean dir) {
    List<String> a = StraceText.splitArgs(e.args());
    argPath(pid, a, dirfd, pathIndex, false).ifPresent(p -> file(p, Access.DELETE, errno, dir));
  }

  private void rename(SyscallEvent e, int pid, String errno, int fromDir, int from, int toDir, int to) {
    List<String> a = StraceText.splitArgs(e.args());
    Optional<String> src = argPathAt(pid, a, fromDir, from, false);
    Optional<String> dst = argPathAt(pid, a, toDir, to, false);
    src.ifPresent(p -> file(p, Access.RENAME, errno, false));
    dst.ifPresent(p -> file(p, Access.CREATE, errno, false));
  }

  private void link(SyscallEvent e, int pid, String errno, int fromDir, int from, int toDir, int to, Access kind) {
    List<String> a = StraceText.splitArgs(e.args());
    if (from >= 0) {
      argPathAt(pid, a, fromDir, from, false).ifPresent(p -> file(p, Access.STAT, errno, false));
    }
    argPathAt(pid, a, toDir, to, false).ifPresent(p -> file(p, kind, errno, false));
  }

  private Optional<String> argPathAt(int pid, List<String> a, int dirIndex, int pathIndex, boolean follow) {
    if (dirIndex < 0) {
      return argPath(pid, a, null, pathIndex, follow);
    }
    if (a.size() <= Math.max(dirIndex, pathIndex)) {
      return Optional.empty();
    }
    return resolveArg(pid, a.get(dirIndex), a.get(pathIndex), follow);
  }

  /** The absolute, resolved path of argument {@code pathIndex}, with dirfd argument 0 if {@code dirfd != null}. */
  private Optional<String> argPath(int pid, List<String> a, String dirfd, int pathIndex, boolean follow) {
    if (a.size() <= pathIndex) {
      return Optional.empty();
    }
    return resolveArg(pid, dirfd == null ? null : a.get(0), a.get(pathIndex), follow);
  }

  private Optional<String> resolveArg(int pid, String dirToken, String pathToken, boolean follow) {
    Optional<String> name = StraceText.unquote(pathToken);
    if (name.isEmpty() || StraceText.isTruncated(pathToken)) {
      return Optional.empty();
    }
    String n = name.get();
    // AT_FDCWD</dir>: strace says where the process is, which is also what a repeat will say.
    String decoratedCwd = "";
    if (dirToken != null && dirToken.startsWith("AT_FDCWD")) {
      decoratedCwd = StraceText.decoratedPath(dirToken).orElse("");
      if (!decoratedCwd.isEmpty()) {
        String d = decoratedCwd;
        cwds.put(pid, d);
        replayAlso(p -> cwds.put(p, d));
      }
    }
    String base;
    if (n.startsWith("/")) {
      base = "";
    } else if (dirToken != null && !dirToken.startsWith("AT_FDCWD")) {
      Optional<String> d = StraceText.decoratedPath(dirToken);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      base = d.get();
    } else {
      base = decoratedCwd.isEmpty() ? cwdOf(pid) : decoratedCwd;
      if (base.isEmpty()) {
        warn("relative paths were seen for processes whose working directory is unknown; they are left out");
        return Optional.empty();
      }
    }
    String joined = PathNames.join(base, n);
    String lexical = PathNames.normalize(joined);
    if (ProcSelf.owns(lexical)) {
      // What the traced process sees there, never this machine's /proc; it depends on the pid.
      readState = true;
      Optional<String> seen = procSelf.resolve(pid, lexical, follow, this::cwdOf);
      if (seen.isEmpty()) {
        procLeftOut++;
        if (procExamples.size() < 3) {
          procExamples.add(PathText.escape(lexical));
        }
        return seen;
      }
      return ProcSelf.owns(seen.get()) ? seen : Optional.of(resolver.resolve(seen.get(), follow));
    }
    String resolved = resolver.resolve(joined, follow);
    if (!resolved.equals(lexical)) {
      throughLinks++;
      replayAlso(p -> throughLinks++);
      if (linkExamples.size() < 5) {
        linkExamples.add(PathText.escape(lexical) + " -> " + PathText.escape(resolved));
      }
    }
    return Optional.of(resolved);
  }

  private static Optional<String> fdPath(List<String> a, int index) {
    return a.size() > index ? StraceText.decoratedPath(a.get(index)) : Optional.empty();
  }

  private void fdAccess(SyscallEvent e, boolean ok, Access kind) {
    if (!ok) {
      return;
    }
    String args = e.args();
    int lt = args.indexOf('<');
    int comma = args.indexOf(',');
    if (lt < 0 || (comma >= 0 && comma < lt)) {
      return;
    }
    // The fd is the first argument: "3</path>", up to its decoration's end (no full split needed).
    String first = args.substring(0, StraceText.skipDecoration(args, lt));
    Optional<String> path = StraceText.decoratedPath(first);
    if (path.isPresent()) {
      fdFile(path.get(), kind, "", false);
    } else {
      socketOfDecoration(first);
    }
  }

  /** Records an access to a file a call named. */
  private void file(String rawPath, Access kind, String errno, boolean directory) {
    fileAccess(rawPath, kind, errno, directory).named = true;
  }

  /** Records an access through an fd: a file only ever used so may have been inherited. */
  private void fdFile(String rawPath, Access kind, String errno, boolean directory) {
    fileAccess(rawPath, kind, errno, directory);
  }

  private FileAcc fileAccess(String rawPath, Access kind, String errno, boolean directory) {
    if (!guarded.isEmpty() && (rawPath.equals(guarded) || rawPath.startsWith(guarded + "/"))) {
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
    replayAlso(p -> acc.add(kind, errno, directory));
    return f;
  }

  // ---- sockets ----

  private void socket(SyscallEvent e, boolean ok) {
    if (!ok) {
      return;
    }
    List<String> a = StraceText.splitArgs(e.args());
    if (a.size() < 2) {
      return;
    }
    String family = SocketText.family(a.get(0));
    String type = SocketText.type(a.get(1));
    countSocket(family, type);
    if (type.equals("raw") && (family.equals("inet") || family.equals("inet6"))) {
      capability(true, "net_raw", "socket(" + a.get(0) + ", " + a.get(1) + ")");
    }
    if (family.equals("packet")) {
      capability(true, "net_raw", "socket(" + a.get(0) + ", " + a.get(1) + ")");
    }
  }

  private void countSocket(String family, String type) {
    SockAcc s = sockets.computeIfAbsent(family + " " + type, k -> new SockAcc());
    s.count++;
    replayAlso(p -> s.count++);
  }

  /** Notes the socket kind of a decoration such as {@code 3<TCP:[...]>} (attach: socket() not seen). */
  private void socketOfDecoration(String token) {
    SocketText.decoratedKind(token).ifPresent(key -> sockets.computeIfAbsent(key, k -> new SockAcc()));
  }

  private void bind(SyscallEvent e, int pid, boolean ok) {
    if (!ok) {
      return;
    }
    List<String> a = StraceText.splitArgs(e.args());
    if (a.size() < 2) {
      return;
    }
    socketOfDecoration(a.get(0));
    Optional<String[]> addr = SocketText.address(a.get(1));
    if (addr.isEmpty()) {
      return;
    }
    String family = addr.get()[0];
    String where = addr.get()[1];
    pendingAddresses.add(List.of(decoratedKey(a.get(0), family), "local", where));
    int port = SocketText.port(a.get(1));
    if (port > 0 && port < 1024 && (family.equals("inet") || family.equals("inet6"))) {
      capability(true, "net_bind_service", "bind to port " + port + " (" + where + ")");
    }
    unixPathOf(e, pid).ifPresent(p -> file(p, Access.CREATE, "", false));
  }

  private void peer(SyscallEvent e) {
    String args = e.args();
    int sa = args.indexOf("sa_family=");
    if (sa < 0) {
      return;
    }
    List<String> a = StraceText.splitArgs(args);
    int brace = args.lastIndexOf('{', sa);
    Optional<String[]> addr = SocketText.address(args.substring(Math.max(0, brace)));
    addr.ifPresent(x -> pendingAddresses.add(List.of(decoratedKey(a.get(0), x[0]), "peer", x[1])));
  }

  private Optional<String> unixPathOf(SyscallEvent e, int pid) {
    List<String> a = StraceText.splitArgs(e.args());
    if (a.size() < 2) {
      return Optional.empty();
    }
    String s = a.get(1);
    Optional<String> path = StraceText.field(s, "sun_path");
    if (path.isEmpty() || path.get().startsWith("@")) {
      return Optional.empty();
    }
    Optional<String> raw = StraceText.unquote(path.get());
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return Optional.empty();
    }
    String n = raw.get();
    String base = n.startsWith("/") ? "" : cwdOf(pid);
    if (!n.startsWith("/") && base.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(resolver.resolve(PathNames.join(base, n), false));
  }

  private static String decoratedKey(String fdToken, String family) {
    return SocketText.decoratedKind(fdToken).orElse(family + " ?");
  }

  // ---- capabilities ----

  private void capability(boolean ok, String name, String reason) {
    if (ok) {
      capabilities.computeIfAbsent(name, k -> new TreeSet<>()).add(StraceText.printable(reason, 160));
    }
  }

  private static String firstArg(SyscallEvent e) {
    List<String> a = StraceText.splitArgs(e.args());
    return a.isEmpty() ? "" : a.get(0);
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
    TreeMap<String, SockAcc> socks = new TreeMap<>(sockets);
    for (List<String> p : pendingAddresses) {
      String key = p.get(0);
      if (key.endsWith(" ?")) {
        String family = key.substring(0, key.length() - 2);
        key = socks.keySet().stream().filter(k -> k.startsWith(family + " ")).findFirst().orElse(family + " unknown");
      }
      SockAcc s = socks.computeIfAbsent(key, k -> new SockAcc());
      (p.get(1).equals("local") ? s.local : s.peers).add(p.get(2));
    }
    TreeMap<String, SocketUse> ss = new TreeMap<>();
    socks.forEach((k, s) -> {
      int sp = k.indexOf(' ');
      ss.put(k, new SocketUse(k.substring(0, sp), k.substring(sp + 1), s.local, s.peers, s.count, runs));
    });
    TreeMap<String, CapabilityUse> caps = new TreeMap<>();
    capabilities.forEach((k, v) -> caps.put(k, new CapabilityUse(k, new TreeSet<>(v), runs)));
    List<String> w = new ArrayList<>(warnings);
    if (sawUndecoratedOpen) {
      w.add("the trace has no -yy fd decorations: opened paths come from the call arguments, unresolved "
          + "through symlinks, and fd-only accesses (read, write, mmap of inherited fds) are not seen; "
          + "record with strace -f -yy");
    }
    if (throughLinks > 0) {
      w.add(throughLinks + " argument paths (exec, stat, unlink, rename, mkdir, failed opens) went through symlinks and "
          + "were resolved on this machine when the trace was read, as the kernel resolves them (e.g. "
          + String.join(", ", linkExamples) + "); a workload that changed a symlink in between could mislead this");
    }
    if (!interpreters.isEmpty()) {
      w.add("#! scripts were exec'd: their interpreters (" + String.join(", ", interpreters) + ") were read from the "
          + "scripts' first lines on this machine when the trace was read, as the kernel reads them at exec; they get "
          + "read and mmap access");
    }
    if (procLeftOut > 0) {
      w.add(procLeftOut + " paths through /proc named what only the traced process knew (a file descriptor, or a "
          + "program or directory not in the trace; e.g. " + String.join(", ", procExamples) + ") and are left out");
    }
    if (unused > diagnostics.size()) {
      w.add(unused + " trace lines could not be used (the first " + diagnostics.size() + " are listed)");
    }
    return new Recording(
        Recording.VERSION, name, arch, runs, sys, fs, ss, new TreeMap<>(execs), caps, targets, w,
        pids.size(), diagnostics, unused, List.of(), List.of(), arguments.toUses(runs), inherited);
  }
}
