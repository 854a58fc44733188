package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** One thing a call did, as both backends decode it (see {@link Call}). */
public sealed interface Effect {

  /**
   * A call that named a file (stat, unlink, rename, mkdir, ...).
   *
   * @param errno the errno name when the call failed, else empty
   * @param directory whether the call says the file is a directory
   */
  record PathAccess(PathArg path, Set<Access> kinds, String errno, boolean directory)
      implements Effect {
    public PathAccess {
      kinds = kinds.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(kinds);
    }

    public PathAccess(PathArg path, Access kind, String errno, boolean directory) {
      this(path, EnumSet.of(kind), errno, directory);
    }
  }

  /**
   * An open: the fd it returned names the resolved path ({@code opened}, empty when the trace does
   * not say it); a failed one names only its argument.
   *
   * @param mode what the flags ask of the file
   * @param reopens the call reached one of the process's own descriptors ({@code /dev/stdout},
   *     {@code /proc/self/fd/N}, or the fd is a pipe or socket, which only such a name reaches):
   *     what it opened is what the descriptor was open on, not a file the workload named
   */
  record Open(PathArg path, String opened, OpenMode mode, String errno, boolean reopens)
      implements Effect {
    /** A failed open: the name it failed on. */
    public static Open failed(PathArg path, OpenMode mode, String errno) {
      return new Open(path, "", mode, errno, false);
    }
  }

  /** A use of a file through an fd whose path the trace says. */
  record FdAccess(String path, Access kind, boolean directory) implements Effect {}

  /** An fd that the trace shows is a socket of this kind (its socket() may not be in the trace). */
  record FdSocket(SocketKind kind) implements Effect {}

  /**
   * An exec: a failed one names its file; a successful one runs it with {@code argv} (items in
   * {@link dev.tailor.tracer.PathText} form, shortened ones ending in {@code ...}); one that did
   * not return (the process died meanwhile) only named it.
   */
  record Exec(PathArg program, List<String> argv, String errno, boolean returned)
      implements Effect {
    public Exec {
      argv = List.copyOf(argv);
    }
  }

  /** A clone or fork returned in the parent: {@code child} is the new pid, 0 or less when none. */
  record Fork(int child) implements Effect {}

  /**
   * A new working directory; {@code named}: a call named it (chdir), rather than an fd (fchdir).
   */
  record ChangeDir(PathArg dir, boolean named) implements Effect {}

  /** A socket made. */
  record SocketOpen(SocketKind kind) implements Effect {}

  /**
   * An address a socket was bound to ({@code local}) or sent or connected to, in printable form
   * ({@code 127.0.0.1:80}, a unix path in {@link dev.tailor.tracer.PathText} form).
   */
  record SocketAddress(SocketKind kind, boolean local, String address) implements Effect {}

  /**
   * The path of a unix socket a bind made ({@link Access#CREATE}) or a connect used ({@link
   * Access#WRITE}), as the call named it: relative to the working directory, last symlink kept.
   */
  record SocketPath(String name, Access kind) implements Effect {}

  /** A capability the call needed, and why, as the report says it. */
  record Capable(String capability, String reason) implements Effect {}

  /**
   * A call that changed a process's ids. {@code ids} are the call's id arguments as numbers, in the
   * order of {@link IdCall} ({@code -1}, or its 32-bit form, leaves an id unchanged); {@code shown}
   * is the call as the report names it; {@code result} what it returned ({@code setfsuid} returns
   * the old fs id), -1 when not known. For {@code setgroups}, {@code ids} are the count, then the
   * groups where the trace shows them.
   */
  record IdChange(IdCall call, List<Long> ids, String shown, long result) implements Effect {
    public IdChange {
      ids = List.copyOf(ids);
    }
  }

  /** The set*id calls, and which ids their arguments are. */
  enum IdCall {
    SETUID(false, "uid"),
    SETREUID(false, "real uid", "effective uid"),
    SETRESUID(false, "real uid", "effective uid", "saved uid"),
    SETFSUID(false, "fs uid"),
    SETGID(true, "gid"),
    SETREGID(true, "real gid", "effective gid"),
    SETRESGID(true, "real gid", "effective gid", "saved gid"),
    SETFSGID(true, "fs gid"),
    SETGROUPS(true, "group count", "group list");

    private final boolean groups;
    private final List<String> ids;

    IdCall(boolean groups, String... ids) {
      this.groups = groups;
      this.ids = List.of(ids);
    }

    /** Whether the call changes group ids (else user ids). */
    public boolean groups() {
      return groups;
    }

    /** What each argument is. */
    public List<String> ids() {
      return ids;
    }

    private static final java.util.Map<String, IdCall> BY_NAME = new java.util.HashMap<>();

    static {
      for (IdCall c : values()) {
        String n = c.name().toLowerCase(java.util.Locale.ROOT);
        BY_NAME.put(n, c);
        BY_NAME.put(n + "32", c);
      }
    }

    /** The call of a syscall name ({@code setresuid}, {@code setresuid32}), if it is one. */
    public static java.util.Optional<IdCall> of(String syscall) {
      return java.util.Optional.ofNullable(BY_NAME.get(syscall));
    }
  }

  /**
   * A call that changed the task's capabilities, or how set*id calls change them (capset; prctl's
   * keep-caps, secure bits, ambient capabilities).
   */
  record PrivilegeChange(String shown) implements Effect {}

  /**
   * A chown of a file: {@code file} as the call named it, or resolved through its fd; {@code uid}
   * and {@code gid} as passed ({@code -1} keeps one).
   */
  record OwnerChange(PathArg file, long uid, long gid, String shown) implements Effect {}

  /** The value of an argument an argument filter is learned from. */
  record ArgumentValue(ArgFilter filter, long value) implements Effect {}

  /** Something the decoder could not read, for the report. */
  record Warning(String text) implements Effect {}
}
