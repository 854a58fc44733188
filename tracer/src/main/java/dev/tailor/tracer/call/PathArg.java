package dev.tailor.tracer.call;

/**
 * A path a call named and what it is relative to, as the call gave it: the interpreter resolves it
 * as the kernel did at the call (working directory, {@code /proc/self}, symlinks).
 *
 * @param name the name as passed, one char per byte
 * @param base what a relative name is relative to
 * @param dir the directory of {@code base} when the trace says it (a decorated {@code AT_FDCWD} or
 *     dirfd, the kernel's walk), else empty
 * @param follow whether a symlink in the last component is followed
 */
public record PathArg(String name, Base base, String dir, boolean follow) {
  /** What a name is relative to. */
  public enum Base {
    /** The process's working directory; {@code dir} is it when the trace says so. */
    CWD,
    /** A directory fd; {@code dir} is its path, empty when unknown. */
    DIR,
    /** Nothing: {@code name} is already the absolute path the kernel resolved. */
    RESOLVED,
    /** The call's name could not be read (cut, or not in the trace): nothing is named. */
    NONE
  }

  /** A name the call could not give. */
  public static final PathArg NONE = new PathArg("", Base.NONE, "", false);

  /** A path the kernel already resolved. */
  public static PathArg resolved(String path) {
    return new PathArg(path, Base.RESOLVED, "", true);
  }
}
