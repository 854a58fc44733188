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
import java.util.function.Consumer;

/**
 * What a seccomp profile lets a recorded behaviour do, decided from the profile's own rules (any
 * OCI profile, hand-edited or Docker's): a syscall allowed by name passes; one allowed only under
 * argument conditions passes when every recorded value of its arguments meets the conditions of
 * some allowing entry; clone3 answered with ENOSYS passes when libc's fallback to clone would.
 */
public final class SeccompCoverage {

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

  /**
   * What of {@code observed}'s syscalls and argument values the profile would refuse, by syscall.
   */
  public List<Refusal> refusals(Recording observed) {
    return refusals(observed, unchecked -> {});
  }

  /**
   * As {@link #refusals(Recording)}; {@code unchecked} hears, one sentence each, of calls whose
   * argument values the recording lacks (a trace without {@code -e raw=}), so that argument rules
   * could not be checked for them: unknown is not new, and a value that was recorded is still
   * checked.
   */
  public List<Refusal> refusals(Recording observed, Consumer<String> unchecked) {
    List<Refusal> out = new ArrayList<>();
    if (profile.defaultAction().equals(ArgumentRules.ALLOW)) {
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
          clone3(observed, out, unchecked);
        } else {
          out.add(new Refusal("syscall", name, calls));
        }
        continue;
      }
      if (!recordable(name, allowing)) {
        out.add(
            new Refusal(
                "syscall",
                name,
                calls
                    + "; the profile allows it only under argument conditions that "
                    + "tailor does not record"));
        continue;
      }
      for (int index : conditioned(allowing)) {
        ArgFilter f = SyscallModel.filter(name, index).orElseThrow();
        ArgumentUse use = observed.arguments().get(ArgumentUse.key(name, index));
        if (use != null) {
          for (Map.Entry<Long, Long> v : use.values().entrySet()) {
            if (!admits(allowing, index, v.getKey())) {
              out.add(argument(f, v.getKey(), calls(v.getValue())));
            }
          }
        }
        if (observed.completeArgument(name, index).isEmpty()) {
          long seen = use == null ? 0 : use.calls();
          unchecked.accept(
              name
                  + ": the profile allows it only with some values of its "
                  + f.label()
                  + ", and the trace holds "
                  + (seen == 0
                      ? "none"
                      : "them for " + seen + " of " + e.getValue().count() + " calls")
                  + " (record with strace -e raw="
                  + String.join(",", SyscallModel.STRACE_RAW)
                  + ", as tailor learn does)");
        }
      }
    }
    return out;
  }

  /**
   * Whether every argument the allowing entries put conditions on is one tailor records values of.
   */
  private static boolean recordable(String name, List<SeccompProfile.Rule> allowing) {
    return conditioned(allowing).stream()
        .allMatch(i -> SyscallModel.filter(name, i).filter(ArgFilter::filterable).isPresent());
  }

  private static java.util.SortedSet<Integer> conditioned(List<SeccompProfile.Rule> allowing) {
    java.util.SortedSet<Integer> indexes = new java.util.TreeSet<>();
    allowing.forEach(r -> r.args().forEach(a -> indexes.add(a.index())));
    return indexes;
  }

  /**
   * clone3 answered ENOSYS: each call's flags must be ones clone can take, and clone must allow
   * them.
   */
  private void clone3(Recording observed, List<Refusal> out, Consumer<String> unchecked) {
    ArgFilter f = SyscallModel.filter("clone3", 0).orElseThrow();
    Optional<ArgumentUse> complete = observed.completeArgument("clone3", 0);
    List<SeccompProfile.Rule> clone = allowing("clone");
    boolean cloneByName = clone.stream().anyMatch(r -> r.args().isEmpty());
    ArgumentUse use = observed.arguments().get(ArgumentUse.key("clone3", 0));
    if (complete.isEmpty()) {
      unchecked.accept(
          "clone3: the profile answers it ENOSYS, and the trace holds not every call's flags, so whether "
              + "libc's fallback to clone would do for them is not checked");
    }
    if (use == null) {
      return;
    }
    for (Map.Entry<Long, Long> v : use.values().entrySet()) {
      long flags = v.getKey();
      String why = null;
      if ((flags & SyscallModel.CLONE3_ONLY_FLAGS) != 0) {
        why = "clone cannot express it, and the profile answers clone3 ENOSYS";
      } else if (!cloneByName && !admits(clone, 0, flags)) {
        why =
            "the profile answers clone3 ENOSYS and refuses libc's fallback, clone, with these flags";
      }
      if (why != null) {
        out.add(argument(f, flags, calls(v.getValue()) + "; " + why));
      }
    }
  }

  private boolean answersEnosys(String name) {
    return profile.syscalls().stream()
        .anyMatch(
            r ->
                r.names().contains(name)
                    && r.args().isEmpty()
                    && r.action().equals(ArgumentRules.ERRNO)
                    && r.errnoRet() == ArgumentRules.ENOSYS);
  }

  private List<SeccompProfile.Rule> allowing(String name) {
    return profile.syscalls().stream()
        .filter(r -> r.action().equals(ArgumentRules.ALLOW) && r.names().contains(name))
        .toList();
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
    return new Refusal(
        "argument", f.label() + " " + ArgumentRule.describe(f, value) + ": new", detail);
  }

  /** As check has always counted them ({@code 1 calls} too: one form for scripts to read). */
  private static String calls(long n) {
    return n + " calls";
  }
}
