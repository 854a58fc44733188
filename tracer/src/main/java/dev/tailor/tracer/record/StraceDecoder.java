package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.DescriptorNames;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.ArgumentValue;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.Effect.ChangeDir;
import dev.tailor.tracer.call.Effect.Exec;
import dev.tailor.tracer.call.Effect.FdAccess;
import dev.tailor.tracer.call.Effect.FdSocket;
import dev.tailor.tracer.call.Effect.Fork;
import dev.tailor.tracer.call.Effect.Open;
import dev.tailor.tracer.call.Effect.PathAccess;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.Effect.SocketOpen;
import dev.tailor.tracer.call.Effect.SocketPath;
import dev.tailor.tracer.call.Effect.Warning;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SocketKind;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceArguments;
import dev.tailor.tracer.strace.StraceText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads strace's text of a call into what the call did ({@link Call}): the files it named and how
 * (by the rows of {@link SyscallModel}), the fds it used, its sockets, execs, id changes and the
 * capabilities it implies, and the values of its recorded arguments. Resolving names is the {@link
 * CallInterpreter}'s job; this reads text only.
 */
final class StraceDecoder {
  private final Set<String> unreadArguments = new HashSet<>();

  /** The call whose arguments {@link #split} holds. */
  private SyscallEvent splitOf;

  private List<String> split;

  /**
   * The call's arguments split at their top-level commas, once per call: the parts that read a call
   * (its files, its sockets, its argument values) each need them.
   */
  List<String> args(SyscallEvent e) {
    if (e != splitOf) {
      split = Collections.unmodifiableList(StraceText.splitArgs(e.args()));
      splitOf = e;
    }
    return split;
  }

  /**
   * The arguments of a call that worked ({@code ok}); none of one that failed, for the parts that
   * read only calls that worked.
   */
  private List<String> argsIfOk(SyscallEvent e, boolean ok) {
    return ok ? args(e) : List.of();
  }

  /** What the call {@code e} (named {@code name}, failed with {@code errno} or not) did. */
  Call decode(SyscallEvent e, String name, String errno) {
    List<Effect> out = new ArrayList<>(2);
    boolean ok = errno.isEmpty() && !e.unreturned();
    switch (name) {
      case "open", "creat" -> open(e, errno, -1, 0, out);
      case "openat", "openat2" -> open(e, errno, 0, 1, out);
      case "execve" -> exec(e, errno, false, out);
      case "execveat" -> exec(e, errno, true, out);
      case "chdir" ->
          argPath(argsIfOk(e, ok), -1, 0, true).ifPresent(p -> out.add(new ChangeDir(p, true)));
      case "fchdir" ->
          fdPath(argsIfOk(e, ok), 0)
              .ifPresent(p -> out.add(new ChangeDir(PathArg.resolved(p), false)));
      case "clone", "clone3", "fork", "vfork" -> out.add(new Fork(ok ? (int) e.childPid() : 0));
      case "sendmsg", "sendmmsg", "sendto" -> {
        fdAccess(e, ok, Access.WRITE, out);
        if (ok) {
          peer(e, out);
        }
      }
      case "getdents64", "getdents" ->
          fdPath(argsIfOk(e, ok), 0).ifPresent(p -> out.add(new FdAccess(p, Access.READ, true)));
      case "fstat", "fstat64" -> {
        List<String> a = argsIfOk(e, ok);
        if (isDirectoryStat(a, 1)) {
          fdPath(a, 0).ifPresent(p -> out.add(new FdAccess(p, Access.STAT, true)));
        }
      }
      case "sendfile", "sendfile64", "copy_file_range", "splice" -> {
        // Data moved between two fds in the kernel: (out, in) for sendfile, (in, _, out) for the
        // others.
        List<String> a = argsIfOk(e, ok);
        boolean sendfile = name.startsWith("sendfile");
        fdPath(a, sendfile ? 1 : 0).ifPresent(p -> out.add(new FdAccess(p, Access.READ, false)));
        fdPath(a, sendfile ? 0 : 2).ifPresent(p -> out.add(new FdAccess(p, Access.WRITE, false)));
      }
      case "fcntl", "fcntl64" -> {
        List<String> a = args(e);
        if (ok
            && a.size() > 1
            && Stream.of("F_SETLK", "F_SETLKW", "F_OFD_SETLK", "F_OFD_SETLKW")
                .anyMatch(f -> StraceText.hasFlag(a.get(1), f))) {
          fdAccess(e, true, Access.LOCK, out);
        }
      }
      case "mmap", "mmap2" -> {
        List<String> a = argsIfOk(e, ok);
        if (a.size() >= 5 && StraceText.hasFlag(a.get(2), "PROT_EXEC")) {
          fdPath(a, 4)
              .ifPresent(
                  p ->
                      out.addAll(
                          List.of(
                              new FdAccess(p, Access.MMAP_EXEC, false),
                              new FdAccess(p, Access.READ, false))));
        }
      }
      case "socket", "socketpair" -> socket(e, ok, name.equals("socket"), out);
      case "bind" -> bind(e, ok, out);
      case "connect" -> {
        if (ok || errno.equals("EINPROGRESS")) {
          peer(e, out);
          unixPath(e, Access.WRITE, out);
        }
      }
      case "accept", "accept4", "listen" -> {
        if (ok) {
          decorated(e.name().startsWith("accept") ? e.result() : args(e).get(0), out);
        }
      }
      default -> {
        // The calls on an fd, and those that name files, by their row of the table; the rest have
        // no path, socket or capability meaning and are only counted.
        Optional<Access> onFd = onFd(name);
        if (onFd.isPresent()) {
          fdAccess(e, ok, onFd.get(), out);
        } else {
          // A call strace never saw return (the trace cut between its halves, the thread killed
          // inside it) was made, so it counts, but whether its paths were reached is not known.
          SyscallModel.path(name)
              .filter(row -> !e.unreturned())
              .ifPresent(row -> named(e, row, errno, out));
        }
      }
    }
    if (ok) {
      CapabilityRules.infer(e, name, this::args, out);
    }
    arguments(e, name, out);
    return new Call(name, errno, out);
  }

