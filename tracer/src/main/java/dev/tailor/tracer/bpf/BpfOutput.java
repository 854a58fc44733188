package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.backend.ProcTargets;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Reads the lines of {@link BpfScript}'s output and feeds what they say into a {@link Recorder}.
 * Unlike strace's {@code -yy}, the kernel gives only the names a program passed: they are resolved
 * here against the process's working directory (followed from fork, chdir and fchdir) and
 * through symlinks on this machine.
 */
final class BpfOutput {
  private static final String[] ERRNOS = {
    "", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
    "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
    "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
    "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
    "ELOOP", "", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
    "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "", "EBFONT",
    "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
    "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG",
    "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
    "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
    "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
    "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN",
    "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH",
    "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
    "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
    "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
  };
  private static final int AT_FDCWD = -100;

  private final Recorder recorder;
  private final PathResolver resolver;
  private final IntFunction<Optional<String>> syscallNames;
  private final int oDirectory;
  private final Map<Integer, String> cwds = new HashMap<>();
  private final Map<Long, String> pendingExec = new HashMap<>();
  private final Set<Integer> live = new HashSet<>();
  private final Set<Integer> exitedEarly = new HashSet<>();
  private final Set<String> unnamed = new HashSet<>();
  final CountDownLatch ready = new CountDownLatch(1);
  private final Map<String, Long> dump = new HashMap<>();
  private IntConsumer onRootStarted = pid -> {};
  private volatile boolean countsSeen;
  private volatile boolean rootStarted;
  private boolean closed;
  /** Event lines the program printed (from the dump) and event lines read so far. */
  private long emitted = -1;
  private long received;
  private long lost;
  private long truncated;
  private long unreadable;
  private long dirfdRelative;
  private long unknownCwd;

  BpfOutput(Recorder recorder, PathResolver resolver, IntFunction<Optional<String>> syscallNames, String arch) {
    this.recorder = recorder;
    this.resolver = resolver;
    this.syscallNames = syscallNames;
    // O_DIRECTORY differs between architectures; the others tailor reads are the same.
    this.oDirectory = arch.equals("aarch64") || arch.startsWith("arm") ? 040000 : 0200000;
  }

  /** Sets the working directory of a process that exists before the trace. */
  void setCwd(int pid, String cwd) {
    cwds.put(pid, cwd);
  }

  /** Marks a process as followed (the workload's root, an attached target). */
  void follow(int pid) {
    live.add(pid);
    recorder.recordProcess(pid);
  }

