package dev.tailor.tracer.backend;

import dev.tailor.tracer.FileTrees;
import dev.tailor.tracer.ProgramSearch;
import dev.tailor.tracer.UnrunnableCommandException;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Finds programs the way a shell does, so "not found" and "not executable" are told apart early;
 * and starts and waits for them as both backends do.
 */
public final class Commands {
  private Commands() {}

  /**
   * The program {@code name} names on this process's PATH ({@link ProgramSearch#resolve}); not
   * found and not runnable are told apart by the exception's kind.
   */
  public static Path resolve(String name) throws TraceException {
    try {
      return ProgramSearch.resolve(name, ProgramSearch.environmentPath());
    } catch (UnrunnableCommandException e) {
      TraceException.Kind kind =
          e.exitCode() == UnrunnableCommandException.NOT_FOUND
              ? TraceException.Kind.NOT_FOUND
              : TraceException.Kind.CANNOT_RUN;
      throw new TraceException(kind, e.getMessage(), e);
    }
  }

  /** The first executable file called {@code name} on PATH. */
  public static Optional<Path> onPath(String name) {
    return ProgramSearch.first(name, ProgramSearch.environmentPath());
  }

  /**
   * setsid, where none of stdin, stdout and stderr is a terminal (CI): the workload then gets a
   * session of its own, so that a signal to tailor's whole process group (a runner stopping its
   * job) reaches it once, passed on by tailor, rather than twice. With a terminal it stays in the
   * foreground group, where Ctrl-C reaches it directly and SignalRelay does not repeat it.
   */
  public static Optional<Path> setsidWithoutTerminal() {
    LibC c = LibC.INSTANCE;
    return c.isatty(0) == 1 || c.isatty(1) == 1 || c.isatty(2) == 1
        ? Optional.empty()
        : onPath("setsid");
  }

  /**
   * A new FIFO called {@code name} in a new folder only tailor may use (rwx------, named {@code
   * prefix...}); the caller removes both.
   */
  public static Path privateFifo(String prefix, String name) throws TraceException {
    Path dir;
    try {
      dir =
          Files.createTempDirectory(
              prefix,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new TraceException(
          TraceException.Kind.FAILED, "cannot create a temporary folder: " + e.getMessage(), e);
    }
    Path fifo = dir.resolve(name);
    if (LibC.INSTANCE.mkfifo(fifo.toString(), 0600) != 0) {
      FileTrees.deleteQuietly(dir);
      throw new TraceException(TraceException.Kind.FAILED, "cannot create a FIFO in " + dir);
    }
    return fifo;
  }

  /**
   * Starts {@code argv} with tailor's stdin, stdout and stderr; {@code what} names it in errors.
   */
  public static Process start(List<String> argv, String what) throws TraceException {
    try {
      return new ProcessBuilder(argv).inheritIO().start();
    } catch (IOException e) {
      throw new TraceException(
          TraceException.Kind.FAILED, "cannot start " + what + ": " + e.getMessage(), e);
    }
  }

  /** The exit code of {@code p}: the trace must end before profiles are written. */
  public static int waitUninterruptibly(Process p) {
    while (true) {
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        // keep waiting
      }
    }
  }
}
