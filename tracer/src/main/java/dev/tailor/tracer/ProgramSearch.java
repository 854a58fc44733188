package dev.tailor.tracer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Looks a program name up on a {@code PATH} as a shell does: its folders in order, an empty one
 * meaning the current folder, the first executable regular file winning; and says, in a shell's
 * words and exit codes, why a program cannot be run.
 */
public final class ProgramSearch {
  /** The {@code PATH} used when the environment has none. */
  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private ProgramSearch() {}

  /** This process's {@code PATH}, or the default when it is not set. */
  public static String environmentPath() {
    return System.getenv().getOrDefault("PATH", DEFAULT_PATH);
  }

  /** Each folder of {@code pathEnv} joined with {@code name}, in the order they are searched. */
  public static List<Path> candidates(String name, String pathEnv) {
    return Stream.of(pathEnv.split(":", -1))
        .map(dir -> Path.of(dir.isEmpty() ? "." : dir).resolve(name))
        .toList();
  }

  /** The first executable regular file called {@code name} in {@code pathEnv}'s folders. */
  public static Optional<Path> first(String name, String pathEnv) {
    return candidates(name, pathEnv).stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /**
   * The program {@code name} names, found as a shell does: a name with a slash as is, else the
   * first executable regular file in {@code pathEnv}. When none runs, says why the first of that
   * name does not (127 when there is none, 126 when it is a directory or not executable).
   */
  public static Path resolve(String name, String pathEnv) throws UnrunnableCommandException {
    if (name.isEmpty()) {
      throw new UnrunnableCommandException(
          UnrunnableCommandException.NOT_FOUND, "empty command name");
    }
    if (name.indexOf('/') >= 0) {
      Path p = Path.of(name);
      if (!Files.exists(p)) {
        throw new UnrunnableCommandException(
            UnrunnableCommandException.NOT_FOUND, name + ": no such file or directory");
      }
      checkRunnable(p, name);
      return p;
    }
    Optional<Path> found = first(name, pathEnv);
    if (found.isPresent()) {
      return found.get();
    }
    for (Path p : candidates(name, pathEnv)) {
      if (Files.exists(p)) {
        checkRunnable(p, p.toString());
      }
    }
    throw new UnrunnableCommandException(
        UnrunnableCommandException.NOT_FOUND, name + ": command not found in PATH");
  }

  private static void checkRunnable(Path p, String shown) throws UnrunnableCommandException {
    if (Files.isDirectory(p)) {
      throw new UnrunnableCommandException(
          UnrunnableCommandException.CANNOT_RUN, shown + ": is a directory");
    }
    if (!Files.isExecutable(p)) {
      throw new UnrunnableCommandException(
          UnrunnableCommandException.CANNOT_RUN, shown + ": permission denied");
    }
  }
}
