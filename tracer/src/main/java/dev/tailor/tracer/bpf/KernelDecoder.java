package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.DescriptorNames;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.Effect.ChangeDir;
import dev.tailor.tracer.call.Effect.Exec;
import dev.tailor.tracer.call.Effect.FdAccess;
import dev.tailor.tracer.call.Effect.IdChange;
import dev.tailor.tracer.call.Effect.Open;
import dev.tailor.tracer.call.Effect.PathAccess;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.Effect.SocketOpen;
import dev.tailor.tracer.call.Effect.SocketPath;
import dev.tailor.tracer.call.Errnos;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SocketKind;
import dev.tailor.tracer.call.SyscallModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a call the kernel reported ({@link KernelEvent}) into what the call did ({@link Call}),
 * directly from its numbers and the paths the kernel resolved at the call: the same typed calls the
 * strace decoder makes of strace's text, for the same interpreter.
 */
final class KernelDecoder {
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_REMOVEDIR = 0x200;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int O_WRONLY = 1;
  private static final int O_RDWR = 2;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final int O_PATH = 010000000;
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;

  private final int oDirectory;
  private final int oTmpfile;

  KernelDecoder(String arch) {
    // O_DIRECTORY (and O_TMPFILE, which includes it) differ between architectures; the others
    // tailor reads do not.
    boolean arm = arch.equals("aarch64") || arch.startsWith("arm");
    this.oDirectory = arm ? 040000 : 0200000;
    this.oTmpfile = 020000000 | oDirectory;
  }

  /** What the call of event {@code e} did; {@code spec} is its row of {@link TracedCalls}. */
  Call call(KernelEvent e, String name, TracedCalls.Spec spec) {
    long r = e.ret();
    // Below -4095: the kernel's restart codes (ERESTARTSYS...), a call that did not return.
    boolean returned = r >= -4095;
    String errno = r < 0 && returned ? Errnos.name((int) -r) : "";
    boolean ok = returned && errno.isEmpty();
    List<Effect> out = new ArrayList<>(2);
    switch (name) {
      case "open", "creat", "openat", "openat2" ->
          open(e, name, spec.row().orElseThrow(), errno, returned, out);
      case "execve", "execveat" -> exec(e, name.equals("execveat"), errno, returned, out);
      case "chdir" -> {
        if (ok) {
          pathArg(e, 0, -1, 2, true).ifPresent(p -> out.add(new ChangeDir(p, true)));
        }
      }
      case "fchdir" -> {
        if (ok) {
          e.path(2).ifPresent(p -> out.add(new ChangeDir(PathArg.resolved(p), false)));
        }
      }
      case "getdents", "getdents64" -> fd(e, ok, Access.READ, true, out);
      case "fstat" -> fd(e, ok && r == 0 && isDirectory(e.peek()), Access.STAT, true, out);
      case "ftruncate" -> fd(e, ok, Access.WRITE, false, out);
      case "fchmod", "fchown", "fsetxattr", "fremovexattr" -> fd(e, ok, Access.SETATTR, false, out);
      case "flock" -> fd(e, ok, Access.LOCK, false, out);
      case "fcntl" -> {
        int cmd = e.intArg(1);
        // F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW
        fd(e, ok && (cmd == 6 || cmd == 7 || cmd == 37 || cmd == 38), Access.LOCK, false, out);
      }
      case "mmap" -> {
        if (ok && (e.args()[2] & SyscallModel.PROT_EXEC) != 0) {
          e.path(2)
              .ifPresent(
                  p -> {
                    out.add(new FdAccess(p, Access.MMAP_EXEC, false));
                    out.add(new FdAccess(p, Access.READ, false));
                  });
        }
      }
      case "socket" -> {
        if (ok) {
          SocketKind kind = socketKind(e.args()[0], e.args()[1]);
          out.add(new SocketOpen(kind));
          if (kind.needsNetRaw()) {
            out.add(
                new Capable(
                    "net_raw", "socket(" + number(e.args()[0]) + ", " + number(e.args()[1]) + ")"));
          }
        }
      }
      case "socketpair" -> {
        if (ok) {
          out.add(new SocketOpen(socketKind(e.args()[0], e.args()[1])));
        }
      }
      case "bind" -> {
        if (ok) {
          bind(e, out);
        }
      }
      case "connect" -> {
        if (ok || errno.equals("EINPROGRESS")) {
          address(e)
              .ifPresent(
                  a -> {
                    out.add(
                        new SocketAddress(
                            new SocketKind(a.family(), SocketKind.ANY_TYPE), false, a.address()));
                    a.path().ifPresent(p -> out.add(new SocketPath(p, Access.WRITE)));
                  });
        }
      }
      default -> spec.row().ifPresent(row -> named(e, row, errno, out));
    }
    if (ok) {
      capabilities(e, name, spec, out);
    }
    return new Call(name, errno, out);
  }