  /**
   * The access of a call on an fd whose first argument (the fd and its -yy path) is all that
   * matters of it; empty for other calls.
   */
  static Optional<Access> onFd(String name) {
    Access a = SyscallModel.FD_CALLS.get(name);
    return Optional.ofNullable(a != null ? a : SyscallModel.FD_DATA_CALLS.get(name));
  }

  /**
   * The values of the call's recorded arguments, failed calls too: a filter must let them fail as
   * they did. A value that cannot be read is not counted, so the values no longer account for every
   * call and no rule is written from them.
   */
  private void arguments(SyscallEvent e, String name, List<Effect> out) {
    List<ArgFilter> filters = SyscallModel.filters(name);
    if (filters.isEmpty()) {
      return;
    }
    List<String> a = args(e);
    for (ArgFilter f : filters) {
      Optional<Long> v = StraceArguments.value(f, a);
      if (v.isPresent()) {
        out.add(new ArgumentValue(f, f.normalize(v.get())));
      } else if (unreadArguments.add(f.syscall() + " argument " + f.index())) {
        String fix =
            SyscallModel.STRACE_RAW.contains(f.syscall())
                ? "record with strace -e raw="
                    + String.join(",", SyscallModel.STRACE_RAW)
                    + " (tailor learn does)"
                : "strace wrote a name tailor does not know";
        out.add(
            new Warning(
                String.format(
                    "values of %s argument %s could not be read from the trace (%s): no argument"
                        + " rule is learned for it; %s",
                    f.syscall(), f.index(), StraceText.printable(e.args(), 60), fix)));
      }
    }
  }

  // ---- files ----

  private void open(SyscallEvent e, String errno, int dirIndex, int pathIndex, List<Effect> out) {
    List<String> a = args(e);
    if (a.size() <= pathIndex) {
      return;
    }
    OpenMode mode =
        switch (e.name()) {
          case "creat" -> OpenMode.of(OpenMode.CREAT);
          case "openat2" ->
              OpenMode.named(
                  a.size() > 2 ? StraceText.field(a.get(2), "flags").orElse("O_RDONLY") : "");
          default -> OpenMode.named(a.size() > pathIndex + 1 ? a.get(pathIndex + 1) : "");
        };
    if (errno.isEmpty() && !e.unreturned()) {
      String opened = StraceText.decoratedPath(e.result()).orElse("");
      Optional<PathArg> named = argPath(a, dirIndex, pathIndex, true);
      // A pipe or socket (-yy: "3<pipe:[2002177]>") has no name: an open reaches one only through a
      // descriptor's link (/dev/stdout, /proc/self/fd/1), possibly behind a symlink of its own.
      boolean object =
          opened.isEmpty()
              && StraceText.decoration(e.result()).filter(d -> !d.isEmpty()).isPresent();
      boolean reopens = object || named.map(p -> DescriptorNames.reopens(p.name())).orElse(false);
      PathArg name = opened.isEmpty() ? named.orElse(PathArg.NONE) : PathArg.NONE;
      out.add(new Open(name, opened, mode, "", reopens));
    } else if (!errno.isEmpty()) {
      argPath(a, dirIndex, pathIndex, true).ifPresent(p -> out.add(Open.failed(p, mode, errno)));
    }
  }

