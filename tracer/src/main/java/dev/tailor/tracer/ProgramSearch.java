package dev.tailor.tracer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Looks a program name up on a {@code PATH} as a shell does: its folders in order, an empty one
 * meaning the current folder, the first executable regular file winning. Callers word their own
 * errors from what it finds.
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
}