  // ---- files ----

  private void open(
      KernelEvent e,
      String name,
      PathSyscall row,
      String errno,
      boolean returned,
      List<Effect> out) {
    int flags =
        switch (name) {
          case "creat" -> O_WRONLY | O_CREAT | O_TRUNC;
          case "openat2" -> e.peek();
          default -> e.intArg(row.path() + 1);
        };
    EnumSet<Access> kinds = openKinds(flags);
    boolean tmpfile = (flags & oTmpfile) == oTmpfile;
    boolean directory = !tmpfile && (flags & oDirectory) != 0;
    boolean exclusive = (flags & O_CREAT) != 0 && (flags & O_EXCL) != 0;
    if (errno.isEmpty() && returned) {
      String opened = e.path(3).orElse("");
      Optional<PathArg> named = pathArg(e, 0, row.dirfd(), 2, true);
      boolean reopens = named.map(p -> DescriptorNames.reopens(p.name())).orElse(false);
      PathArg arg = opened.isEmpty() ? named.orElse(PathArg.NONE) : PathArg.NONE;
      out.add(new Open(arg, opened, kinds, "", directory, exclusive, reopens));
    } else if (!errno.isEmpty()) {
      pathArg(e, 0, row.dirfd(), 2, true)
          .ifPresent(p -> out.add(new Open(p, "", kinds, errno, directory)));
    }
  }

  /** What an open with {@code flags} does to the file. */
  EnumSet<Access> openKinds(int flags) {
    EnumSet<Access> k = EnumSet.noneOf(Access.class);
    if ((flags & O_PATH) != 0) {
      k.add(Access.STAT);
      return k;
    }
    boolean append = (flags & O_APPEND) != 0 && (flags & O_TRUNC) == 0;
    Access writeKind = append ? Access.APPEND : Access.WRITE;
    switch (flags & 3) {
      case O_RDWR -> {
        k.add(Access.READ);
        k.add(writeKind);
      }
      case O_WRONLY -> k.add(writeKind);
      default -> {
        k.add(Access.READ);
        if ((flags & O_TRUNC) != 0) {
          k.add(Access.WRITE);
        }
      }
    }
    if ((flags & O_CREAT) != 0 || (flags & oTmpfile) == oTmpfile) {
      k.add(Access.CREATE);
    }
    return k;
  }

  /** A failed exec (a successful one comes as its own event, with argv). */
  private static void exec(
      KernelEvent e, boolean at, String errno, boolean returned, List<Effect> out) {
    Optional<PathArg> path;
    if (at && isEmptyString(e, 0)) {
      // execveat(fd, "", ..., AT_EMPTY_PATH) runs the file fd is open on (fexecve); never a
      // directory's fd.
      path =
          (e.intArg(4) & AT_EMPTY_PATH) != 0 && e.intArg(0) != AT_FDCWD
              ? e.path(2).map(PathArg::resolved)
              : Optional.empty();
    } else {
      path = pathArg(e, 0, at ? 0 : -1, 2, true);
    }
    path.ifPresent(p -> out.add(new Exec(p, List.of(), errno, returned)));
  }

  /**
   * A call that names files (stat, unlink, rename, mkdir, link, ...), read by its row of {@link
   * SyscallModel}, which also told the kernel which arguments to read.
   */
  private static void named(KernelEvent e, PathSyscall row, String errno, List<Effect> out) {
    boolean follow =
        switch (row.follow()) {
          case ALWAYS -> true;
          case NEVER -> false;
          case UNLESS_NOFOLLOW ->
              row.flags() < 0 || (e.intArg(row.flags()) & AT_SYMLINK_NOFOLLOW) == 0;
        };
    boolean directory =
        row.directory()
            || (row.name().equals("unlinkat") && (e.intArg(row.flags()) & AT_REMOVEDIR) != 0)
            || (errno.isEmpty()
                && row.statBuffer() >= 0
                && e.ret() == 0
                && isDirectory(row.name().equals("statx") ? e.peek() & 0xffff : e.peek()));
    if (row.dirfd() >= 0 && isEmptyString(e, 0)) {
      // fstatat(fd, "", ..., AT_EMPTY_PATH): the fd itself.
      if (errno.isEmpty()) {
        e.path(2).ifPresent(p -> out.add(new FdAccess(p, row.access(), directory)));
      }
      return;
    }
    pathArg(e, 0, row.dirfd(), 2, follow)
        .ifPresent(p -> out.add(new PathAccess(p, row.access(), errno, directory)));
    PathSyscall to = row.second();
    if (to != null) {
      pathArg(e, 1, to.dirfd(), 3, false)
          .ifPresent(p -> out.add(new PathAccess(p, to.access(), errno, false)));
    }
  }

