package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceArguments;
import dev.tailor.tracer.strace.StraceText;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads strace's text of each call into what the call did, for the {@link Recorder} to add up:
 * the files it named and how (by the rows of {@link SyscallModel}), the fds it used, its sockets,
 * execs and the capabilities it implies, and the values of its recorded arguments. Names are
 * resolved as the kernel did at the call by {@link ProcessPaths}.
 */
final class StraceCalls {
  private final Recorder recorder;
  private final Effects effects;
  private final PathResolver resolver;
  private final ProcessPaths paths;
  private final Set<String> unreadArguments = new HashSet<>();
  private final Set<String> interpreters = new TreeSet<>();
  private boolean sawUndecoratedOpen;
  private final StraceSockets sockets;

  StraceCalls(Recorder recorder, Effects effects, PathResolver resolver, String initialCwd) {
    this.recorder = recorder;
    this.effects = effects;
    this.resolver = resolver;
    this.paths = new ProcessPaths(recorder, effects, resolver, initialCwd);
    this.sockets = new StraceSockets(recorder, resolver, paths::cwdOf, this::args);
  }

  /** The call whose arguments {@link #split} holds. */
  private SyscallEvent splitOf;
  private List<String> split;

  /**
   * The call's arguments split at their top-level commas, once per call: the parts that read a
   * call (its files, its sockets, its argument values) each need them.
   */
  List<String> args(SyscallEvent e) {
    if (e != splitOf) {
      split = java.util.Collections.unmodifiableList(StraceText.splitArgs(e.args()));
      splitOf = e;
    }
    return split;
  }

  /** Where names are resolved from, process by process. */
  ProcessPaths paths() {
    return paths;
  }

  /** What this reading could not see or had to resolve on this machine, one sentence each. */
  List<String> notes() {
    List<String> w = new ArrayList<>();
    if (sawUndecoratedOpen) {
      w.add("the trace has no -yy fd decorations: opened paths come from the call arguments, unresolved "
          + "through symlinks, and fd-only accesses (read, write, mmap of inherited fds) are not seen; "
          + "record with strace -f -yy");
    }
    w.addAll(paths.linkNotes());
    if (!interpreters.isEmpty()) {
      w.add("#! scripts were exec'd: their interpreters (" + String.join(", ", interpreters) + ") were read from the "
          + "scripts' first lines on this machine when the trace was read, as the kernel reads them at exec; they get "
          + "read and mmap access");
    }
    w.addAll(paths.procNotes());
    return w;
  }

