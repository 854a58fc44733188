package dev.tailor.tracer.backend;

import dev.tailor.tracer.ProgramSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds programs the way a shell does, so "not found" and "not executable" are told apart early.
 */
public final class Commands {
  private Commands() {}

  /** The program {@code name} names: itself when it has a slash, else the first match on PATH. */
  public static Path resolve(String name) throws TraceException {
    if (name.isEmpty()) {
      throw new TraceException(TraceException.Kind.NOT_FOUND, "empty command name");
    }
    if (name.contains("/")) {
      Path p = Path.of(name);
      if (!Files.exists(p)) {
        throw new TraceException(TraceException.Kind.NOT_FOUND, name + ": no such file");
      }
      return checkRunnable(p, name);
    }
    Optional<Path> found = onPath(name);
    if (found.isEmpty()) {
      throw new TraceException(
          TraceException.Kind.NOT_FOUND, name + ": command not found (not on PATH)");
    }
    return checkRunnable(found.get(), name);
  }

  /** The first executable file called {@code name} on PATH. */
  public static Optional<Path> onPath(String name) {
    return ProgramSearch.first(name, ProgramSearch.environmentPath());
  }

  private static Path checkRunnable(Path p, String name) throws TraceException {
    if (Files.isDirectory(p)) {
      throw new TraceException(TraceException.Kind.CANNOT_RUN, name + ": is a directory");
    }
    if (!Files.isExecutable(p)) {
      throw new TraceException(
          TraceException.Kind.CANNOT_RUN, name + ": permission denied (not executable)");
    }
    return p;
  }
}
