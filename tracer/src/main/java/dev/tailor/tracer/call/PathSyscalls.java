package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.call.PathSyscall.Follow;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table of {@link SyscallModel}'s syscalls that name files: one {@link PathSyscall} row each.
 */
final class PathSyscalls {
  private PathSyscalls() {}

  /** Every syscall that names files, by name. */
  static final Map<String, PathSyscall> BY_NAME = rows();

  /** The same rows for lookups by name, which every call of the workload makes. */
  static final Map<String, PathSyscall> LOOKUP = new java.util.HashMap<>(BY_NAME);

  private static Map<String, PathSyscall> rows() {
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
    row(m, "mkdir", -1, 0, Access.MKDIR, Follow.NEVER, -1);
    row(m, "mkdirat", 0, 1, Access.MKDIR, Follow.NEVER, -1);
    row(m, "rmdir", -1, 0, Access.DELETE, Follow.NEVER, -1);
    row(m, "unlink", -1, 0, Access.DELETE, Follow.NEVER, -1);
    // unlinkat's AT_REMOVEDIR makes it rmdir.
    row(m, "unlinkat", 0, 1, Access.DELETE, Follow.NEVER, 2);
    row(m, "chdir", -1, 0, Access.STAT, Follow.ALWAYS, -1);
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
    boolean directory = List.of("mkdir", "mkdirat", "rmdir", "chdir").contains(name);
    m.put(name, new PathSyscall(name, dirfd, path, access, follow, flags, directory, null, stat));
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
}