  /** Reads one call; its effects go to the recorder, and to {@link Effects} for a repeat. */
  void interpret(SyscallEvent e, String name, int pid, String errno) {
    boolean ok = errno.isEmpty() && !e.unreturned();
    switch (name) {
      case "open", "creat" -> open(e, pid, errno, null, 0);
      case "openat" -> open(e, pid, errno, "", 1);
      case "openat2" -> open(e, pid, errno, "", 1);
      case "execve" -> exec(e, pid, errno, null, 0);
      case "execveat" -> exec(e, pid, errno, "", 1);
      case "chdir" -> {
        if (ok) {
          List<String> a = args(e);
          paths.argPathAt(pid, a, -1, 0, true).ifPresent(p -> {
            paths.setCwd(pid, p);
            file(p, Access.STAT, "", true);
          });
        }
      }
      case "fchdir" -> {
        if (ok) {
          fdPath(args(e), 0).ifPresent(p -> paths.setCwd(pid, p));
        }
      }
      case "clone", "clone3", "fork", "vfork" -> {
        paths.exited(pid);
        long child = e.childPid();
        if (ok && child > 0) {
          paths.forked(pid, (int) child);
        }
      }
      case "read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg" -> fdAccess(e, ok, Access.READ);
      case "write", "pwrite64", "writev", "pwritev", "pwritev2", "sendmsg", "sendmmsg", "sendto" -> {
        fdAccess(e, ok, Access.WRITE);
        if (ok && name.startsWith("send")) {
          sockets.peer(e);
        }
      }
      case "getdents64", "getdents" -> {
        if (ok) {
          fdPath(args(e), 0).ifPresent(p -> fdFile(p, Access.READ, "", true));
        }
      }
      case "fstat", "fstat64" -> {
        List<String> a = args(e);
        if (ok && isDirectoryStat(a, 1)) {
          fdPath(a, 0).ifPresent(p -> fdFile(p, Access.STAT, "", true));
        }
      }
      case "sendfile", "sendfile64", "copy_file_range", "splice" -> {
        // Data moved between two fds in the kernel: (out, in) for sendfile, (in, _, out) for the others.
        if (ok) {
          List<String> a = args(e);
          boolean sendfile = name.startsWith("sendfile");
          fdPath(a, sendfile ? 1 : 0).ifPresent(p -> fdFile(p, Access.READ, "", false));
          fdPath(a, sendfile ? 0 : 2).ifPresent(p -> fdFile(p, Access.WRITE, "", false));
        }
      }
      case "ftruncate" -> fdAccess(e, ok, Access.WRITE);
      case "fchmod", "fchown", "fsetxattr", "fremovexattr" -> fdAccess(e, ok, Access.SETATTR);
      case "flock" -> fdAccess(e, ok, Access.LOCK);
      case "fcntl", "fcntl64" -> {
        List<String> a = args(e);
        if (ok && a.size() > 1 && (StraceText.hasFlag(a.get(1), "F_SETLK") || StraceText.hasFlag(a.get(1), "F_SETLKW")
            || StraceText.hasFlag(a.get(1), "F_OFD_SETLK") || StraceText.hasFlag(a.get(1), "F_OFD_SETLKW"))) {
          fdAccess(e, true, Access.LOCK);
        }
      }
      case "mmap", "mmap2" -> {
        if (ok) {
          List<String> a = args(e);
          if (a.size() >= 5 && StraceText.hasFlag(a.get(2), "PROT_EXEC")) {
            fdPath(a, 4).ifPresent(p -> {
              fdFile(p, Access.MMAP_EXEC, "", false);
              fdFile(p, Access.READ, "", false);
            });
          }
        }
      }
      case "socket" -> sockets.socket(e, ok);
      case "socketpair" -> {
        if (ok) {
          List<String> a = args(e);
          if (a.size() >= 2) {
            recorder.countSocket(SocketText.family(a.get(0)), SocketText.type(a.get(1)));
          }
        }
      }
      case "bind" -> sockets.bind(e, pid, ok).ifPresent(p -> file(p, Access.CREATE, "", false));
      case "connect" -> {
        if (ok || errno.equals("EINPROGRESS")) {
          sockets.peer(e);
          sockets.unixPathOf(e, pid).ifPresent(p -> file(p, Access.WRITE, "", false));
        }
      }
      case "accept", "accept4", "listen" -> {
        if (ok) {
          recorder.socketOfDecoration(e.name().startsWith("accept") ? e.result() : args(e).get(0));
        }
      }
      default -> {
        // The calls that name files, by their row of the table; the rest have no path, socket or
        // capability meaning and are only counted.
        PathSyscall row = SyscallModel.path(name).orElse(null);
        if (row != null) {
          named(e, row, pid, errno);
        }
      }
    }
    CapabilityRules.infer(e, name, ok, this::args, recorder::capability);
    arguments(e, name);
  }

  /**
   * Counts the values of the call's recorded arguments, failed calls too: a filter must let them
   * fail as they did. A value that cannot be read is not counted, so the values no longer account
   * for every call and no rule is written from them.
   */
  private void arguments(SyscallEvent e, String name) {
    List<ArgFilter> filters = SyscallModel.filters(name);
    if (filters.isEmpty() || !recorder.countsEvents()) {
      return;
    }
    List<String> a = args(e);
    for (ArgFilter f : filters) {
      Optional<Long> v = StraceArguments.value(f, a);
      if (v.isPresent()) {
        long[] counter = recorder.arguments().counter(f, f.normalize(v.get()));
        counter[0]++;
        effects.also(p -> counter[0]++);
      } else if (unreadArguments.add(f.syscall() + " argument " + f.index())) {
        recorder.warn("values of " + f.syscall() + " argument " + f.index() + " could not be read from the trace ("
            + StraceText.printable(e.args(), 60) + "): no argument rule is learned for it; "
            + (SyscallModel.STRACE_RAW.contains(f.syscall())
                ? "record with strace -e raw=" + String.join(",", SyscallModel.STRACE_RAW) + " (tailor learn does)"
                : "strace wrote a name tailor does not know"));
      }
    }
  }