  /**
   * String part {@code part} as a name relative to the dirfd argument {@code dirfd} (whose path the
   * kernel walked into {@code dirPart}); without a dirfd, a relative name is joined here to the
   * working directory the kernel walked at the call. Empty when the name was not read whole.
   */
  private static Optional<PathArg> pathArg(
      KernelEvent e, int part, int dirfd, int dirPart, boolean follow) {
    Optional<String> s = e.string(part);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String name = s.get();
    if (dirfd < 0) {
      if (!name.startsWith("/")) {
        Optional<String> cwd = e.path(dirPart);
        if (cwd.isPresent()) {
          name = cwd.get().endsWith("/") ? cwd.get() + name : cwd.get() + "/" + name;
        }
      }
      return Optional.of(new PathArg(name, PathArg.Base.CWD, "", follow));
    }
    PathArg.Base base = e.intArg(dirfd) == AT_FDCWD ? PathArg.Base.CWD : PathArg.Base.DIR;
    return Optional.of(new PathArg(name, base, e.path(dirPart).orElse(""), follow));
  }

  private static boolean isEmptyString(KernelEvent e, int part) {
    return e.string(part).map(String::isEmpty).orElse(false);
  }

  private static boolean isDirectory(int mode) {
    return (mode & S_IFMT) == S_IFDIR;
  }

  /** A use of the fd in argument 0, whose path the kernel walked into part 2. */
  private static void fd(
      KernelEvent e, boolean ok, Access kind, boolean directory, List<Effect> out) {
    if (ok) {
      e.path(2).ifPresent(p -> out.add(new FdAccess(p, kind, directory)));
    }
  }

  // ---- sockets ----

  private static void bind(KernelEvent e, List<Effect> out) {
    Optional<Address> addr = address(e);
    if (addr.isEmpty()) {
      return;
    }
    Address a = addr.get();
    out.add(new SocketAddress(new SocketKind(a.family(), SocketKind.ANY_TYPE), true, a.address()));
    if (a.port() > 0
        && a.port() < 1024
        && (a.family().equals("inet") || a.family().equals("inet6"))) {
      out.add(
          new Capable("net_bind_service", "bind to port " + a.port() + " (" + a.address() + ")"));
    }
    a.path().ifPresent(p -> out.add(new SocketPath(p, Access.CREATE)));
  }

  private static SocketKind socketKind(long family, long type) {
    String t = SyscallModel.SOCKET_TYPES.name(type & SyscallModel.SOCK_TYPE_MASK).orElse("");
    String typeName =
        switch (t) {
          case "SOCK_STREAM",
              "SOCK_DGRAM",
              "SOCK_RAW",
              "SOCK_SEQPACKET",
              "SOCK_RDM",
              "SOCK_PACKET" ->
              t.substring(5).toLowerCase(Locale.ROOT);
          default -> "unknown";
        };
    return new SocketKind(familyName(family), typeName);
  }

  /** AppArmor's name of an address family ({@code inet}, {@code unix}), or {@code unknown}. */
  private static String familyName(long family) {
    String n = SyscallModel.FAMILIES.name(family).orElse("");
    if (n.startsWith("AF_") || n.startsWith("PF_")) {
      String f = n.substring(3).toLowerCase(Locale.ROOT);
      return f.equals("local") || f.equals("file") ? "unix" : f;
    }
    return "unknown";
  }

  /**
   * A socket address read from the workload's memory.
   *
   * @param address printable: {@code 127.0.0.1:80}, {@code [::1]:80}, a unix path in {@link
   *     PathText} form ({@code @name} when abstract), {@code pid=N} for netlink
   * @param port the inet port, or -1
   * @param path the path of a unix socket that names a file
   */
  private record Address(String family, String address, int port, Optional<String> path) {}

