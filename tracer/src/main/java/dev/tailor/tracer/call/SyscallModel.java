package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.call.ArgFilter.Kind;
import dev.tailor.tracer.call.PathSyscall.Follow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What tailor knows about each syscall's arguments, in one table that both backends and the
 * generators read: which arguments name files (and how), and which carry a small enumeration or
 * flag word whose values are recorded for argument filters. A new syscall or a new argument rule is
 * one row here.
 */
public final class SyscallModel {
  private SyscallModel() {}

  // ---- filterable arguments ----

  /** Address families (socket's arg 0), as {@code <linux/socket.h>} numbers them. */
  public static final ValueNames FAMILIES =
      ValueNames.enumeration(
          Map.ofEntries(
              Map.entry(0L, "AF_UNSPEC"),
              Map.entry(1L, "AF_UNIX"),
              Map.entry(2L, "AF_INET"),
              Map.entry(3L, "AF_AX25"),
              Map.entry(4L, "AF_IPX"),
              Map.entry(5L, "AF_APPLETALK"),
              Map.entry(9L, "AF_X25"),
              Map.entry(10L, "AF_INET6"),
              Map.entry(15L, "AF_KEY"),
              Map.entry(16L, "AF_NETLINK"),
              Map.entry(17L, "AF_PACKET"),
              Map.entry(21L, "AF_RDS"),
              Map.entry(29L, "AF_CAN"),
              Map.entry(30L, "AF_TIPC"),
              Map.entry(31L, "AF_BLUETOOTH"),
              Map.entry(36L, "AF_IEEE802154"),
              Map.entry(38L, "AF_ALG"),
              Map.entry(40L, "AF_VSOCK"),
              Map.entry(41L, "AF_KCM"),
              Map.entry(42L, "AF_QIPCRTR"),
              Map.entry(43L, "AF_SMC"),
              Map.entry(44L, "AF_XDP"),
              Map.entry(45L, "AF_MCTP")));

  /** Socket types ({@code type & SOCK_TYPE_MASK}). */
  public static final ValueNames SOCKET_TYPES =
      ValueNames.enumeration(
          Map.of(
              1L,
              "SOCK_STREAM",
              2L,
              "SOCK_DGRAM",
              3L,
              "SOCK_RAW",
              4L,
              "SOCK_RDM",
              5L,
              "SOCK_SEQPACKET",
              6L,
              "SOCK_DCCP",
              10L,
              "SOCK_PACKET"));

  /**
   * {@code SOCK_TYPE_MASK}: the bits of socket's type that are the type, not
   * SOCK_NONBLOCK/SOCK_CLOEXEC.
   */
  public static final long SOCK_TYPE_MASK = 0xf;

  /** The flag bits socket's type may carry beside the type. */
  public static final ValueNames SOCKET_TYPE_FLAGS =
      ValueNames.flags(Map.of(0x800L, "SOCK_NONBLOCK", 0x80000L, "SOCK_CLOEXEC"));

  /** prctl options ({@code <linux/prctl.h>}). */
  public static final ValueNames PRCTL_OPTIONS = ValueNames.enumeration(prctlOptions());

  /** ioctl requests that are common or that matter for confinement; others are shown in hex. */
  public static final ValueNames IOCTL_REQUESTS = ValueNames.enumeration(ioctlRequests());

  /** personality values. */
  public static final ValueNames PERSONALITIES =
      ValueNames.enumeration(
          Map.of(
              0L,
              "PER_LINUX",
              8L,
              "PER_LINUX32",
              0x0020000L,
              "PER_LINUX|UNAME26",
              0x0040000L,
              "PER_LINUX|ADDR_NO_RANDOMIZE",
              0x0008L | 0x0040000L,
              "PER_LINUX32|ADDR_NO_RANDOMIZE",
              0xffffffffL,
              "query (0xffffffff)"));

  /** The {@code CLONE_*} bits of clone's flags, and clone3's ({@code <linux/sched.h>}). */
  public static final ValueNames CLONE_FLAGS = ValueNames.flags(cloneFlags());