  // ---- files ----

  private void open(SyscallEvent e, int pid, String errno, String dirfd, int pathIndex) {
    List<String> a = args(e);
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
        Optional<String> p = paths.argPathAt(pid, a, dirfd == null ? -1 : 0, pathIndex, true);
        if (p.isEmpty()) {
          return;
        }
        path = p.get();
      }
      for (Access k : kinds) {
        file(path, k, "", directory);
      }
    } else if (!errno.isEmpty()) {
      Optional<String> p = paths.argPathAt(pid, a, dirfd == null ? -1 : 0, pathIndex, true);
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
    List<String> a = args(e);
    Optional<String> path;
    if (dirfd != null && a.size() > 4 && a.get(pathIndex).equals("\"\"")) {
      // execveat(fd, "", ..., AT_EMPTY_PATH) runs the file fd is open on (fexecve); never a directory's fd.
      path = StraceText.hasFlag(a.get(4), "AT_EMPTY_PATH") && !a.get(0).startsWith("AT_FDCWD") ? fdPath(a, 0) : Optional.empty();
    } else {
      path = paths.argPathAt(pid, a, dirfd == null ? -1 : 0, pathIndex, true);
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
    String program = interpreted(pid, path.get());
    paths.exec(pid, program);
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
    recorder.recordExec(path.get(), argv);
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
      String base = name.startsWith("/") ? "" : paths.cwdOf(pid);
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
    }
    return program;
  }

  /**
   * A call that names files (stat, unlink, rename, mkdir, link, ...), read by its row of {@link
   * SyscallModel}: the same row tells the bpf backend which arguments to read.
   */
  private void named(SyscallEvent e, PathSyscall row, int pid, String errno) {
    List<String> a = args(e);
    if (a.size() <= row.path()) {
      return;
    }
    boolean follow = switch (row.follow()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case UNLESS_NOFOLLOW -> row.flags() < 0 || a.size() <= row.flags()
          || !StraceText.hasFlag(a.get(row.flags()), "AT_SYMLINK_NOFOLLOW");
    };
    // stat results say what the path is: {st_mode=S_IFDIR|0755, ...}, statx's stx_mode likewise;
    // unlinkat's AT_REMOVEDIR makes it rmdir. The flag words are arguments, never the path.
    boolean directory = row.directory()
        || (row.name().equals("unlinkat") && a.size() > row.flags() && StraceText.hasFlag(a.get(row.flags()), "AT_REMOVEDIR"))
        || (errno.isEmpty() && isDirectoryStat(a, row.statBuffer()));
    if (row.dirfd() >= 0 && a.get(row.path()).equals("\"\"")) {
      // fstatat(fd, "", ..., AT_EMPTY_PATH): the fd itself.
      if (errno.isEmpty()) {
        fdPath(a, row.dirfd()).ifPresent(p -> fdFile(p, row.access(), "", directory));
      }
      return;
    }
    paths.argPathAt(pid, a, row.dirfd(), row.path(), follow).ifPresent(p -> file(p, row.access(), errno, directory));
    PathSyscall to = row.second();
    if (to != null) {
      paths.argPathAt(pid, a, to.dirfd(), to.path(), false).ifPresent(p -> file(p, to.access(), errno, false));
    }
  }

  /** Whether argument {@code at} is a stat struct of a directory ({st_mode=S_IFDIR|...}). */
  private static boolean isDirectoryStat(List<String> a, int at) {
    if (at < 0 || a.size() <= at) {
      return false;
    }
    String st = a.get(at);
    return st.startsWith("{st_mode=S_IFDIR") || st.startsWith("{stx_mask=") && st.contains(", stx_mode=S_IFDIR");
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
      recorder.socketOfDecoration(first);
    }
  }

  /** Records an access to a file a call named. */
  private void file(String rawPath, Access kind, String errno, boolean directory) {
    recorder.fileAccess(rawPath, kind, errno, directory).named = true;
  }

  /** Records an access through an fd: a file only ever used so may have been inherited. */
  private void fdFile(String rawPath, Access kind, String errno, boolean directory) {
    recorder.fileAccess(rawPath, kind, errno, directory);
  }
}
