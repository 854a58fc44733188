package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import java.util.List;

/**
 * How a syscall names files: which arguments are a path and the directory it is relative to, what
 * the call does to the file, and whether a last-component symlink is followed. One row of {@link
 * SyscallModel#path}; both backends read their arguments by it.
 *
 * @param name the syscall
 * @param dirfd the argument holding the directory fd the path is relative to, or -1 (the cwd)
 * @param path the argument holding the path
 * @param access what the call does to the file; {@link Access#READ} stands for "by the open flags"
 *     for the open family (see {@link #opens})
 * @param follow how a symlink in the last component is treated
 * @param flags the argument holding {@code AT_*} flags ({@code AT_SYMLINK_NOFOLLOW}, {@code
 *     AT_EMPTY_PATH}, {@code AT_REMOVEDIR}), or -1
 * @param directory whether the call names a directory (mkdir, rmdir, chdir)
 * @param second a second path the call names (rename's and link's target), or null
 * @param statBuffer the argument the call fills with the file's stat (whose mode says whether it is
 *     a directory), or -1
 */
public record PathSyscall(
    String name,
    int dirfd,
    int path,
    Access access,
    Follow follow,
    int flags,
    boolean directory,
    PathSyscall second,
    int statBuffer) {

  /** How a last-component symlink is treated. */
  public enum Follow {
    /** Followed, as by stat and open. */
    ALWAYS,
    /** Never followed, as by lstat, mkdir, unlink. */
    NEVER,
    /** Followed unless the flags argument has {@code AT_SYMLINK_NOFOLLOW}. */
    UNLESS_NOFOLLOW
  }

  /** Whether this is an open-family call, whose accesses come from its flags. */
  public boolean opens() {
    return List.of("open", "openat", "openat2", "creat").contains(name);
  }

  /** Whether this call runs the file (execve, execveat). */
  public boolean execs() {
    return name.equals("execve") || name.equals("execveat");
  }
}
