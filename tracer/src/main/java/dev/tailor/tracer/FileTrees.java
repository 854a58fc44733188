package dev.tailor.tracer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes a folder with all it holds, the one way main code and tests do it. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code dir} and everything below it, deepest first, without following links; nothing
   * when it does not exist. Goes on past a file it cannot delete, then throws the first failure.
   */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    IOException first = null;
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** {@link #delete} where a leftover is harmless: what cannot be deleted stays, silently. */
  public static void deleteQuietly(Path dir) {
    try {
      delete(dir);
    } catch (IOException e) {
      // what cannot be deleted stays
    }
  }
}
