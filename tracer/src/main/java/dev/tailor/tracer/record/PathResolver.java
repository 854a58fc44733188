package dev.tailor.tracer.record;

/**
 * Turns an absolute path a syscall named (one char per byte) into the symlink-free path the
 * kernel used, as far as can be known. strace's {@code -yy} fd paths are already resolved; this is
 * for paths that are only arguments (exec, stat, unlink, rename, mkdir, failed opens).
 */
public interface PathResolver {
  /**
   * Resolves {@code path}.
   *
   * @param followLast whether the call follows a symlink in the last component (stat, exec, open)
   *     or acts on the name itself (unlink, rename, lstat, mkdir, readlink)
   */
  String resolve(String path, boolean followLast);

  /** Only removes {@code .}, {@code ..} and repeated slashes: for traces from another machine. */
  PathResolver LEXICAL = (path, followLast) -> PathNames.normalize(path);
}