  private void exec(SyscallEvent e, String errno, boolean at, List<Effect> out) {
    List<String> a = args(e);
    int pathIndex = at ? 1 : 0;
    Optional<PathArg> path;
    if (at && a.size() > 4 && a.get(pathIndex).equals("\"\"")) {
      // execveat(fd, "", ..., AT_EMPTY_PATH) runs the file fd is open on (fexecve); never a
      // directory's fd.
      path =
          StraceText.hasFlag(a.get(4), "AT_EMPTY_PATH") && !a.get(0).startsWith("AT_FDCWD")
              ? fdPath(a, 0).map(PathArg::resolved)
              : Optional.empty();
    } else {
      path = argPath(a, at ? 0 : -1, pathIndex, true);
    }
    if (path.isEmpty()) {
      return;
    }
    String list = a.size() > pathIndex + 1 ? a.get(pathIndex + 1) : "";
    List<String> argv =
        errno.isEmpty() && !e.unreturned() && list.startsWith("[") && list.endsWith("]")
            ? StraceText.splitArgs(list.substring(1, list.length() - 1)).stream()
                .map(
                    item ->
                        StraceText.unquote(item).map(PathText::escape).orElse(item)
                            + (StraceText.isTruncated(item) ? "..." : ""))
                .toList()
            : List.of();
    out.add(new Exec(path.get(), argv, errno, !e.unreturned()));
  }

  /**
   * A call that names files (stat, unlink, rename, mkdir, link, ...), read by its row of {@link
   * SyscallModel}: the same row tells the bpf backend which arguments to read.
   */
  private void named(SyscallEvent e, PathSyscall row, String errno, List<Effect> out) {
    List<String> a = args(e);
    if (a.size() <= row.path()) {
      return;
    }
    // stat results say what the path is: {st_mode=S_IFDIR|0755, ...}, statx's stx_mode likewise;
    // unlinkat's AT_REMOVEDIR makes it rmdir. The flag words are arguments, never the path.
    boolean directory =
        row.directory()
            || (row.name().equals("unlinkat")
                && a.size() > row.flags()
                && StraceText.hasFlag(a.get(row.flags()), "AT_REMOVEDIR"))
            || (errno.isEmpty() && isDirectoryStat(a, row.statBuffer()));
    if (row.dirfd() >= 0 && a.get(row.path()).equals("\"\"")) {
      // fstatat(fd, "", ..., AT_EMPTY_PATH): the fd itself.
      if (errno.isEmpty()) {
        fdPath(a, row.dirfd()).ifPresent(p -> out.add(new FdAccess(p, row.access(), directory)));
      }
      return;
    }
    rowPath(row, a).ifPresent(p -> out.add(new PathAccess(p, row.access(), errno, directory)));
    PathSyscall to = row.second();
    if (to != null) {
      argPath(a, to.dirfd(), to.path(), false)
          .ifPresent(p -> out.add(new PathAccess(p, to.access(), errno, false)));
    }
  }

  /** The path a call names by its row, its last symlink followed as the row and flags say. */
  static Optional<PathArg> rowPath(PathSyscall row, List<String> a) {
    boolean follow =
        switch (row.follow()) {
          case ALWAYS -> true;
          case NEVER -> false;
          case UNLESS_NOFOLLOW ->
              row.flags() < 0
                  || a.size() <= row.flags()
                  || !StraceText.hasFlag(a.get(row.flags()), "AT_SYMLINK_NOFOLLOW");
        };
    return argPath(a, row.dirfd(), row.path(), follow);
  }