  /** The namespace bits of clone's flags: a call with any of them makes new namespaces. */
  public static final long CLONE_NAMESPACE_BITS =
      0x00020000L /* NEWNS */
          | 0x02000000L /* NEWCGROUP */
          | 0x04000000L /* NEWUTS */
          | 0x08000000L /* NEWIPC */
          | 0x10000000L /* NEWUSER */
          | 0x20000000L /* NEWPID */
          | 0x40000000L /* NEWNET */
          | 0x00000080L /* NEWTIME */;

  /** clone3's flags that clone has no room for: CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP. */
  public static final long CLONE3_ONLY_FLAGS = 0x100000000L | 0x200000000L;

  /** mmap's and mprotect's {@code PROT_*} bits. */
  public static final ValueNames PROT_FLAGS =
      ValueNames.flags(
          Map.of(
              0L,
              "PROT_NONE",
              1L,
              "PROT_READ",
              2L,
              "PROT_WRITE",
              4L,
              "PROT_EXEC",
              8L,
              "PROT_SEM",
              0x01000000L,
              "PROT_GROWSDOWN",
              0x02000000L,
              "PROT_GROWSUP"));

  /** Signal numbers, as clone's exit signal (its flags' low byte) is named. */
  public static final ValueNames SIGNALS = ValueNames.enumeration(signals());

  public static final long PROT_WRITE = 2;
  public static final long PROT_EXEC = 4;

  private static final Map<String, List<ArgFilter>> FILTERS = filters();

  private static Map<String, List<ArgFilter>> filters() {
    Map<String, List<ArgFilter>> m = new LinkedHashMap<>();
    add(m, new ArgFilter("socket", 0, Kind.VALUES, 32, FAMILIES, "family"));
    add(m, new ArgFilter("socket", 1, Kind.SOCKET_TYPE, 32, SOCKET_TYPES, "type"));
    add(m, new ArgFilter("socketpair", 0, Kind.VALUES, 32, FAMILIES, "family"));
    add(m, new ArgFilter("socketpair", 1, Kind.SOCKET_TYPE, 32, SOCKET_TYPES, "type"));
    // The kernel's ioctl takes an unsigned int request; a program may pass it sign-extended.
    add(m, new ArgFilter("ioctl", 1, Kind.VALUES, 32, IOCTL_REQUESTS, "request"));
    add(m, new ArgFilter("prctl", 0, Kind.VALUES, 32, PRCTL_OPTIONS, "option"));
    add(m, new ArgFilter("personality", 0, Kind.VALUES, 32, PERSONALITIES, ""));
    add(m, new ArgFilter("clone", 0, Kind.CLONE_NAMESPACES, 64, CLONE_FLAGS, "flags"));
    add(m, new ArgFilter("clone3", 0, Kind.CLONE3_FLAGS, 64, CLONE_FLAGS, "flags"));
    add(m, new ArgFilter("mmap", 2, Kind.WRITE_XOR_EXEC, 64, PROT_FLAGS, "prot"));
    add(m, new ArgFilter("mprotect", 2, Kind.WRITE_XOR_EXEC, 64, PROT_FLAGS, "prot"));
    add(m, new ArgFilter("pkey_mprotect", 2, Kind.WRITE_XOR_EXEC, 64, PROT_FLAGS, "prot"));
    return Collections.unmodifiableMap(m);
  }

  private static void add(Map<String, List<ArgFilter>> m, ArgFilter f) {
    m.computeIfAbsent(f.syscall(), k -> new ArrayList<>()).add(f);
  }

  /** The arguments of {@code syscall} whose values are recorded; empty for most syscalls. */
  public static List<ArgFilter> filters(String syscall) {
    return FILTERS.getOrDefault(syscall, List.of());
  }

  /** Every recorded argument, by syscall in the table's order. */
  public static List<ArgFilter> allFilters() {
    List<ArgFilter> all = new ArrayList<>();
    FILTERS.values().forEach(all::addAll);
    return all;
  }

  /** The recorded argument {@code index} of {@code syscall}, if it is one. */
  public static Optional<ArgFilter> filter(String syscall, int index) {
    return filters(syscall).stream().filter(f -> f.index() == index).findFirst();
  }

