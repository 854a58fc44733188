package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.call.DescriptorNames;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.Exec;
import dev.tailor.tracer.call.Effect.FdAccess;
import dev.tailor.tracer.call.Effect.Open;
import dev.tailor.tracer.call.Effect.PathAccess;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the kernel's calls that name files or use an fd (opens, execs, stats, renames, links, fd
 * uses) into what they did, from their flags and the paths the kernel resolved at the call.
 */
final class FileCallDecoder {
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_REMOVEDIR = 0x200;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;

  private final int oDirectory;

  FileCallDecoder(String arch) {
    // O_DIRECTORY (and O_TMPFILE, which includes it) differ between architectures; the others
    // tailor reads do not.
    boolean arm = arch.equals("aarch64") || arch.startsWith("arm");
    this.oDirectory = arm ? OpenMode.ARM_O_DIRECTORY : OpenMode.O_DIRECTORY;
  }

  /** An open of any kind: what it opened, or the name it failed on. */
  void open(
      KernelEvent e,
      String name,
      PathSyscall row,
      String errno,
      boolean returned,
      List<Effect> out) {
    int flags =
        switch (name) {
          case "creat" -> OpenMode.CREAT;
          case "openat2" -> e.peek();
          default -> e.intArg(row.path() + 1);
        };
    OpenMode mode = OpenMode.of(flags, oDirectory);
    if (errno.isEmpty() && returned) {
      String opened = e.path(3).orElse("");
      Optional<PathArg> named = pathArg(e, 0, row.dirfd(), 2, true);
      boolean reopens = named.map(p -> DescriptorNames.reopens(p.name())).orElse(false);
      PathArg arg = opened.isEmpty() ? named.orElse(PathArg.NONE) : PathArg.NONE;
      out.add(new Open(arg, opened, mode, "", reopens));
    } else if (!errno.isEmpty()) {
      pathArg(e, 0, row.dirfd(), 2, true).ifPresent(p -> out.add(Open.failed(p, mode, errno)));
    }
  }

  /** A failed exec (a successful one comes as its own event, with argv). */
  static void exec(KernelEvent e, boolean at, String errno, boolean returned, List<Effect> out) {
    Optional<PathArg> path;
    if (at && isEmptyString(e, 0)) {
      // execveat(fd, "", ..., AT_EMPTY_PATH) runs the file fd is open on (fexecve); never a
      // directory's fd.
      path =
          (e.intArg(4) & AT_EMPTY_PATH) != 0 && e.intArg(0) != BpfPrograms.AT_FDCWD
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
  static void named(KernelEvent e, PathSyscall row, String errno, List<Effect> out) {
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
  static Optional<PathArg> pathArg(
      KernelEvent e, int part, int dirfd, int dirPart, boolean follow) {
    Optional<String> s = e.string(part);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String name = s.get();
    if (dirfd < 0) {
      return Optional.of(new PathArg(e.under(dirPart, name), PathArg.Base.CWD, "", follow));
    }
    PathArg.Base base =
        e.intArg(dirfd) == BpfPrograms.AT_FDCWD ? PathArg.Base.CWD : PathArg.Base.DIR;
    return Optional.of(new PathArg(name, base, e.path(dirPart).orElse(""), follow));
  }

  private static boolean isEmptyString(KernelEvent e, int part) {
    return e.string(part).map(String::isEmpty).orElse(false);
  }

  static boolean isDirectory(int mode) {
    return (mode & S_IFMT) == S_IFDIR;
  }

  /**
   * A use of the fd the row names (argument 0, mmap's 4), whose path the kernel walked into part 2.
   */
  static void fd(KernelEvent e, boolean ok, Access kind, boolean directory, List<Effect> out) {
    if (ok) {
      e.path(2).ifPresent(p -> out.add(new FdAccess(p, kind, directory)));
    }
  }
}