  /**
   * Argument {@code pathIndex} as a name relative to the dirfd argument {@code dirIndex} (the
   * working directory when negative); empty when it is not a whole string.
   */
  static Optional<PathArg> argPath(List<String> a, int dirIndex, int pathIndex, boolean follow) {
    if (a.size() <= Math.max(dirIndex, pathIndex)) {
      return Optional.empty();
    }
    String pathToken = a.get(pathIndex);
    Optional<String> name = StraceText.unquote(pathToken);
    if (name.isEmpty() || StraceText.isTruncated(pathToken)) {
      return Optional.empty();
    }
    if (dirIndex < 0) {
      return Optional.of(new PathArg(name.get(), PathArg.Base.CWD, "", follow));
    }
    String dirToken = a.get(dirIndex);
    String dir = StraceText.decoratedPath(dirToken).orElse("");
    PathArg.Base base = dirToken.startsWith("AT_FDCWD") ? PathArg.Base.CWD : PathArg.Base.DIR;
    return Optional.of(new PathArg(name.get(), base, dir, follow));
  }

  /** Whether argument {@code at} is a stat struct of a directory ({st_mode=S_IFDIR|...}). */
  private static boolean isDirectoryStat(List<String> a, int at) {
    if (at < 0 || a.size() <= at) {
      return false;
    }
    String st = a.get(at);
    return st.startsWith("{st_mode=S_IFDIR")
        || st.startsWith("{stx_mask=") && st.contains(", stx_mode=S_IFDIR");
  }

  private static Optional<String> fdPath(List<String> a, int index) {
    return a.size() > index ? StraceText.decoratedPath(a.get(index)) : Optional.empty();
  }

  private void fdAccess(SyscallEvent e, boolean ok, Access kind, List<Effect> out) {
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
      out.add(new FdAccess(path.get(), kind, false));
    } else {
      decorated(first, out);
    }
  }

  // ---- sockets ----

  /** The socket kind of a decoration such as {@code 3<TCP:[...]>} (attach: socket() not seen). */
  private static void decorated(String token, List<Effect> out) {
    SocketText.decoratedKind(token).ifPresent(k -> out.add(new FdSocket(k)));
  }

  /** A socket or socket pair made; {@code socket}: a socket, whose raw kinds need net_raw. */
  private void socket(SyscallEvent e, boolean ok, boolean socket, List<Effect> out) {
    if (!ok || args(e).size() < 2) {
      return;
    }
    List<String> a = args(e);
    SocketKind kind = new SocketKind(SocketText.family(a.get(0)), SocketText.type(a.get(1)));
    out.add(new SocketOpen(kind));
    if (socket && kind.needsNetRaw()) {
      out.add(new Capable("net_raw", "socket(" + a.get(0) + ", " + a.get(1) + ")"));
    }
  }

  /**
   * A bind: its address and the capability a low port needs; the unix socket path it creates, if
   * any.
   */
  private void bind(SyscallEvent e, boolean ok, List<Effect> out) {
    if (!ok || args(e).size() < 2) {
      return;
    }
    List<String> a = args(e);
    decorated(a.get(0), out);
    Optional<String[]> addr = SocketText.address(a.get(1));
    if (addr.isEmpty()) {
      return;
    }
    String family = addr.get()[0];
    String where = addr.get()[1];
    out.add(new SocketAddress(kindOf(a.get(0), family), true, where));
    int port = SocketText.port(a.get(1));
    if (port > 0 && port < 1024 && (family.equals("inet") || family.equals("inet6"))) {
      out.add(new Capable("net_bind_service", "bind to port " + port + " (" + where + ")"));
    }
    unixPath(e, Access.CREATE, out);
  }

  private void peer(SyscallEvent e, List<Effect> out) {
    String text = e.args();
    int sa = text.indexOf("sa_family=");
    if (sa < 0) {
      return;
    }
    List<String> a = args(e);
    int brace = text.lastIndexOf('{', sa);
    SocketText.address(text.substring(Math.max(0, brace)))
        .ifPresent(x -> out.add(new SocketAddress(kindOf(a.get(0), x[0]), false, x[1])));
  }

  private void unixPath(SyscallEvent e, Access kind, List<Effect> out) {
    List<String> a = args(e);
    if (a.size() < 2) {
      return;
    }
    StraceText.field(a.get(1), "sun_path")
        .filter(p -> !p.startsWith("@"))
        .flatMap(StraceText::unquote)
        .filter(p -> !p.isEmpty())
        .ifPresent(p -> out.add(new SocketPath(p, kind)));
  }

  private static SocketKind kindOf(String fdToken, String family) {
    return SocketText.decoratedKind(fdToken).orElse(new SocketKind(family, SocketKind.ANY_TYPE));
  }
}
