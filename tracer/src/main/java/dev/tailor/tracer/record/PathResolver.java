package dev.tailor.tracer.record;

/**
 * Turns an absolute path a syscall named (one char per byte) into the symlink-free path the kernel
 * used, as far as can be known. strace's {@code -yy} fd paths are already resolved; this is for
 * paths that are only arguments (exec, stat, unlink, rename, mkdir, failed opens).
 */
public interface PathResolver {
  /**
   * Resolves {@code path}.
   *
   * @param followLast whether the call follows a symlink in the last component (stat, exec, open)
   *     or acts on the name itself (unlink, rename, lstat, mkdir, readlink)
   */
  String resolve(String path, boolean followLast);

  /**
   * Whether the path is a directory here and now; false when that cannot be known (a trace from
   * another machine). AppArmor writes directory rules with a trailing '/', and a directory opened
   * without O_DIRECTORY shows nothing else of what it is.
   */
  default boolean isDirectory(String path) {
    return false;
  }

  /**
   * The first {@code max} bytes of the file (one char per byte), to read a script's {@code #!} line
   * as the kernel does at exec; empty when the file cannot be read here (a trace from another
   * machine).
   */
  default java.util.Optional<String> head(String path, int max) {
    return java.util.Optional.empty();
  }

  /**
   * Whether the path is a regular file with an execute bit here and now, as an interpreter must be.
   */
  default boolean isExecutableFile(String path) {
    return false;
  }

  /**
   * The owner and mode of the file at a resolved path here and now, as the traced task sees it;
   * empty when that cannot be known (a trace from another machine, a file gone, ids of another user
   * namespace).
   */
  default java.util.Optional<FileStat> stat(String path) {
    return java.util.Optional.empty();
  }

  /** Only removes {@code .}, {@code ..} and repeated slashes: for traces from another machine. */
  PathResolver LEXICAL = (path, followLast) -> PathNames.normalize(path);
}
