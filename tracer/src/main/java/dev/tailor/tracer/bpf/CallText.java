package dev.tailor.tracer.bpf;

import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.SyscallEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a call the kernel reported as the line {@code strace -f -yy} would have written for it,
 * so that the recorder reads both backends' calls with the same code: paths quoted with every
 * byte outside printable ASCII (and {@code " \ < >}) as {@code \xHH}, fds decorated with the
 * paths the kernel resolved at the call ({@code 3</etc/passwd>}, {@code AT_FDCWD</home/u>}), and
 * the results and errnos strace prints. Only what the recorder reads is spelled out; other
 * arguments are numbers.
 */
final class CallText {
  private static final int AT_FDCWD = -100;
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

  /** How many arguments each traced call takes, so a line has them all where the recorder looks. */
  private static final Map<String, Integer> ARITY = Map.ofEntries(
      Map.entry("open", 3), Map.entry("creat", 2), Map.entry("openat", 4), Map.entry("openat2", 4),
      Map.entry("execve", 3), Map.entry("execveat", 5), Map.entry("stat", 2), Map.entry("lstat", 2),
      Map.entry("access", 2), Map.entry("statfs", 2), Map.entry("getxattr", 4), Map.entry("lgetxattr", 4),
      Map.entry("listxattr", 3), Map.entry("llistxattr", 3), Map.entry("chroot", 1), Map.entry("swapon", 2),
      Map.entry("swapoff", 1), Map.entry("acct", 1), Map.entry("readlink", 3), Map.entry("truncate", 2),
      Map.entry("chmod", 2), Map.entry("chown", 3), Map.entry("lchown", 3), Map.entry("utime", 2),
      Map.entry("utimes", 2), Map.entry("setxattr", 5), Map.entry("lsetxattr", 5), Map.entry("removexattr", 2),
      Map.entry("lremovexattr", 2), Map.entry("inotify_add_watch", 3), Map.entry("uselib", 1), Map.entry("mknod", 3),
      Map.entry("mknodat", 4), Map.entry("newfstatat", 4), Map.entry("fstatat64", 4), Map.entry("statx", 5),
      Map.entry("faccessat", 3), Map.entry("faccessat2", 4), Map.entry("readlinkat", 4),
      Map.entry("name_to_handle_at", 5), Map.entry("fchmodat", 3), Map.entry("fchmodat2", 4), Map.entry("fchownat", 5),
      Map.entry("utimensat", 4), Map.entry("futimesat", 3), Map.entry("mkdir", 2), Map.entry("mkdirat", 3),
      Map.entry("rmdir", 1), Map.entry("unlink", 1), Map.entry("unlinkat", 3), Map.entry("chdir", 1),
      Map.entry("rename", 2), Map.entry("renameat", 4), Map.entry("renameat2", 5), Map.entry("link", 2),
      Map.entry("linkat", 5), Map.entry("symlink", 2), Map.entry("symlinkat", 3), Map.entry("fchdir", 1),
      Map.entry("flock", 2), Map.entry("ftruncate", 2), Map.entry("fchmod", 2), Map.entry("fchown", 3),
      Map.entry("fsetxattr", 5), Map.entry("fremovexattr", 2), Map.entry("getdents", 3), Map.entry("getdents64", 3),
      Map.entry("fstat", 2), Map.entry("mmap", 6), Map.entry("fcntl", 3), Map.entry("socket", 3),
      Map.entry("socketpair", 4), Map.entry("bind", 3), Map.entry("connect", 3), Map.entry("setuid", 1),
      Map.entry("setgid", 1), Map.entry("setfsuid", 1), Map.entry("setfsgid", 1), Map.entry("setreuid", 2),
      Map.entry("setregid", 2), Map.entry("setresuid", 3), Map.entry("setresgid", 3), Map.entry("setgroups", 2),
      Map.entry("unshare", 1), Map.entry("adjtimex", 1), Map.entry("clock_adjtime", 2),
      Map.entry("sched_setscheduler", 3), Map.entry("sched_setattr", 3), Map.entry("mount", 5),
      Map.entry("umount2", 2), Map.entry("capset", 2), Map.entry("bpf", 3), Map.entry("ptrace", 4));

  private final int oDirectory;
  private final int oTmpfile;

  CallText(String arch) {
    // O_DIRECTORY (and O_TMPFILE, which includes it) differ between architectures; the others tailor reads do not.
    boolean arm = arch.equals("aarch64") || arch.startsWith("arm");
    this.oDirectory = arm ? 040000 : 0200000;
    this.oTmpfile = 020000000 | oDirectory;
  }

  /** The line of a call event, or empty when the kernel's record says nothing the recorder reads. */
  Optional<SyscallEvent> call(KernelEvent e, String name, TracedCalls.Spec spec, long line) {
    List<String> a = new ArrayList<>();
    int arity = ARITY.getOrDefault(name, 6);
    Optional<PathSyscall> row = spec.row();
    for (int i = 0; i < arity; i++) {
      a.add(argument(e, name, spec, row, i));
    }
    String result = result(e, name, spec);
    return Optional.of(new SyscallEvent(e.tid(), name, String.join(", ", a), result, line));
  }

  private String argument(KernelEvent e, String name, TracedCalls.Spec spec, Optional<PathSyscall> row, int i) {
    long v = e.args()[i];
    if (spec.has(TracedCalls.SOCKADDR) && i == spec.path1()) {
      return e.has(0) ? SockaddrText.of(e.parts()[0]) : "...";
    }
    if (row.isPresent()) {
      PathSyscall r = row.get();
      PathSyscall second = r.second();
      if (i == r.path()) {
        return pathToken(e, 0, r.dirfd() < 0 ? 2 : -1, v);
      }
      if (second != null && i == second.path()) {
        return pathToken(e, 1, second.dirfd() < 0 ? 3 : -1, v);
      }
      if (i == r.dirfd()) {
        return dirToken(e.intArg(i), 2, e);
      }
      if (second != null && i == second.dirfd()) {
        return dirToken(e.intArg(i), 3, e);
      }
      if (i == r.flags()) {
        return atFlags(name, e.intArg(i));
      }
      if (i == r.statBuffer()) {
        return statText(name, e);
      }
      if (r.opens() && i == r.path() + 1) {
        return switch (name) {
          case "creat" -> "0" + Integer.toOctalString(e.intArg(i));
          case "openat2" -> "{flags=" + openFlags(e.peek()) + ", mode=0, resolve=0}";
          default -> openFlags(e.intArg(i));
        };
      }
      if ((name.equals("mknod") && i == 1) || (name.equals("mknodat") && i == 2)) {
        return modeText(e.intArg(i));
      }
      return number(v);
    }
    if (i == spec.fdArg()) {
      return fdToken(e.intArg(i), 2, e);
    }
    return switch (name) {
      case "mmap" -> i == 2 ? SyscallModel.PROT_FLAGS.name(v).orElse(hex(v)) : number(v);
      case "fcntl" -> i == 1 ? switch (e.intArg(1)) {
        case 6 -> "F_SETLK";
        case 7 -> "F_SETLKW";
        case 37 -> "F_OFD_SETLK";
        case 38 -> "F_OFD_SETLKW";
        default -> number(v);
      } : number(v);
      case "fstat" -> statText(name, e);
      case "sched_setscheduler" -> i == 1 ? policy(e.intArg(1)) : number(v);
      case "sched_setattr" -> i == 1 ? "{size=48, sched_policy=" + policy(e.peek()) + "}" : number(v);
      case "adjtimex" -> "{modes=" + Integer.toUnsignedString(e.peek()) + "}";
      case "clock_adjtime" -> i == 1 ? "{modes=" + Integer.toUnsignedString(e.peek()) + "}" : number(v);
      default -> number(v);
    };
  }

  /**
   * A path argument: quoted; a relative one of a call without a dirfd joined here to the working
   * directory the kernel walked at the call ({@code cwdPart}), as an {@code *at} call's
   * {@code AT_FDCWD</dir>} would say it.
   */
  private String pathToken(KernelEvent e, int part, int cwdPart, long pointer) {
    if (e.cut(part)) {
      // PATH_MAX bytes or more: marked as strace marks a cut string, so that no rule names a prefix.
      byte[] p = e.parts()[part];
      return quote(java.util.Arrays.copyOf(p, p.length - 1)) + "...";
    }
    Optional<String> s = e.string(part);
    if (s.isEmpty()) {
      // not read: as strace writes a pointer it could not follow
      return hex(pointer);
    }
    String name = s.get();
    if (cwdPart >= 0 && !name.startsWith("/")) {
      Optional<String> cwd = e.path(cwdPart);
      if (cwd.isPresent()) {
        name = cwd.get().endsWith("/") ? cwd.get() + name : cwd.get() + "/" + name;
      }
    }
    return quote(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  private static String dirToken(int fd, int part, KernelEvent e) {
    String decoration = e.path(part).map(p -> "<" + decorate(p) + ">").orElse(e.pseudo(part) ? "<?>" : "");
    return (fd == AT_FDCWD ? "AT_FDCWD" : Integer.toString(fd)) + decoration;
  }

  private static String fdToken(int fd, int part, KernelEvent e) {
    return Integer.toString(fd) + e.path(part).map(p -> "<" + decorate(p) + ">").orElse(e.pseudo(part) ? "<?>" : "");
  }

  private String result(KernelEvent e, String name, TracedCalls.Spec spec) {
    long r = e.ret();
    if (r < 0 && r >= -4095) {
      return errno((int) r);
    }
    if (r < -4095 || (r < 0 && !name.equals("mmap"))) {
      // the kernel's restart codes (ERESTARTSYS...): strace writes "?"
      return "?";
    }
    if (spec.has(TracedCalls.RESULT_FD)) {
      return fdToken((int) r, 3, e);
    }
    return name.equals("mmap") ? hex(r) : Long.toString(r);
  }

  /** {@code -1 ENOENT (ENOENT)} for {@code -2}, as strace writes a failure. */
  static String errno(int negative) {
    String n = errnoName(negative);
    return "-1 " + n + " (" + n + ")";
  }

  /** The name of errno {@code -negative}, or {@code errno N}. */
  static String errnoName(int negative) {
    int n = -negative;
    return n > 0 && n < ERRNOS.length && !ERRNOS[n].isEmpty() ? ERRNOS[n] : "E" + n;
  }

  private String openFlags(int flags) {
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
    if ((flags & oTmpfile) == oTmpfile) {
      b.append("|O_TMPFILE");
    } else if ((flags & oDirectory) != 0) {
      b.append("|O_DIRECTORY");
    }
    if ((flags & 010000000) != 0) {
      b.append("|O_PATH");
    }
    if ((flags & 02000000) != 0) {
      b.append("|O_CLOEXEC");
    }
    return b.toString();
  }

  private static String atFlags(String name, int flags) {
    List<String> names = new ArrayList<>();
    if ((flags & 0x100) != 0) {
      names.add("AT_SYMLINK_NOFOLLOW");
    }
    if ((flags & 0x200) != 0) {
      names.add(name.equals("unlinkat") ? "AT_REMOVEDIR" : "AT_EACCESS");
    }
    if ((flags & 0x400) != 0) {
      names.add("AT_SYMLINK_FOLLOW");
    }
    if ((flags & 0x1000) != 0) {
      names.add("AT_EMPTY_PATH");
    }
    int rest = flags & ~0x1700;
    if (rest != 0) {
      names.add("0x" + Integer.toHexString(rest));
    }
    return names.isEmpty() ? "0" : String.join("|", names);
  }

  /** A stat buffer, as far as the recorder reads it: its file type, when the call worked. */
  private static String statText(String name, KernelEvent e) {
    if (e.ret() != 0) {
      return "0x0";
    }
    int mode = name.equals("statx") ? e.peek() & 0xffff : e.peek();
    String m = modeText(mode);
    return name.equals("statx") ? "{stx_mask=STATX_BASIC_STATS, stx_mode=" + m + "}" : "{st_mode=" + m + "}";
  }

  private static String modeText(int mode) {
    String type = switch (mode & 0170000) {
      case 0040000 -> "S_IFDIR";
      case 0100000 -> "S_IFREG";
      case 0120000 -> "S_IFLNK";
      case 0020000 -> "S_IFCHR";
      case 0060000 -> "S_IFBLK";
      case 0010000 -> "S_IFIFO";
      case 0140000 -> "S_IFSOCK";
      default -> "";
    };
    String perms = "0" + Integer.toOctalString(mode & 07777);
    return type.isEmpty() ? perms : type + "|" + perms;
  }

  private static String policy(int p) {
    String name = switch (p & ~0x40000000) {
      case 0 -> "SCHED_OTHER";
      case 1 -> "SCHED_FIFO";
      case 2 -> "SCHED_RR";
      case 3 -> "SCHED_BATCH";
      case 5 -> "SCHED_IDLE";
      case 6 -> "SCHED_DEADLINE";
      default -> Integer.toString(p & ~0x40000000);
    };
    return (p & 0x40000000) != 0 ? name + "|SCHED_RESET_ON_FORK" : name;
  }

  /**
   * A number as strace writes an int; a pointer-sized value, which the recorder never reads, as
   * strace's {@code ...}, so that the same call in another process (another address) is the same
   * line and is replayed rather than read again.
   */
  private static String number(long v) {
    return v == (int) v || v == ((int) v & 0xffffffffL) ? Integer.toString((int) v) : "...";
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  /** A quoted string: every byte outside printable ASCII, and the quote and backslash, as {@code \xHH}. */
  static String quote(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length + 2).append('"');
    for (byte x : bytes) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b.append((char) c);
      } else {
        b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
    return b.append('"').toString();
  }

  /** A path inside a {@code -yy} decoration: as {@link #quote}, and {@code < >} escaped too. */
  static String decorate(String path) {
    StringBuilder b = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      int c = path.charAt(i) & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>') {
        b.append((char) c);
      } else {
        b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      }
    }
    return b.toString();
  }
}
