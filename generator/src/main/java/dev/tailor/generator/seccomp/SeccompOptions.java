package dev.tailor.generator.seccomp;

/**
 * How a seccomp profile is made from a recording.
 *
 * @param argumentFilters whether the argument values seen become {@code args} rules (socket
 *     families and types, ioctl requests, prctl options, personalities, clone's namespace flags,
 *     W^X for mmap and mprotect) and clone3 is answered with ENOSYS; false allows every syscall
 *     seen by name only
 */
public record SeccompOptions(boolean argumentFilters) {
  /** Argument filters on. */
  public static final SeccompOptions DEFAULT = new SeccompOptions(true);
}
