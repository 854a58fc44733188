package dev.tailor.generator.seccomp;

import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.SyscallModel;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@code seccomp.json} says about one filterable argument the workload used, and why: the
 * values seen with their counts, and the rule made from them or the reason there is none.
 *
 * @param filter the argument, as the syscall model describes it
 * @param values each value seen (as the kernel reads it) and how many calls passed it; empty when
 *     none were recorded or the syscall was not seen (clone added for clone3's fallback)
 * @param outcome what the profile does with the argument
 * @param reason one sentence: what the rule allows, or why there is none
 * @param entries how many {@code syscalls} entries of seccomp.json allow the syscall (the
 *     combinations of its filtered arguments); 0 when it is allowed by name or answered with an
 *     errno
 */
public record ArgumentRule(
    ArgFilter filter, SortedMap<Long, Long> values, Outcome outcome, String reason, int entries) {
  /** What the profile does with the argument. */
  public enum Outcome {
    /** Only calls whose value passes the rule are allowed. */
    FILTERED,
    /** Any value is allowed (the syscall is allowed by name, or by its other arguments). */
    ANY_VALUE,
    /**
     * The syscall is answered with ENOSYS, whatever the value (clone3, so that libc uses clone).
     */
    ENOSYS
  }

  public ArgumentRule {
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  /**
   * {@code ioctl request}, {@code socket family}: what the argument is called in reports and drift.
   */
  public String label() {
    return filter.label();
  }

  /**
   * A value of argument {@code f} in hex with its name: {@code 0x5412 (TIOCSTI)}; a socket type
   * with its flags: {@code 0x80001 (SOCK_STREAM|SOCK_CLOEXEC)}.
   */
  public static String describe(ArgFilter f, long value) {
    if (f.kind() != ArgFilter.Kind.SOCKET_TYPE || (value & ~SyscallModel.SOCK_TYPE_MASK) == 0) {
      return f.names().describe(value);
    }
    long type = value & SyscallModel.SOCK_TYPE_MASK;
    String flags =
        SyscallModel.SOCKET_TYPE_FLAGS.name(value & ~SyscallModel.SOCK_TYPE_MASK).orElseThrow();
    return "0x"
        + Long.toHexString(value)
        + " ("
        + f.names().name(type).orElse("0x" + Long.toHexString(type))
        + "|"
        + flags
        + ")";
  }
}
