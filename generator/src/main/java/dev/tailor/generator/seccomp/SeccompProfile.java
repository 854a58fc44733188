package dev.tailor.generator.seccomp;

import dev.tailor.tracer.seccomp.FilterBuilder;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SeccompFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A seccomp profile as the OCI runtime-spec's {@code LinuxSeccomp} describes it.
 *
 * @param defaultAction what happens to syscalls no rule matches, e.g. SCMP_ACT_ERRNO
 * @param defaultErrnoRet the errno of the default action, {@link #NO_ERRNO} when absent (EPERM)
 * @param architectures OCI names such as SCMP_ARCH_X86_64; empty means the native one only
 * @param flags OCI filter flags such as SECCOMP_FILTER_FLAG_LOG
 * @param syscalls the rules, in the order they were written
 * @param listenerPath the unix socket a runtime sends the notify fd of SCMP_ACT_NOTIFY rules to;
 *     empty when absent
 */
public record SeccompProfile(
    String defaultAction,
    int defaultErrnoRet,
    List<String> architectures,
    List<String> flags,
    List<SeccompProfile.Rule> syscalls,
    String listenerPath) {

  /** The value of an absent {@code errnoRet}. */
  public static final int NO_ERRNO = -1;

  public SeccompProfile {
    requireAction(defaultAction, "defaultAction");
    requireErrno(defaultErrnoRet, "defaultErrnoRet");
    architectures = List.copyOf(architectures);
    flags = List.copyOf(flags);
    syscalls = List.copyOf(syscalls);
    if (listenerPath == null) {
      throw new IllegalArgumentException("listenerPath must not be null; empty means absent");
    }
  }

  /** A profile without a listener. */
  public SeccompProfile(
      String defaultAction,
      int defaultErrnoRet,
      List<String> architectures,
      List<String> flags,
      List<SeccompProfile.Rule> syscalls) {
    this(defaultAction, defaultErrnoRet, architectures, flags, syscalls, "");
  }

  /** The same profile with {@code path} as its listener ({@code ""}: none). */
  public SeccompProfile withListenerPath(String path) {
    return new SeccompProfile(defaultAction, defaultErrnoRet, architectures, flags, syscalls, path);
  }

  /** The errno of the default action, if the profile gives one. */
  public OptionalInt defaultErrno() {
    return defaultErrnoRet == NO_ERRNO ? OptionalInt.empty() : OptionalInt.of(defaultErrnoRet);
  }

  /** A libseccomp filter builder holding this profile, for {@code SeccompFilter.build()}. */
  public FilterBuilder filter() throws SeccompException {
    FilterBuilder b =
        SeccompFilter.builder(defaultAction, defaultErrnoRet)
            .architectures(architectures)
            .flags(flags);
    for (Rule r : syscalls) {
      List<SeccompFilter.Condition> conditions = new ArrayList<>();
      for (Arg a : r.args()) {
        try {
          conditions.add(new SeccompFilter.Condition(a.index(), a.value(), a.valueTwo(), a.op()));
        } catch (IllegalArgumentException e) {
          throw new SeccompException("rule for " + r.names() + ": " + e.getMessage(), e);
        }
      }
      b.rule(r.names(), r.action(), r.errnoRet(), conditions);
    }
    return b;
  }

  /**
   * One entry of {@code syscalls}: {@code action} for every syscall in {@code names} when all
   * {@code args} conditions hold.
   *
   * @param errnoRet the errno for SCMP_ACT_ERRNO, {@link #NO_ERRNO} when absent
   */
  public record Rule(List<String> names, String action, int errnoRet, List<Arg> args) {
    public Rule {
      names = List.copyOf(names);
      requireAction(action, "action");
      requireErrno(errnoRet, "errnoRet");
      args = List.copyOf(args);
    }

    /** A rule without errno or conditions. */
    public static Rule of(List<String> names, String action) {
      return new Rule(names, action, NO_ERRNO, List.of());
    }

    /** The errno of the action, if the rule gives one. */
    public OptionalInt errno() {
      return errnoRet == NO_ERRNO ? OptionalInt.empty() : OptionalInt.of(errnoRet);
    }
  }

  /**
   * A condition on one syscall argument; {@code value} and {@code valueTwo} are unsigned 64-bit
   * numbers held in a {@code long}.
   *
   * @param op SCMP_CMP_EQ, _NE, _LT, _LE, _GT, _GE or _MASKED_EQ
   */
  public record Arg(int index, long value, long valueTwo, String op) {
    public Arg {
      if (index < 0 || index > 5) {
        throw new IllegalArgumentException("argument index " + index + " is not in 0..5");
      }
      if (op == null || !op.startsWith("SCMP_CMP_")) {
        throw new IllegalArgumentException("argument op must be an SCMP_CMP_ name: " + op);
      }
    }
  }

  private static void requireAction(String action, String what) {
    if (action == null || !action.startsWith("SCMP_ACT_")) {
      throw new IllegalArgumentException(what + " must be an SCMP_ACT_ name: " + action);
    }
  }

  private static void requireErrno(int errno, String what) {
    if (errno < NO_ERRNO) {
      throw new IllegalArgumentException(what + " must not be negative: " + errno);
    }
  }
}
