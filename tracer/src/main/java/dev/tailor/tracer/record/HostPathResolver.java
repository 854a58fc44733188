package dev.tailor.tracer.record;

import dev.tailor.tracer.sys.LibC;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Resolves symlinks against this machine with libc's {@code realpath} on the exact bytes (Java's
 * own paths lose bytes that are not valid in the platform charset). A name that no longer exists
 * (deleted temporary files) is resolved through its nearest existing parent. Resolution happens
 * while the trace is read, so a workload that swaps a symlink between its call and this lookup
 * could mislead it; the report says which paths were resolved this way.
 */
public final class HostPathResolver implements PathResolver {
  private static final int PATH_MAX = 4096;

  /** Paths resolved so far: busy workloads stat the same few paths over and over. */
  private static final int CACHE_SIZE = 1 << 16;

  /** Deeper paths are resolved in one piece, so resolving parents never recurses too far. */
  private static final int MAX_CACHED_DEPTH = 128;

  private final LibC libc = LibC.INSTANCE;
  private final boolean cache;
  private final java.util.Map<String, String> followed = new java.util.HashMap<>();
  private final java.util.Map<String, String> unfollowed = new java.util.HashMap<>();

  /**
   * A resolver of this machine's paths.
   *
   * @param cache whether to remember answers: right for a log read after the fact (the machine is
   *     what it is now either way), wrong while tracing, where each call should see the symlinks of
   *     its own moment
   */
  public HostPathResolver(boolean cache) {
    this.cache = cache;
  }

  @Override
  public String resolve(String path, boolean followLast) {
    if (!cache) {
      return lookup(path, followLast);
    }
    java.util.Map<String, String> memo = followLast ? followed : unfollowed;
    String hit = memo.get(path);
    if (hit == null) {
      if (memo.size() >= CACHE_SIZE) {
        memo.clear();
      }
      hit = lookupThroughParent(path, followLast);
      memo.put(path, hit);
    }
    return hit;
  }

  /**
   * With a cache: the parent folder is resolved once (and remembered) for all the names in it; then
   * only a name that is itself a symlink needs a full {@code realpath}. A big log names thousands
   * of files in the same few folders, and a full resolution costs a syscall per component.
   */
  private String lookupThroughParent(String path, boolean followLast) {
    String normal = PathNames.normalize(path);
    // ".." after a symlink is not what it looks like: only the kernel's walk is right there.
    if (normal.equals("/")
        || path.contains("/..")
        || normal.chars().filter(c -> c == '/').count() > MAX_CACHED_DEPTH) {
      return lookup(path, followLast);
    }
    String joined =
        PathNames.join(resolve(PathNames.parent(normal), true), PathNames.lastName(normal));
    if (!followLast) {
      return joined;
    }
    byte[] name = Arrays.copyOf(joined.getBytes(StandardCharsets.ISO_8859_1), joined.length() + 1);
    return libc.readlink(name, new byte[1], 1) >= 0 ? realOrParent(joined, 0) : joined;
  }

  private String lookup(String path, boolean followLast) {
    if (followLast) {
      return realOrParent(path, 0);
    }
    String normal = PathNames.normalize(path);
    return normal.equals("/")
        ? normal
        : PathNames.join(realOrParent(PathNames.parent(normal), 0), PathNames.lastName(normal));
  }

  private String realOrParent(String path, int depth) {
    byte[] in = Arrays.copyOf(path.getBytes(StandardCharsets.ISO_8859_1), path.length() + 1);
    byte[] out = new byte[PATH_MAX + 1];
    if (libc.realpath(in, out) != null) {
      int len = 0;
      while (len < out.length && out[len] != 0) {
        len++;
      }
      return new String(out, 0, len, StandardCharsets.ISO_8859_1);
    }
    String normal = PathNames.normalize(path);
    if (normal.equals("/") || depth > 64) {
      return normal;
    }
    return PathNames.join(
        realOrParent(PathNames.parent(normal), depth + 1), PathNames.lastName(normal));
  }

  @Override
  public boolean isDirectory(String path) {
    // Java's paths hold only names valid in the platform charset: ask only for plain ASCII ones.
    return path.chars().allMatch(c -> c < 0x80)
        && java.nio.file.Files.isDirectory(java.nio.file.Path.of(path));
  }

  /** Heads of exec'd files read so far, when caching: a big log execs the same few programs. */
  private final java.util.Map<String, java.util.Optional<String>> heads = new java.util.HashMap<>();

  @Override
  public java.util.Optional<String> head(String path, int max) {
    if (!cache) {
      return readHead(path, max);
    }
    if (heads.size() >= CACHE_SIZE) {
      heads.clear();
    }
    return heads.computeIfAbsent(path + "\0" + max, k -> readHead(path, max));
  }

  /** The first {@code max} bytes of a file on this machine, one char per byte. */
  public static java.util.Optional<String> readHead(String path, int max) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
      return java.util.Optional.of(
          new String(in.readNBytes(max), java.nio.charset.StandardCharsets.ISO_8859_1));
    } catch (java.io.IOException | RuntimeException e) {
      // Gone, unreadable, or a name Java cannot spell: the kernel's view is not known.
      return java.util.Optional.empty();
    }
  }

  @Override
  public boolean isExecutableFile(String path) {
    return executableFile(path);
  }

  /** Whether a file on this machine is a regular file the kernel would exec (an execute bit). */
  public static boolean executableFile(String path) {
    try {
      java.nio.file.Path p = java.nio.file.Path.of(path);
      return java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public java.util.Optional<FileStat> stat(String path) {
    return FileStat.of(path);
  }
}
