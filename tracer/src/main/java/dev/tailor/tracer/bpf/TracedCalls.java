package dev.tailor.tracer.bpf;

import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.CapabilityCalls;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the kernel side reports of each syscall, derived from {@link SyscallModel}: every syscall
 * that names files (its path arguments, the directory they are relative to, the fd it returns), the
 * fd calls and socket calls the recorder reads, the calls the recorder draws capabilities from, and
 * the arguments whose values are counted for argument filters. A new row in the model is traced
 * here without a change; the table the programs read is {@link #encode}d from this.
 */
final class TracedCalls {
  /** The exit is reported as an event. */
  static final int EVENT = 1;

  /** execve/execveat: a successful one is reported by sched_process_exec instead. */
  static final int EXEC = 2;

  /** clone and friends: the child's own return (0) is not a call of its own. */
  static final int CLONE = 4;

  /** mmap: reported only for an executable mapping of a file. */
  static final int MMAP = 8;

  /** fcntl: reported only for a lock that was set. */
  static final int FCNTL = 16;

  /** The first "path" is a sockaddr of the length in the next argument. */
  static final int SOCKADDR = 32;

  /** The return value is an fd whose path is reported. */
  static final int RESULT_FD = 64;

  static final int NONE = 0xff;

  /** The bytes of one row in the kernel's table. */
  static final int ROW = 16;

  /**
   * One syscall's row: flags, the argument indexes of up to two paths and the directory fds they
   * are relative to ({@link #NONE}: the working directory), an fd argument whose path is reported,
   * a 4-byte field read behind a pointer argument (a stat's mode, openat2's flags), and the
   * arguments whose values are counted ({@code derefMask}: the value is the u64 the argument points
   * to, clone3's flags).
   */
  record Spec(
      String name,
      int flags,
      int path1,
      int dir1,
      int path2,
      int dir2,
      int fdArg,
      int peekArg,
      int peekOff,
      int argMask,
      int derefMask,
      Optional<PathSyscall> row) {}

  /**
   * Calls capabilities are inferred from, by name, result and arguments (see KernelDecoder): those
   * that always need one ({@link CapabilityCalls}) but chroot (traced as a path call) and umount
   * and stime (no such call on x86_64 or aarch64); the set*id calls; and those that need one for
   * some arguments. prctl is among them because keep-caps, secure bits and ambient capabilities
   * change what set*id calls do to capabilities.
   */
  static final List<String> CAPABILITY_CALLS = capabilityCalls();

  private static List<String> capabilityCalls() {
    Set<String> calls = new TreeSet<>(CapabilityCalls.calls());
    calls.removeAll(List.of("chroot", "umount", "stime"));
    calls.addAll(CapabilityCalls.ID_CALLS);
    calls.addAll(
        List.of(
            "setgroups",
            "unshare",
            "adjtimex",
            "capset",
            "bpf",
            "sched_setscheduler",
            "sched_setattr",
            "prctl"));
    return List.copyOf(calls);
  }

  /**
   * Calls on an fd whose path the recorder reads: {@link SyscallModel#FD_CALLS} (locks, attribute
   * changes) and a working directory, a listing, a stat that finds a directory.
   */
  static final List<String> FD_CALLS =
      Stream.concat(
              Stream.of("fchdir", "getdents", "getdents64", "fstat"),
              SyscallModel.FD_CALLS.keySet().stream())
          .toList();

  private TracedCalls() {}

  /**
   * Every row, by syscall name; {@code statMode} is where this architecture's struct stat keeps
   * st_mode.
   */
  static Map<String, Spec> specs(int statMode) {
    Map<String, Spec> out = new TreeMap<>();
    for (PathSyscall p : SyscallModel.pathSyscalls().values()) {
      int flags = EVENT | (p.opens() ? RESULT_FD : 0) | (p.execs() ? EXEC : 0);
      // A stat's mode says whether the path is a directory; openat2's flags are behind its how
      // pointer.
      int peekArg = p.statBuffer() >= 0 ? p.statBuffer() : p.name().equals("openat2") ? 2 : NONE;
      int peekOff =
          p.name().equals("statx")
              ? 28 /* stx_mode, on every architecture */
              : p.statBuffer() >= 0 ? statMode : 0;
      PathSyscall second = p.second();
      out.put(
          p.name(),
          new Spec(
              p.name(),
              flags,
              p.path(),
              index(p.dirfd()),
              second == null ? NONE : second.path(),
              second == null ? NONE : index(second.dirfd()),
              NONE,
              peekArg,
              peekOff,
              0,
              0,
              Optional.of(p)));
    }
    for (String fd : FD_CALLS) {
      boolean stat = fd.equals("fstat");
      out.put(fd, plain(fd, EVENT, 0, stat ? 1 : NONE, stat ? statMode : 0));
    }
    out.put("mmap", plain("mmap", EVENT | MMAP, 4, NONE, 0));
    out.put("fcntl", plain("fcntl", EVENT | FCNTL, 0, NONE, 0));
    for (String s : List.of("socket", "socketpair")) {
      out.put(s, plain(s, EVENT, NONE, NONE, 0));
    }
    for (String s : List.of("bind", "connect")) {
      out.put(
          s,
          new Spec(
              s, EVENT | SOCKADDR, 1, NONE, NONE, NONE, NONE, NONE, 0, 0, 0, Optional.empty()));
    }
    for (String s : CAPABILITY_CALLS) {
      int peekArg =
          switch (s) {
            case "adjtimex" -> 0; // struct timex's modes
            case "clock_adjtime", "sched_setattr" -> 1;
            default -> NONE;
          };
      out.put(
          s, plain(s, EVENT, NONE, peekArg, s.equals("sched_setattr") ? 4 /* sched_policy */ : 0));
    }
    for (String s : List.of("clone", "clone3", "fork", "vfork")) {
      out.put(s, plain(s, CLONE, NONE, NONE, 0));
    }
    for (ArgFilter f : SyscallModel.allFilters()) {
      Spec s = out.getOrDefault(f.syscall(), plain(f.syscall(), 0, NONE, NONE, 0));
      int deref = f.kind() == ArgFilter.Kind.CLONE3_FLAGS ? 1 << f.index() : 0;
      out.put(
          f.syscall(),
          new Spec(
              s.name(),
              s.flags(),
              s.path1(),
              s.dir1(),
              s.path2(),
              s.dir2(),
              s.fdArg(),
              s.peekArg(),
              s.peekOff(),
              s.argMask() | 1 << f.index(),
              s.derefMask() | deref,
              s.row()));
    }
    return out;
  }

  private static int index(int argument) {
    return argument < 0 ? NONE : argument;
  }

  private static Spec plain(String name, int flags, int fdArg, int peekArg, int peekOff) {
    return new Spec(
        name, flags, NONE, NONE, NONE, NONE, fdArg, peekArg, peekOff, 0, 0, Optional.empty());
  }

  /** The argument indexes any row counts values of, so the program only has code for those. */
  static int usedArgMask(Map<String, Spec> specs) {
    int mask = 0;
    for (Spec s : specs.values()) {
      mask |= s.argMask();
    }
    return mask;
  }

  /** One row as the programs read it (see {@link #ROW}). */
  static byte[] encode(Spec s) {
    byte[] b = new byte[ROW];
    b[0] = (byte) s.flags();
    b[1] = (byte) s.path1();
    b[2] = (byte) s.dir1();
    b[3] = (byte) s.path2();
    b[4] = (byte) s.dir2();
    b[5] = (byte) s.fdArg();
    b[6] = (byte) s.peekArg();
    b[7] = (byte) s.peekOff();
    b[8] = (byte) s.argMask();
    b[9] = (byte) s.derefMask();
    return b;
  }
}