  /**
   * Syscalls whose recorded arguments strace must print as raw numbers ({@code -e raw=...}): its
   * names for them are not exact (ioctl names are shared between drivers) or not kept (prctl).
   * clone's flags and mmap's prot stay decoded, as the recorder needs clone's other fields and
   * mmap's fd decoration; their flag words are read back exactly through {@link ValueNames#parse}.
   */
  public static final List<String> STRACE_RAW =
      List.of("socket", "socketpair", "ioctl", "prctl", "personality", "mprotect", "pkey_mprotect");

  // ---- paths ----

  private static final Map<String, PathSyscall> PATHS = paths();

  /** The same rows for lookups by name, which every call of the workload makes. */
  private static final Map<String, PathSyscall> PATH_LOOKUP = new java.util.HashMap<>(PATHS);

  /** How {@code syscall} names files, if it does. */
  public static Optional<PathSyscall> path(String syscall) {
    return Optional.ofNullable(PATH_LOOKUP.get(syscall));
  }

  /** Every syscall that names files, by name. */
  public static Map<String, PathSyscall> pathSyscalls() {
    return PATHS;
  }

  private static Map<String, PathSyscall> paths() {
    Map<String, PathSyscall> m = new TreeMap<>();
    // The open family: accesses from the flags.
    row(m, "open", -1, 0, Access.READ, Follow.ALWAYS, -1);
    row(m, "creat", -1, 0, Access.READ, Follow.ALWAYS, -1);
    row(m, "openat", 0, 1, Access.READ, Follow.ALWAYS, -1);
    row(m, "openat2", 0, 1, Access.READ, Follow.ALWAYS, -1);
    row(m, "execve", -1, 0, Access.EXEC, Follow.ALWAYS, -1);
    row(m, "execveat", 0, 1, Access.EXEC, Follow.UNLESS_NOFOLLOW, 4);
    for (String s :
        List.of(
            "stat",
            "access",
            "statfs",
            "getxattr",
            "listxattr",
            "chroot",
            "swapon",
            "swapoff",
            "acct")) {
      row(m, s, -1, 0, Access.STAT, Follow.ALWAYS, -1);
    }
    for (String s : List.of("lstat", "readlink", "lgetxattr", "llistxattr")) {
      row(m, s, -1, 0, Access.STAT, Follow.NEVER, -1);
    }
    row(m, "truncate", -1, 0, Access.WRITE, Follow.ALWAYS, -1);
    for (String s : List.of("chmod", "chown", "utime", "utimes", "setxattr", "removexattr")) {
      row(m, s, -1, 0, Access.SETATTR, Follow.ALWAYS, -1);
    }
    for (String s : List.of("lchown", "lsetxattr", "lremovexattr")) {
      row(m, s, -1, 0, Access.SETATTR, Follow.NEVER, -1);
    }
    // inotify_add_watch(fd, path, mask): the fd is the inotify instance, the path relative to the
    // cwd.
    row(m, "inotify_add_watch", -1, 1, Access.READ, Follow.ALWAYS, -1);
    row(m, "uselib", -1, 0, Access.MMAP_EXEC, Follow.ALWAYS, -1);
    row(m, "mknod", -1, 0, Access.CREATE, Follow.NEVER, -1);
    row(m, "mknodat", 0, 1, Access.CREATE, Follow.NEVER, -1);
    row(m, "newfstatat", 0, 1, Access.STAT, Follow.UNLESS_NOFOLLOW, 3);
    row(m, "fstatat64", 0, 1, Access.STAT, Follow.UNLESS_NOFOLLOW, 3);
    row(m, "statx", 0, 1, Access.STAT, Follow.UNLESS_NOFOLLOW, 2);
    row(m, "faccessat", 0, 1, Access.STAT, Follow.ALWAYS, -1);
    row(m, "faccessat2", 0, 1, Access.STAT, Follow.UNLESS_NOFOLLOW, 3);
    row(m, "readlinkat", 0, 1, Access.STAT, Follow.NEVER, -1);
    row(m, "name_to_handle_at", 0, 1, Access.STAT, Follow.ALWAYS, -1);
    row(m, "fchmodat", 0, 1, Access.SETATTR, Follow.UNLESS_NOFOLLOW, 3);
    row(m, "fchownat", 0, 1, Access.SETATTR, Follow.UNLESS_NOFOLLOW, 4);
    row(m, "utimensat", 0, 1, Access.SETATTR, Follow.UNLESS_NOFOLLOW, 3);
    row(m, "futimesat", 0, 1, Access.SETATTR, Follow.ALWAYS, -1);
    m.put("mkdir", new PathSyscall("mkdir", -1, 0, Access.MKDIR, Follow.NEVER, -1, true, null, -1));
    m.put(
        "mkdirat",
        new PathSyscall("mkdirat", 0, 1, Access.MKDIR, Follow.NEVER, -1, true, null, -1));
    m.put(
        "rmdir", new PathSyscall("rmdir", -1, 0, Access.DELETE, Follow.NEVER, -1, true, null, -1));
    row(m, "unlink", -1, 0, Access.DELETE, Follow.NEVER, -1);
    // unlinkat's AT_REMOVEDIR makes it rmdir.
    row(m, "unlinkat", 0, 1, Access.DELETE, Follow.NEVER, 2);
    m.put("chdir", new PathSyscall("chdir", -1, 0, Access.STAT, Follow.ALWAYS, -1, true, null, -1));
    m.put("rename", twoPaths("rename", -1, 0, Access.RENAME, -1, 1, Access.CREATE));
    m.put("renameat", twoPaths("renameat", 0, 1, Access.RENAME, 2, 3, Access.CREATE));
    m.put("renameat2", twoPaths("renameat2", 0, 1, Access.RENAME, 2, 3, Access.CREATE));
    m.put("link", twoPaths("link", -1, 0, Access.STAT, -1, 1, Access.LINK));
    m.put("linkat", twoPaths("linkat", 0, 1, Access.STAT, 2, 3, Access.LINK));
    // symlink's first argument is the link's text, not a path the call touches.
    row(m, "symlink", -1, 1, Access.CREATE, Follow.NEVER, -1);
    row(m, "symlinkat", 1, 2, Access.CREATE, Follow.NEVER, -1);
    return Collections.unmodifiableMap(m);
  }