  /** Whether every followed process and thread has exited. */
  synchronized boolean allExited() {
    live.removeIf(pid -> !java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Integer.toString(pid))));
    return live.isEmpty();
  }

  /** Called with the workload's first process once it has become the workload (its exec). */
  void onRootStarted(IntConsumer action) {
    this.onRootStarted = action;
  }

  /** Whether bpftrace has dumped its maps (the syscall counts). */
  boolean countsSeen() {
    return countsSeen;
  }

  /**
   * Whether every event line the program printed before its maps were dumped has been read (or
   * reported lost): then nothing that happened before the dump is still in bpftrace's buffers.
   */
  synchronized boolean drained() {
    return countsSeen && received + lost >= emitted;
  }

  /** Event lines the program printed that never arrived, not counting those bpftrace reported lost. */
  synchronized long missing() {
    return countsSeen ? Math.max(0, emitted - received - lost) : 0;
  }

  /** Stops reading: later lines (of a process still running, in attach mode) are not recorded. */
  synchronized void close() {
    closed = true;
  }

  boolean rootStarted() {
    return rootStarted;
  }

  /** One line of output, one char per byte, without its newline. */
  /** TAILOR_BPF_DEBUG=FILE keeps bpftrace's raw output, to see what it reported. */
  private static final String DEBUG = System.getenv("TAILOR_BPF_DEBUG");

  synchronized void line(String line) {
    if (DEBUG != null) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(DEBUG), line + "\n",
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        // debug only
      }
    }
    try {
      interpret(line);
    } catch (RuntimeException e) {
      // A line cut by a full buffer must not stop the recording.
      unreadable++;
    }
  }

  private void interpret(String line) {
    if (closed) {
      return;
    }
    if (line.startsWith("@")) {
      mapLine(line);
      return;
    }
    if (line.startsWith("Lost ") && line.endsWith(" events")) {
      lost += Long.parseLong(line.substring(5, line.length() - 7).trim());
      return;
    }
    if (line.length() < 1 || (line.length() > 1 && line.charAt(1) != ' ')) {
      return;
    }
    if ("BKEXAFOCDS".indexOf(line.charAt(0)) >= 0) {
      received++;
    }
    String[] f = line.split(" ");
    switch (line.charAt(0)) {
      case 'R' -> ready.countDown();
      case 'B' -> {
        // The workload's own exec: tracking starts inside it, so raw_syscalls missed its entry.
        rootStarted = true;
        recorder.addSyscallCount("execve", 1);
        onRootStarted.accept(Integer.parseInt(f[1]));
      }
      case 'K' -> {
        int parent = Integer.parseInt(f[1]);
        int child = Integer.parseInt(f[2]);
        if (!exitedEarly.remove(child)) {
          live.add(child);
        }
        recorder.recordProcess(child);
        String cwd = cwds.get(parent);
        if (cwd != null) {
          cwds.putIfAbsent(child, cwd);
        }
      }
      case 'E' -> {
        int tid = Integer.parseInt(f[1]);
        if (!live.remove(tid)) {
          // Lines from different CPUs may arrive out of order: the fork line may still come.
          exitedEarly.add(tid);
        }
      }
      case 'X' -> {
        // X pid cpu path
        int pid = Integer.parseInt(f[1]);
        long key = execKey(pid, Integer.parseInt(f[2]));
        path(pid, AT_FDCWD, f[3]).ifPresent(p -> pendingExec.put(key, p));
      }
      case 'A' -> {
        // A pid cpu argv-length argv
        String path = pendingExec.remove(execKey(Integer.parseInt(f[1]), Integer.parseInt(f[2])));
        if (path != null) {
          recorder.recordExec(path, argv(Long.parseLong(f[3]), f.length > 4 ? f[4] : ""));
        }
      }
      case 'F' -> {
        int pid = Integer.parseInt(f[1]);
        path(pid, low32(f[2]), f[4]).ifPresent(p -> recorder.recordFile(p, Access.EXEC, errno(Integer.parseInt(f[3])), false));
      }
      case 'O' -> {
        int pid = Integer.parseInt(f[1]);
        int flags = low32(f[3]);
        long ret = Long.parseLong(f[4]);
        String errno = ret < 0 ? errno((int) ret) : "";
        path(pid, low32(f[2]), f[5]).ifPresent(p -> recorder.recordOpen(p, flagText(flags), errno));
      }
      case 'C' -> {
        int pid = Integer.parseInt(f[1]);
        Optional<String> p = path(pid, AT_FDCWD, f[2]);
        if (p.isPresent()) {
          cwds.put(pid, p.get());
          recorder.recordFile(p.get(), Access.STAT, "", true);
        } else {
          cwds.remove(pid);
        }
      }
      case 'D' -> {
        // fchdir names no path: ask the kernel now (the process may have moved on; best effort).
        int pid = Integer.parseInt(f[1]);
        Optional<String> cwd = ProcTargets.cwd(pid);
        if (cwd.isPresent()) {
          cwds.put(pid, cwd.get());
        } else {
          cwds.remove(pid);
        }
      }
      case 'S' -> recorder.recordSocket(family(low32(f[2])), type(low32(f[3])));
      default -> {
        // bpftrace's own messages
      }
    }
  }

  /**
   * One line of a map dump (SIGUSR1): {@code @s<n>: count} (a busy syscall's counter), {@code
   * @sc[n]: count}, {@code @ev: count}; the sentinel map, printed last, ends the dump. The first
   * complete dump is the one kept.
   */
  private void mapLine(String line) {
    int colon = line.lastIndexOf(": ");
    if (colon < 0 || countsSeen) {
      return;
    }
    String name = line.substring(0, colon);
    if (name.equals(BpfScript.SENTINEL)) {
      for (Map.Entry<String, Long> e : dump.entrySet()) {
        if (e.getKey().equals(BpfScript.EVENTS)) {
          emitted = e.getValue();
        } else if (e.getValue() > 0) {
          recorder.addSyscallCount(name(Integer.parseInt(e.getKey())), e.getValue());
        }
      }
      countsSeen = true;
      return;
    }
    long value = Long.parseLong(line.substring(colon + 2).trim());
    if (name.equals(BpfScript.EVENTS)) {
      dump.put(name, value);
    } else if (name.startsWith(BpfScript.OTHERS + "[") && name.endsWith("]")) {
      dump.merge(name.substring(BpfScript.OTHERS.length() + 1, name.length() - 1), value, Long::sum);
    } else if (name.startsWith(BpfScript.HOT) && name.length() > BpfScript.HOT.length()
        && Character.isDigit(name.charAt(BpfScript.HOT.length()))) {
      dump.merge(name.substring(BpfScript.HOT.length()), value, Long::sum);
    }
  }

  /** An int argument as the kernel reads it: the low 32 bits of a register printed as a number. */
  static int low32(String number) {
    return (int) (number.startsWith("-") ? Long.parseLong(number) : Long.parseUnsignedLong(number));
  }

  /** Pairs the path and argv lines of one exec: same process, same CPU. */
  private static long execKey(int pid, int cpu) {
    return ((long) pid << 16) | (cpu & 0xffff);
  }

  private String name(int number) {
    Optional<String> n = syscallNames.apply(number);
    if (n.isPresent()) {
      return n.get();
    }
    String raw = "syscall_0x" + Integer.toHexString(number);
    unnamed.add(raw);
    return raw;
  }

  /** The absolute, resolved path a call named, or empty when it cannot be known exactly. */
  private Optional<String> path(int pid, int dirfd, String hex) {
    byte[] raw = unhex(hex, true);
    int len = raw.length;
    if (len >= BpfScript.MAX_STRING - 1) {
      truncated++;
      return Optional.empty();
    }
    if (len == 0) {
      unreadable++;
      return Optional.empty();
    }
    String name = new String(raw, 0, len, StandardCharsets.ISO_8859_1);
    String absolute;
    if (name.startsWith("/")) {
      absolute = name;
    } else if (dirfd != AT_FDCWD) {
      dirfdRelative++;
      return Optional.empty();
    } else {
      String cwd = cwds.get(pid);
      if (cwd == null) {
        unknownCwd++;
        return Optional.empty();
      }
      absolute = cwd.endsWith("/") ? cwd + name : cwd + "/" + name;
    }
    return Optional.of(resolver.resolve(absolute, true));
  }

  private static List<String> argv(long length, String hex) {
    byte[] raw = unhex(hex, false);
    int n = (int) Math.min(Math.max(length, 0), raw.length);
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (raw[i] == 0) {
        out.add(PathText.escape(new String(raw, start, i - start, StandardCharsets.ISO_8859_1)));
        start = i + 1;
      }
    }
    if (start < n) {
      out.add(PathText.escape(new String(raw, start, n - start, StandardCharsets.ISO_8859_1)) + "...");
    } else if (length > raw.length) {
      out.add("...");
    }
    return out;
  }

  /**
   * The bytes of a {@code %rx} buffer. A path is one string: {@code toNul} stops at its end, as
   * bpftrace prints the whole buffer, mostly trailing NULs.
   */
  static byte[] unhex(String hex, boolean toNul) {
    byte[] out = new byte[hex.length() / 4];
    int o = 0;
    for (int i = 0; i + 3 < hex.length(); i += 4) {
      int high = Character.digit(hex.charAt(i + 2), 16);
      int low = Character.digit(hex.charAt(i + 3), 16);
      if (hex.charAt(i) != '\\' || hex.charAt(i + 1) != 'x' || high < 0 || low < 0) {
        throw new IllegalArgumentException("not \\xHH at " + i);
      }
      out[o] = (byte) (high << 4 | low);
      if (toNul && out[o] == 0) {
        break;
      }
      o++;
    }
    return java.util.Arrays.copyOf(out, o);
  }

  private String flagText(int flags) {
    StringBuilder b = new StringBuilder(switch (flags & 3) {
      case 1 -> "O_WRONLY";
      case 2 -> "O_RDWR";
      default -> "O_RDONLY";
    });
    if ((flags & 0100) != 0) {
      b.append("|O_CREAT");
    }
    if ((flags & 01000) != 0) {
      b.append("|O_TRUNC");
    }
    if ((flags & 02000) != 0) {
      b.append("|O_APPEND");
    }
    if ((flags & 020000000) != 0) {
      b.append("|O_TMPFILE");
    } else if ((flags & oDirectory) != 0) {
      b.append("|O_DIRECTORY");
    }
    if ((flags & 010000000) != 0) {
      b.append("|O_PATH");
    }
    return b.toString();
  }

  static String errno(int negative) {
    int n = -negative;
    return n > 0 && n < ERRNOS.length && !ERRNOS[n].isEmpty() ? ERRNOS[n] : "errno " + n;
  }

  static String family(int af) {
    return switch (af) {
      case 1 -> "unix";
      case 2 -> "inet";
      case 10 -> "inet6";
      case 16 -> "netlink";
      case 17 -> "packet";
      case 15 -> "key";
      case 29 -> "can";
      case 31 -> "bluetooth";
      case 38 -> "alg";
      case 40 -> "vsock";
      case 44 -> "xdp";
      default -> "unknown";
    };
  }

  static String type(int type) {
    return switch (type & 0xf) {
      case 1 -> "stream";
      case 2 -> "dgram";
      case 3 -> "raw";
      case 4 -> "rdm";
      case 5 -> "seqpacket";
      case 10 -> "packet";
      default -> "unknown";
    };
  }

  /** Adds to the recording what this trace could not see or resolve. */
  synchronized void finish() {
    for (String path : pendingExec.values()) {
      recorder.recordExec(path, List.of());
    }
    pendingExec.clear();
    recorder.warn("traced with bpftrace: file accesses come from open, creat, openat, openat2, execve, "
        + "execveat and chdir only (not stat, unlink, rename, mkdir, fd-only reads and writes, mmap of "
        + "libraries or sockets' addresses); paths are the names passed, resolved afterwards on this machine: "
        + "the syscall counts are exact, but learn the AppArmor draft with --backend strace");
    if (lost > 0) {
      recorder.warn("bpftrace lost " + lost + " events (opens, execs, sockets): the file and socket lists may be "
          + "incomplete; syscall counts are kept in the kernel and are complete");
    }
    long missing = missing();
    if (missing > 0) {
      recorder.warn(missing + " events (opens, execs, sockets) that bpftrace printed never arrived: the file and "
          + "socket lists may be incomplete; syscall counts are kept in the kernel and are complete");
    }
    if (truncated > 0) {
      recorder.warn(truncated + " paths were " + (BpfScript.MAX_STRING - 1) + " bytes or longer, more than "
          + "bpftrace reads, and are left out (trace with --backend strace to see them)");
    }
    if (unreadable > 0) {
      recorder.warn(unreadable + " path arguments could not be read by bpftrace and are left out");
    }
    if (dirfdRelative > 0) {
      recorder.warn(dirfdRelative + " paths relative to a directory descriptor could not be resolved and are left out");
    }
    if (unknownCwd > 0) {
      recorder.warn(unknownCwd + " relative paths of processes whose working directory is unknown are left out");
    }
    if (!unnamed.isEmpty()) {
      recorder.warn("syscall numbers unknown to libseccomp: " + String.join(", ", new java.util.TreeSet<>(unnamed)));
    }
  }
}
