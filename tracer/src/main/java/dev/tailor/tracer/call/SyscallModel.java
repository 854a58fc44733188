package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.call.ArgFilter.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What tailor knows about each syscall's arguments, in one table that both backends and the
 * generators read: which arguments name files (and how), and which carry a small enumeration or
 * flag word whose values are recorded for argument filters. A new syscall or a new argument rule is
 * one row: a filter here, a file-naming call in {@code PathSyscalls}, a value name in {@code
 * ValueTables} or beside its constant here.
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
          Map.ofEntries(
              Map.entry(1L, "SOCK_STREAM"),
              Map.entry(2L, "SOCK_DGRAM"),
              Map.entry(3L, "SOCK_RAW"),
              Map.entry(4L, "SOCK_RDM"),
              Map.entry(5L, "SOCK_SEQPACKET"),
              Map.entry(6L, "SOCK_DCCP"),
              Map.entry(10L, "SOCK_PACKET")));

  /**
   * {@code SOCK_TYPE_MASK}: the bits of socket's type that are the type, not
   * SOCK_NONBLOCK/SOCK_CLOEXEC.
   */
  public static final long SOCK_TYPE_MASK = 0xf;

  /** The flag bits socket's type may carry beside the type. */
  public static final ValueNames SOCKET_TYPE_FLAGS =
      ValueNames.flags(Map.of(0x800L, "SOCK_NONBLOCK", 0x80000L, "SOCK_CLOEXEC"));

  /** prctl options ({@code <linux/prctl.h>}). */
  public static final ValueNames PRCTL_OPTIONS = ValueNames.enumeration(ValueTables.prctlOptions());

  /** ioctl requests that are common or that matter for confinement; others are shown in hex. */
  public static final ValueNames IOCTL_REQUESTS =
      ValueNames.enumeration(ValueTables.ioctlRequests());

  /** personality values. */
  public static final ValueNames PERSONALITIES =
      ValueNames.enumeration(
          Map.ofEntries(
              Map.entry(0L, "PER_LINUX"),
              Map.entry(8L, "PER_LINUX32"),
              Map.entry(0x0020000L, "PER_LINUX|UNAME26"),
              Map.entry(0x0040000L, "PER_LINUX|ADDR_NO_RANDOMIZE"),
              Map.entry(0x0008L | 0x0040000L, "PER_LINUX32|ADDR_NO_RANDOMIZE"),
              Map.entry(0xffffffffL, "query (0xffffffff)")));

  /** The {@code CLONE_*} bits of clone's flags, and clone3's ({@code <linux/sched.h>}). */
  public static final ValueNames CLONE_FLAGS = ValueNames.flags(ValueTables.cloneFlags());

  /** The namespace bits of clone's flags: a call with any of them makes new namespaces. */
  public static final long CLONE_NAMESPACE_BITS =
      CLONE_FLAGS
          .parse(
              "CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID"
                  + "|CLONE_NEWNET|CLONE_NEWTIME")
          .orElseThrow();

  /** clone3's flags that clone has no room for. */
  public static final long CLONE3_ONLY_FLAGS =
      CLONE_FLAGS.parse("CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP").orElseThrow();

  /** mmap's and mprotect's {@code PROT_*} bits. */
  public static final ValueNames PROT_FLAGS =
      ValueNames.flags(
          Map.ofEntries(
              Map.entry(0L, "PROT_NONE"),
              Map.entry(1L, "PROT_READ"),
              Map.entry(2L, "PROT_WRITE"),
              Map.entry(4L, "PROT_EXEC"),
              Map.entry(8L, "PROT_SEM"),
              Map.entry(0x01000000L, "PROT_GROWSDOWN"),
              Map.entry(0x02000000L, "PROT_GROWSUP")));

  /** Signal numbers, as clone's exit signal (its flags' low byte) is named. */
  public static final ValueNames SIGNALS = ValueNames.enumeration(ValueTables.signals());

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
    return FILTERS.values().stream().flatMap(List::stream).toList();
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

  // ---- calls on an fd ----

  /**
   * Calls whose file meaning is one access to what their fd (argument 0) is open on; both backends
   * see them. fchown's ids matter too, for a capability.
   */
  public static final Map<String, Access> FD_CALLS =
      Map.of(
          "ftruncate", Access.WRITE,
          "fchmod", Access.SETATTR,
          "fchown", Access.SETATTR,
          "fsetxattr", Access.SETATTR,
          "fremovexattr", Access.SETATTR,
          "flock", Access.LOCK);

  /**
   * Reads and writes through an fd (argument 0), as {@link #FD_CALLS}; only strace's lines carry
   * them: the kernel programs count them but send no event, as they come too fast.
   */
  public static final Map<String, Access> FD_DATA_CALLS = fdDataCalls();

  private static Map<String, Access> fdDataCalls() {
    Map<String, Access> m = new LinkedHashMap<>();
    for (String read :
        List.of(
            "read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg", "recvmmsg")) {
      m.put(read, Access.READ);
    }
    for (String write : List.of("write", "pwrite64", "writev", "pwritev", "pwritev2")) {
      m.put(write, Access.WRITE);
    }
    return Collections.unmodifiableMap(m);
  }

  // ---- paths ----

  /** How {@code syscall} names files, if it does. */
  public static Optional<PathSyscall> path(String syscall) {
    return Optional.ofNullable(PathSyscalls.LOOKUP.get(syscall));
  }

  /** Every syscall that names files, by name. */
  public static Map<String, PathSyscall> pathSyscalls() {
    return PathSyscalls.BY_NAME;
  }
}