  private static void row(
      Map<String, PathSyscall> m,
      String name,
      int dirfd,
      int path,
      Access access,
      Follow follow,
      int flags) {
    int stat =
        switch (name) {
          case "stat", "lstat" -> 1;
          case "newfstatat", "fstatat64" -> 2;
          case "statx" -> 4;
          default -> -1;
        };
    m.put(name, new PathSyscall(name, dirfd, path, access, follow, flags, false, null, stat));
  }

  private static PathSyscall twoPaths(
      String name, int dirfd, int path, Access access, int toDirfd, int to, Access toAccess) {
    return new PathSyscall(
        name,
        dirfd,
        path,
        access,
        Follow.NEVER,
        -1,
        false,
        new PathSyscall(name, toDirfd, to, toAccess, Follow.NEVER, -1, false, null, -1),
        -1);
  }

  // ---- value tables ----

  private static Map<Long, String> prctlOptions() {
    String[] names = {
      null,
      "PR_SET_PDEATHSIG",
      "PR_GET_PDEATHSIG",
      "PR_GET_DUMPABLE",
      "PR_SET_DUMPABLE",
      "PR_GET_UNALIGN",
      "PR_SET_UNALIGN",
      "PR_GET_KEEPCAPS",
      "PR_SET_KEEPCAPS",
      "PR_GET_FPEMU",
      "PR_SET_FPEMU",
      "PR_GET_FPEXC",
      "PR_SET_FPEXC",
      "PR_GET_TIMING",
      "PR_SET_TIMING",
      "PR_SET_NAME",
      "PR_GET_NAME",
      null,
      null,
      "PR_GET_ENDIAN",
      "PR_SET_ENDIAN",
      "PR_GET_SECCOMP",
      "PR_SET_SECCOMP",
      "PR_CAPBSET_READ",
      "PR_CAPBSET_DROP",
      "PR_GET_TSC",
      "PR_SET_TSC",
      "PR_GET_SECUREBITS",
      "PR_SET_SECUREBITS",
      "PR_SET_TIMERSLACK",
      "PR_GET_TIMERSLACK",
      "PR_TASK_PERF_EVENTS_DISABLE",
      "PR_TASK_PERF_EVENTS_ENABLE",
      "PR_MCE_KILL",
      "PR_MCE_KILL_GET",
      "PR_SET_MM",
      "PR_SET_CHILD_SUBREAPER",
      "PR_GET_CHILD_SUBREAPER",
      "PR_SET_NO_NEW_PRIVS",
      "PR_GET_NO_NEW_PRIVS",
      "PR_GET_TID_ADDRESS",
      "PR_SET_THP_DISABLE",
      "PR_GET_THP_DISABLE",
      "PR_MPX_ENABLE_MANAGEMENT",
      "PR_MPX_DISABLE_MANAGEMENT",
      "PR_SET_FP_MODE",
      "PR_GET_FP_MODE",
      "PR_CAP_AMBIENT",
      null,
      null,
      "PR_SVE_SET_VL",
      "PR_SVE_GET_VL",
      "PR_GET_SPECULATION_CTRL",
      "PR_SET_SPECULATION_CTRL",
      "PR_PAC_RESET_KEYS",
      "PR_SET_TAGGED_ADDR_CTRL",
      "PR_GET_TAGGED_ADDR_CTRL",
      "PR_SET_IO_FLUSHER",
      "PR_GET_IO_FLUSHER",
      "PR_SET_SYSCALL_USER_DISPATCH",
      "PR_PAC_SET_ENABLED_KEYS",
      "PR_PAC_GET_ENABLED_KEYS",
      "PR_SCHED_CORE",
      "PR_SME_SET_VL",
      "PR_SME_GET_VL",
      "PR_SET_MDWE",
      "PR_GET_MDWE"
    };
    Map<Long, String> m = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i] != null) {
        m.put((long) i, names[i]);
      }
    }
    m.put(0x53564d41L, "PR_SET_VMA");
    m.put(0x59616d61L, "PR_SET_PTRACER");
    return m;
  }

  private static Map<Long, String> ioctlRequests() {
    Map<Long, String> m = new TreeMap<>();
    String[] tty = {
      "TCGETS",
      "TCSETS",
      "TCSETSW",
      "TCSETSF",
      "TCGETA",
      "TCSETA",
      "TCSETAW",
      "TCSETAF",
      "TCSBRK",
      "TCXONC",
      "TCFLSH",
      "TIOCEXCL",
      "TIOCNXCL",
      "TIOCSCTTY",
      "TIOCGPGRP",
      "TIOCSPGRP",
      "TIOCOUTQ",
      "TIOCSTI",
      "TIOCGWINSZ",
      "TIOCSWINSZ",
      "TIOCMGET",
      "TIOCMBIS",
      "TIOCMBIC",
      "TIOCMSET",
      "TIOCGSOFTCAR",
      "TIOCSSOFTCAR",
      "FIONREAD",
      "TIOCLINUX",
      "TIOCCONS",
      "TIOCGSERIAL",
      "TIOCSSERIAL",
      "TIOCPKT",
      "FIONBIO",
      "TIOCNOTTY",
      "TIOCSETD",
      "TIOCGETD",
      "TCSBRKP"
    };
    for (int i = 0; i < tty.length; i++) {
      m.put(0x5401L + i, tty[i]);
    }
    m.put(0x5427L, "TIOCSBRK");
    m.put(0x5428L, "TIOCCBRK");
    m.put(0x5429L, "TIOCGSID");
    m.put(0x802c542aL, "TCGETS2");
    m.put(0x402c542bL, "TCSETS2");
    m.put(0x80045430L, "TIOCGPTN");
    m.put(0x40045431L, "TIOCSPTLCK");
    m.put(0x80045432L, "TIOCGDEV");
    m.put(0x40045436L, "TIOCSIG");
    m.put(0x5437L, "TIOCVHANGUP");
    m.put(0x5441L, "TIOCGPTPEER");
    m.put(0x5450L, "FIONCLEX");
    m.put(0x5451L, "FIOCLEX");
    m.put(0x5452L, "FIOASYNC");
    m.put(0x5460L, "FIOQSIZE");
    m.put(0x8910L, "SIOCGIFNAME");
    m.put(0x8912L, "SIOCGIFCONF");
    m.put(0x8913L, "SIOCGIFFLAGS");
    m.put(0x8914L, "SIOCSIFFLAGS");
    m.put(0x8915L, "SIOCGIFADDR");
    m.put(0x8921L, "SIOCGIFMTU");
    m.put(0x8927L, "SIOCGIFHWADDR");
    m.put(0x8933L, "SIOCGIFINDEX");
    m.put(0x1L, "FIBMAP");
    m.put(0x2L, "FIGETBSZ");
    m.put(0x80081272L, "BLKGETSIZE64");
    m.put(0x80086601L, "FS_IOC_GETFLAGS");
    m.put(0x40086602L, "FS_IOC_SETFLAGS");
    m.put(0xc020660bL, "FS_IOC_FIEMAP");
    m.put(0x40049409L, "FICLONE");
    m.put(0x4020940dL, "FICLONERANGE");
    m.put(0x80045200L, "RNDGETENTCNT");
    m.put(0x400454caL, "TUNSETIFF");
    m.put(0xc0185879L, "FS_IOC_GETFSMAP");
    return m;
  }

  private static Map<Long, String> signals() {
    String[] names = {
      null,
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGILL",
      "SIGTRAP",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGKILL",
      "SIGUSR1",
      "SIGSEGV",
      "SIGUSR2",
      "SIGPIPE",
      "SIGALRM",
      "SIGTERM",
      "SIGSTKFLT",
      "SIGCHLD",
      "SIGCONT",
      "SIGSTOP",
      "SIGTSTP",
      "SIGTTIN",
      "SIGTTOU",
      "SIGURG",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGVTALRM",
      "SIGPROF",
      "SIGWINCH",
      "SIGIO",
      "SIGPWR",
      "SIGSYS"
    };
    Map<Long, String> m = new TreeMap<>();
    for (int i = 1; i < names.length; i++) {
      m.put((long) i, names[i]);
    }
    return m;
  }

  private static Map<Long, String> cloneFlags() {
    Map<Long, String> m = new TreeMap<>();
    m.put(0x00000080L, "CLONE_NEWTIME");
    m.put(0x00000100L, "CLONE_VM");
    m.put(0x00000200L, "CLONE_FS");
    m.put(0x00000400L, "CLONE_FILES");
    m.put(0x00000800L, "CLONE_SIGHAND");
    m.put(0x00001000L, "CLONE_PIDFD");
    m.put(0x00002000L, "CLONE_PTRACE");
    m.put(0x00004000L, "CLONE_VFORK");
    m.put(0x00008000L, "CLONE_PARENT");
    m.put(0x00010000L, "CLONE_THREAD");
    m.put(0x00020000L, "CLONE_NEWNS");
    m.put(0x00040000L, "CLONE_SYSVSEM");
    m.put(0x00080000L, "CLONE_SETTLS");
    m.put(0x00100000L, "CLONE_PARENT_SETTID");
    m.put(0x00200000L, "CLONE_CHILD_CLEARTID");
    m.put(0x00400000L, "CLONE_DETACHED");
    m.put(0x00800000L, "CLONE_UNTRACED");
    m.put(0x01000000L, "CLONE_CHILD_SETTID");
    m.put(0x02000000L, "CLONE_NEWCGROUP");
    m.put(0x04000000L, "CLONE_NEWUTS");
    m.put(0x08000000L, "CLONE_NEWIPC");
    m.put(0x10000000L, "CLONE_NEWUSER");
    m.put(0x20000000L, "CLONE_NEWPID");
    m.put(0x40000000L, "CLONE_NEWNET");
    m.put(0x80000000L, "CLONE_IO");
    m.put(0x100000000L, "CLONE_CLEAR_SIGHAND");
    m.put(0x200000000L, "CLONE_INTO_CGROUP");
    return m;
  }
}