  private static Optional<Address> address(KernelEvent e) {
    if (!e.has(0)) {
      return Optional.empty();
    }
    byte[] raw = e.parts()[0];
    if (raw.length < 2) {
      return Optional.of(new Address("unspec", "unspec", -1, Optional.empty()));
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    int family = Short.toUnsignedInt(b.getShort(0));
    String name = familyName(family);
    switch (family) {
      case 1 -> {
        if (raw.length <= 2) {
          return Optional.of(new Address(name, "(unnamed)", -1, Optional.empty()));
        }
        // sun_path: up to the first NUL; a leading NUL makes it abstract
        boolean abstractName = raw[2] == 0;
        int from = abstractName ? 3 : 2;
        int to = from;
        while (to < raw.length && (abstractName || raw[to] != 0)) {
          to++;
        }
        String path = new String(raw, from, to - from, StandardCharsets.ISO_8859_1);
        if (abstractName) {
          return Optional.of(new Address(name, "@" + PathText.escape(path), -1, Optional.empty()));
        }
        return Optional.of(new Address(name, PathText.escape(path), -1, Optional.of(path)));
      }
      case 2 -> {
        if (raw.length < 8) {
          return Optional.of(new Address(name, "?:-1", -1, Optional.empty()));
        }
        int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
        String ip =
            (raw[4] & 0xff) + "." + (raw[5] & 0xff) + "." + (raw[6] & 0xff) + "." + (raw[7] & 0xff);
        return Optional.of(new Address(name, ip + ":" + port, port, Optional.empty()));
      }
      case 10 -> {
        if (raw.length < 24) {
          return Optional.of(new Address(name, "[?]:-1", -1, Optional.empty()));
        }
        int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
        String ip;
        try {
          ip =
              compress(
                  java.net.InetAddress.getByAddress(Arrays.copyOfRange(raw, 8, 24))
                      .getHostAddress());
        } catch (java.net.UnknownHostException ex) {
          ip = "?";
        }
        return Optional.of(new Address(name, "[" + ip + "]:" + port, port, Optional.empty()));
      }
      case 16 -> {
        long pid = raw.length >= 8 ? Integer.toUnsignedLong(b.getInt(4)) : 0;
        return Optional.of(new Address(name, "pid=" + pid, -1, Optional.empty()));
      }
      default -> {
        return Optional.of(new Address(name, name, -1, Optional.empty()));
      }
    }
  }

  /** Java writes 0:0:0:0:0:0:0:1; strace (inet_ntop) writes ::1. */
  static String compress(String ip) {
    String s = ip.replaceAll("%.*$", "");
    for (String run :
        new String[] {
          "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0", "0:0:0:0:0:0", "0:0:0:0:0", "0:0:0:0", "0:0:0", "0:0"
        }) {
      String padded = ":" + s + ":";
      int at = padded.indexOf(":" + run + ":");
      if (at >= 0) {
        return (padded.substring(0, at) + "::" + padded.substring(at + run.length() + 2))
            .replaceAll("^:(?!:)", "")
            .replaceAll("(?<!:):$", "");
      }
    }
    return s;
  }

  // ---- capabilities ----

  /** The capabilities a call that worked implies, and its id changes, from its numbers. */
  private static void capabilities(
      KernelEvent e, String name, TracedCalls.Spec spec, List<Effect> out) {
    Optional<Effect.IdCall> id = Effect.IdCall.of(name);
    if (id.isPresent()) {
      List<Long> ids = new ArrayList<>();
      StringBuilder shown = new StringBuilder(name).append('(');
      for (int i = 0; i < id.get().ids().size(); i++) {
        // setgroups: the count; its list is in the task's memory, which is not read.
        if (id.get() != Effect.IdCall.SETGROUPS || i == 0) {
          ids.add((long) e.intArg(i));
        }
        shown.append(i == 0 ? "" : ", ").append(number(e.args()[i]));
      }
      out.add(new IdChange(id.get(), ids, shown.append(')').toString(), e.ret()));
      return;
    }
    String capability =
        switch (name) {
          case "mount",
              "umount2",
              "umount",
              "pivot_root",
              "setns",
              "sethostname",
              "setdomainname",
              "fsopen",
              "fsmount",
              "move_mount",
              "open_tree" ->
              "sys_admin";
          case "ptrace", "process_vm_readv", "process_vm_writev" -> "sys_ptrace";
          case "settimeofday", "clock_settime", "clock_adjtime", "stime" -> "sys_time";
          case "reboot", "kexec_load", "kexec_file_load" -> "sys_boot";
          case "init_module", "finit_module", "delete_module" -> "sys_module";
          case "iopl", "ioperm" -> "sys_rawio";
          case "perf_event_open" -> "perfmon";
          case "chroot" -> "sys_chroot";
          default -> "";
        };
    if (!capability.isEmpty()) {
      out.add(new Capable(capability, name));
      return;
    }
    switch (name) {
      case "unshare" -> {
        if (e.args()[0] != 0) {
          out.add(new Capable("sys_admin", "unshare(" + number(e.args()[0]) + ")"));
        }
      }
      // struct timex's modes 0 only reads the clock
      case "adjtimex" -> {
        if (e.peek() != 0) {
          out.add(new Capable("sys_time", name));
        }
      }
      case "capset" -> {
        out.add(new Capable("setpcap", "capset"));
        out.add(new Effect.PrivilegeChange("capset"));
      }
      case "prctl" -> {
        // PR_SET_KEEPCAPS, PR_SET_SECUREBITS, PR_CAP_AMBIENT, PR_CAPBSET_DROP
        int option = e.intArg(0);
        if (option == 8 || option == 28 || option == 47 || option == 24) {
          out.add(new Effect.PrivilegeChange("prctl(" + option + ")"));
        }
      }
      case "bpf" -> out.add(new Capable("bpf", "bpf(" + number(e.args()[0]) + ")"));
      case "sched_setscheduler", "sched_setattr" -> {
        int policy = (name.equals("sched_setattr") ? e.peek() : e.intArg(1)) & ~0x40000000;
        if (policy == 1 || policy == 2) {
          // SCHED_FIFO, SCHED_RR
          out.add(new Capable("sys_nice", name + " real-time policy"));
        }
      }
      case "chown", "lchown", "fchown", "fchownat" -> {
        int ids = name.equals("fchownat") ? 2 : 1;
        out.add(
            new Effect.OwnerChange(
                chowned(e, name, spec),
                e.intArg(ids),
                e.intArg(ids + 1),
                name + "(" + chownArguments(e, name, spec) + ")"));
      }
      case "mknod", "mknodat" -> {
        int type = e.intArg(name.equals("mknod") ? 1 : 2) & S_IFMT;
        if (type == 0020000 || type == 0060000) {
          out.add(new Capable("mknod", name + " of a device node"));
        }
      }
      default -> {
        // No capability of its own.
      }
    }
  }

  /** The file a chown names: its path, or (fchown, fchownat with AT_EMPTY_PATH) its fd's path. */
  private static PathArg chowned(KernelEvent e, String name, TracedCalls.Spec spec) {
    if (name.equals("fchown") || (name.equals("fchownat") && (e.intArg(4) & AT_EMPTY_PATH) != 0)) {
      return e.path(2).map(PathArg::resolved).orElse(PathArg.NONE);
    }
    return spec.row()
        .flatMap(
            r ->
                pathArg(
                    e,
                    0,
                    r.dirfd(),
                    2,
                    !name.equals("lchown")
                        && !(name.equals("fchownat") && (e.intArg(4) & AT_SYMLINK_NOFOLLOW) != 0)))
        .orElse(PathArg.NONE);
  }

  /** A chown's arguments as the report shows them: the file, then the ids. */
  private static String chownArguments(KernelEvent e, String name, TracedCalls.Spec spec) {
    String file =
        switch (name) {
          case "fchown" -> e.path(2).map(PathText::escape).orElse(number(e.args()[0]));
          default ->
              spec.row()
                  .flatMap(r -> pathArg(e, 0, r.dirfd(), 2, true))
                  .map(p -> PathText.escape(p.name()))
                  .orElse("?");
        };
    int ids = name.equals("fchownat") ? 2 : 1;
    String text = file + ", " + number(e.args()[ids]) + ", " + number(e.args()[ids + 1]);
    return text.length() > 70 ? text.substring(0, 70) + "..." : text;
  }

  /**
   * A number as strace writes an int; a pointer-sized value as strace's {@code ...}: only small
   * numbers say something in a report.
   */
  private static String number(long v) {
    return v == (int) v || v == ((int) v & 0xffffffffL) ? Integer.toString((int) v) : "...";
  }
}
