package dev.tailor.generator.seccomp;

import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.SyscallModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a seccomp profile lets a recorded behaviour do, decided from the profile's own rules (any
 * OCI profile, hand-edited or Docker's): a syscall allowed by name passes; one allowed only under
 * argument conditions passes when every recorded value of its arguments meets the conditions of
 * some allowing entry; clone3 answered with ENOSYS passes when libc's fallback to clone would.
 */
public final class SeccompCoverage {
  private static final String ALLOW = "SCMP_ACT_ALLOW";

  /**
   * One thing the profile would refuse.
   *
   * @param kind {@code syscall} or {@code argument}
   * @param what the syscall, or the argument and value: {@code ioctl request 0x5412 (TIOCSTI): new}
   * @param detail how many calls, and why when it is not plain
   */
  public record Refusal(String kind, String what, String detail) {}

  private final SeccompProfile profile;

  private SeccompCoverage(SeccompProfile profile) {
    this.profile = profile;
  }

  /** The coverage of {@code profile}. */
  public static SeccompCoverage of(SeccompProfile profile) {
    return new SeccompCoverage(profile);
  }

  /** What of {@code observed}'s syscalls and argument values the profile would refuse, by syscall. */
  public List<Refusal> refusals(Recording observed) {
    List<Refusal> out = new ArrayList<>();
    if (profile.defaultAction().equals(ALLOW)) {
      return out;
    }
    for (Map.Entry<String, SyscallUse> e : observed.syscalls().entrySet()) {
      String name = e.getKey();
      String calls = calls(e.getValue().count());
      List<SeccompProfile.Rule> allowing = allowing(name);
      if (allowing.stream().anyMatch(r -> r.args().isEmpty())) {
        continue;
      }
      if (allowing.isEmpty()) {
        if (name.equals("clone3") && answersEnosys(name)) {
          clone3(observed, out);
        } else {
          out.add(new Refusal("syscall", name, calls));
        }
        continue;
      }
      if (!checkable(name, allowing, observed)) {
        out.add(new Refusal("syscall", name, calls + "; the profile allows it only under argument conditions that "
            + "the recorded calls cannot be checked against"));
        continue;
      }
      for (ArgFilter f : SyscallModel.filters(name)) {
        ArgumentUse use = observed.arguments().get(ArgumentUse.key(name, f.index()));
        if (use == null) {
          continue;
        }
        for (Map.Entry<Long, Long> v : use.values().entrySet()) {
          if (!admits(allowing, f.index(), v.getKey())) {
            out.add(argument(f, v.getKey(), calls(v.getValue())));
          }
        }
      }
    }
    return out;
  }

  /** Every index the allowing entries put conditions on is one whose values {@code observed} holds for every call. */
  private static boolean checkable(String name, List<SeccompProfile.Rule> allowing, Recording observed) {
    for (SeccompProfile.Rule r : allowing) {
      for (SeccompProfile.Arg a : r.args()) {
        Optional<ArgFilter> f = SyscallModel.filter(name, a.index());
        if (f.isEmpty() || !f.get().filterable() || observed.completeArgument(name, a.index()).isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  /** clone3 answered ENOSYS: each call's flags must be ones clone can take, and clone must allow them. */
  private void clone3(Recording observed, List<Refusal> out) {
    ArgFilter f = SyscallModel.filter("clone3", 0).orElseThrow();
    Optional<ArgumentUse> complete = observed.completeArgument("clone3", 0);
    List<SeccompProfile.Rule> clone = allowing("clone");
    boolean cloneByName = clone.stream().anyMatch(r -> r.args().isEmpty());
    if (complete.isEmpty()) {
      out.add(new Refusal("syscall", "clone3", calls(observed.syscalls().get("clone3").count())
          + "; the profile answers it ENOSYS, and without the calls' flags whether libc's fallback to clone would do "
          + "cannot be checked"));
      return;
    }
    ArgumentUse use = complete.get();
    for (Map.Entry<Long, Long> v : use.values().entrySet()) {
      long flags = v.getKey();
      String why = null;
      if ((flags & ArgumentRules.CLONE3_ONLY) != 0) {
        why = "clone cannot express it, and the profile answers clone3 ENOSYS";
      } else if (!cloneByName && !admits(clone, 0, flags)) {
        why = "the profile answers clone3 ENOSYS and refuses libc's fallback, clone, with these flags";
      }
      if (why != null) {
        out.add(argument(f, flags, calls(v.getValue()) + "; " + why));
      }
    }
  }

  private boolean answersEnosys(String name) {
    return profile.syscalls().stream().anyMatch(r -> r.names().contains(name) && r.args().isEmpty()
        && r.action().equals(ArgumentRules.ERRNO) && r.errnoRet() == ArgumentRules.ENOSYS);
  }

  private List<SeccompProfile.Rule> allowing(String name) {
    return profile.syscalls().stream().filter(r -> r.action().equals(ALLOW) && r.names().contains(name)).toList();
  }

  /** Whether some entry's conditions on argument {@code index} all hold for {@code value}. */
  private static boolean admits(List<SeccompProfile.Rule> allowing, int index, long value) {
    for (SeccompProfile.Rule r : allowing) {
      if (r.args().stream().filter(a -> a.index() == index).allMatch(a -> holds(a, value))) {
        return true;
      }
    }
    return false;
  }

  /** A condition as the kernel's filter evaluates it: unsigned 64-bit comparisons. */
  static boolean holds(SeccompProfile.Arg a, long v) {
    return switch (a.op()) {
      case "SCMP_CMP_EQ" -> v == a.value();
      case "SCMP_CMP_NE" -> v != a.value();
      case "SCMP_CMP_LT" -> Long.compareUnsigned(v, a.value()) < 0;
      case "SCMP_CMP_LE" -> Long.compareUnsigned(v, a.value()) <= 0;
      case "SCMP_CMP_GT" -> Long.compareUnsigned(v, a.value()) > 0;
      case "SCMP_CMP_GE" -> Long.compareUnsigned(v, a.value()) >= 0;
      case "SCMP_CMP_MASKED_EQ" -> (v & a.value()) == a.valueTwo();
      default -> false;
    };
  }

  private static Refusal argument(ArgFilter f, long value, String detail) {
    return new Refusal("argument", ArgumentRule.label(f) + " " + ArgumentRule.describe(f, value) + ": new", detail);
  }

  /** As check has always counted them ({@code 1 calls} too: one form for scripts to read). */
  private static String calls(long n) {
    return n + " calls";
  }
}
