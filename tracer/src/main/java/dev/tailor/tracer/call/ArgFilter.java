package dev.tailor.tracer.call;

/**
 * One argument of one syscall whose values tailor records, and the kind of seccomp rule a generator
 * may write from them. Pointer arguments are never among them: a filter cannot see what they point
 * to.
 *
 * @param syscall the syscall's name
 * @param index the argument's position from 0, as seccomp numbers it
 * @param kind what a rule from the values may say
 * @param width 32 for an {@code int} argument (the kernel reads the register's low 32 bits, so a
 *     rule compares those only), 64 for a {@code long}
 * @param names what the values are called, for reports and drift messages
 * @param argument what the argument is called ({@code family}, {@code request}); empty where the
 *     syscall's name says it ({@code personality})
 */
public record ArgFilter(
    String syscall, int index, Kind kind, int width, ValueNames names, String argument) {

  /** What a rule learned from the values may say. */
  public enum Kind {
    /** Only the values seen are allowed (a socket family, an ioctl request, a prctl option). */
    VALUES,
    /**
     * Only the types seen ({@code type & SOCK_TYPE_MASK}); SOCK_NONBLOCK and SOCK_CLOEXEC are free.
     */
    SOCKET_TYPE,
    /** The namespace bits ({@code CLONE_NEW*}) must be clear unless a call set them. */
    CLONE_NAMESPACES,
    /**
     * The flags of {@code clone3}, read behind its pointer by the tracer: never filtered (seccomp
     * cannot see them), only used to decide whether clone3 may be answered with ENOSYS.
     */
    CLONE3_FLAGS,
    /** PROT_WRITE and PROT_EXEC never together unless a call asked for both. */
    WRITE_XOR_EXEC
  }

  /**
   * {@code ioctl request}, {@code socket family}: the argument's name for people, in reports and
   * drift.
   */
  public String label() {
    return argument.isEmpty() ? syscall : syscall + " " + argument;
  }

  /**
   * The mask a rule applies before comparing: the low 32 bits of an {@code int}, all of a {@code
   * long}.
   */
  public long mask() {
    return width == 32 ? 0xffff_ffffL : -1L;
  }

  /** A value as the kernel reads it: an {@code int} argument's low 32 bits, unsigned. */
  public long normalize(long register) {
    return register & mask();
  }

  /**
   * Whether a rule can be written from these values at all (the flags behind clone3's pointer
   * cannot).
   */
  public boolean filterable() {
    return kind != Kind.CLONE3_FLAGS;
  }
}
