package dev.tailor.generator.seccomp;

import dev.tailor.generator.seccomp.ArgumentRule.Outcome;
import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.SyscallModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The argument rules of a profile, learned from the values a recording holds: which allowed
 * syscalls get entries with argument conditions instead of a place in the by-name list, whether
 * clone3 is answered with ENOSYS, and what the report says about each argument.
 *
 * <p>An OCI entry ANDs its conditions, so a syscall with two filtered arguments gets one entry per
 * combination of allowed alternatives. A 32-bit argument is compared under the mask 0xffffffff: the
 * kernel reads only the register's low half, so a sign-extended int must still match.
 */
final class ArgumentRules {
  static final String ALLOW = "SCMP_ACT_ALLOW";
  static final String ERRNO = "SCMP_ACT_ERRNO";
  static final String MASKED_EQ = "SCMP_CMP_MASKED_EQ";
  static final String EQ = "SCMP_CMP_EQ";

  /** What clone3 is answered with when clone will do, as in Docker's default profile. */
  static final int ENOSYS = 38;

  private static final long WX = SyscallModel.PROT_WRITE | SyscallModel.PROT_EXEC;

  private static final String NO_VALUES =
      "any value: the recording holds none of its values (a trace file written "
          + "without them, or a backend that does not read them)";

  /**
   * What the rules change in a profile.
   *
   * @param byName the syscalls still allowed by name (the input, less those filtered, plus clone
   *     when clone3's fallback needs it)
   * @param rules the entries with conditions, and clone3's ENOSYS, sorted
   * @param arguments one per filterable argument of an allowed syscall, by syscall then index
   * @param notes names added, one sentence each
   */
  record Plan(
      SortedSet<String> byName,
      List<SeccompProfile.Rule> rules,
      List<ArgumentRule> arguments,
      List<String> notes) {}

  private final Recording recording;
  private final Map<String, List<String>> bases;
  private final TreeSet<String> byName;
  private final Map<List<SeccompProfile.Arg>, TreeSet<String>> entries = new LinkedHashMap<>();
  private final List<SeccompProfile.Rule> errnoRules = new ArrayList<>();
  private final List<ArgumentRule> arguments = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private ArgumentRules(
      Recording recording, SortedSet<String> allowed, Map<String, List<String>> bases) {
    this.recording = recording;
    this.bases = bases;
    this.byName = new TreeSet<>(allowed);
  }

  /**
   * The argument rules for the syscalls {@code allowed}; {@code bases} names, for each syscall a
   * runtime base has, the bases' labels (such a syscall stays allowed by name: a base has no
   * arguments, and the runtime makes the call after loading the filter).
   */
  static Plan plan(
      Recording recording, SortedSet<String> allowed, Map<String, List<String>> bases) {
    ArgumentRules r = new ArgumentRules(recording, allowed, bases);
    boolean fallback = allowed.contains("clone3") && r.clone3();
    for (String name : allowed) {
      if (!name.equals("clone3")) {
        r.syscall(name, true);
      }
    }
    if (fallback && !allowed.contains("clone")) {
      r.byName.add("clone");
      r.notes.add(
          "added clone, which was not seen: clone3 is answered ENOSYS, and libc then falls back to clone");
      r.syscall("clone", false);
    }
    List<SeccompProfile.Rule> rules = new ArrayList<>(r.errnoRules);
    r.entries.forEach(
        (args, names) ->
            rules.add(
                new SeccompProfile.Rule(List.copyOf(names), ALLOW, SeccompProfile.NO_ERRNO, args)));
    rules.sort(
        Comparator.comparing((SeccompProfile.Rule x) -> x.names().get(0))
            .thenComparing(SeccompProfile.Rule::action)
            .thenComparing(SeccompProfile.Rule::args, ArgumentRules::compareArgs));
    r.arguments.sort(
        Comparator.comparing((ArgumentRule a) -> a.filter().syscall())
            .thenComparingInt(a -> a.filter().index()));
    return new Plan(r.byName, rules, r.arguments, r.notes);
  }

  /**
   * Decides clone3: answered ENOSYS when clone can do what its calls did (then none of them set a
   * namespace bit, so clone's rule needs none for them), else allowed by name. True for ENOSYS.
   */
  private boolean clone3() {
    ArgFilter f = SyscallModel.filter("clone3", 0).orElseThrow();
    SortedMap<Long, Long> values = values(f);
    List<String> base = bases.getOrDefault("clone3", List.of());
    if (!base.isEmpty()) {
      arguments.add(new ArgumentRule(f, values, Outcome.ANY_VALUE, inBase(base), 0));
      return false;
    }
    if (incomplete(f).isPresent()) {
      String recorded =
          values.isEmpty()
              ? "not recorded"
              : "recorded for " + counted(values) + " of its " + calls(f) + " calls";
      arguments.add(
          new ArgumentRule(
              f,
              values,
              Outcome.ANY_VALUE,
              "allowed by name: its flags were "
                  + recorded
                  + ", so whether clone would do is unknown",
              0));
      return false;
    }
    long needed = 0;
    for (long v : values.keySet()) {
      needed |= v & (SyscallModel.CLONE3_ONLY_FLAGS | SyscallModel.CLONE_NAMESPACE_BITS);
    }
    if (needed != 0) {
      String what =
          (needed & SyscallModel.CLONE3_ONLY_FLAGS) != 0
              ? "which clone cannot express"
              : "which makes namespaces";
      arguments.add(
          new ArgumentRule(
              f,
              values,
              Outcome.ANY_VALUE,
              "allowed by name: a call used "
                  + f.names().name(needed).orElseThrow()
                  + ", "
                  + what
                  + "; the filter cannot see clone3's flags (they are "
                  + "behind a pointer), so any flags pass",
              0));
      return false;
    }
    byName.remove("clone3");
    errnoRules.add(new SeccompProfile.Rule(List.of("clone3"), ERRNO, ENOSYS, List.of()));
    arguments.add(
        new ArgumentRule(
            f,
            values,
            Outcome.ENOSYS,
            "answered ENOSYS (38), as in Docker's profile: libc then "
                + "falls back to clone, whose flags the filter can see; no call used what only clone3 can do "
                + "(CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP) or made namespaces",
            0));
    return true;
  }

  /** One condition the argument must meet, among alternatives; or none when any value passes. */
  private record Alternatives(
      ArgFilter filter,
      SortedMap<Long, Long> values,
      List<SeccompProfile.Arg> args,
      String reason) {}

  /**
   * The rules of one allowed syscall; {@code seen} is false for clone added for clone3's fallback.
   */
  private void syscall(String name, boolean seen) {
    List<ArgFilter> filters =
        SyscallModel.filters(name).stream().filter(ArgFilter::filterable).toList();
    if (filters.isEmpty()) {
      return;
    }
    List<String> base = bases.getOrDefault(name, List.of());
    if (!base.isEmpty()) {
      // Only what the workload did is reported; a name only the base has is listed with the base.
      if (recording.syscalls().containsKey(name)) {
        for (ArgFilter f : filters) {
          arguments.add(new ArgumentRule(f, values(f), Outcome.ANY_VALUE, inBase(base), 0));
        }
      }
      return;
    }
    List<Alternatives> constrained = new ArrayList<>();
    for (ArgFilter f : filters) {
      SortedMap<Long, Long> values = values(f);
      Optional<String> incomplete = incomplete(f);
      if (seen && incomplete.isPresent()) {
        arguments.add(new ArgumentRule(f, values, Outcome.ANY_VALUE, incomplete.get(), 0));
        continue;
      }
      Alternatives a = alternatives(f, values, seen);
      if (a.args().isEmpty()) {
        arguments.add(new ArgumentRule(f, values, Outcome.ANY_VALUE, a.reason(), 0));
      } else {
        constrained.add(a);
      }
    }
    if (constrained.isEmpty()) {
      return;
    }
    byName.remove(name);
    List<List<SeccompProfile.Arg>> combinations = new ArrayList<>(List.of(List.of()));
    for (Alternatives a : constrained) {
      List<List<SeccompProfile.Arg>> next = new ArrayList<>();
      for (List<SeccompProfile.Arg> prefix : combinations) {
        for (SeccompProfile.Arg arg : a.args()) {
          List<SeccompProfile.Arg> c = new ArrayList<>(prefix);
          c.add(arg);
          next.add(List.copyOf(c));
        }
      }
      combinations = next;
    }
    for (List<SeccompProfile.Arg> c : combinations) {
      entries.computeIfAbsent(c, k -> new TreeSet<>()).add(name);
    }
    for (Alternatives a : constrained) {
      arguments.add(
          new ArgumentRule(
              a.filter(), a.values(), Outcome.FILTERED, a.reason(), combinations.size()));
    }
  }

  private static Alternatives alternatives(
      ArgFilter f, SortedMap<Long, Long> values, boolean seen) {
    List<SeccompProfile.Arg> args = new ArrayList<>();
    String reason;
    switch (f.kind()) {
      case VALUES -> {
        TreeSet<Long> distinct = new TreeSet<>(Long::compareUnsigned);
        values.keySet().forEach(v -> distinct.add(f.normalize(v)));
        for (long v : distinct) {
          args.add(
              f.width() == 32
                  ? new SeccompProfile.Arg(f.index(), f.mask(), v, MASKED_EQ)
                  : new SeccompProfile.Arg(f.index(), v, 0, EQ));
        }
        reason = args.size() == 1 ? "only this value" : "only these " + args.size() + " values";
      }
      case SOCKET_TYPE -> {
        TreeSet<Long> types = new TreeSet<>();
        values.keySet().forEach(v -> types.add(v & SyscallModel.SOCK_TYPE_MASK));
        for (long t : types) {
          args.add(new SeccompProfile.Arg(f.index(), SyscallModel.SOCK_TYPE_MASK, t, MASKED_EQ));
        }
        reason =
            "only "
                + (types.size() == 1 ? "this type" : "these " + types.size() + " types")
                + " (type & 0xf); SOCK_NONBLOCK and SOCK_CLOEXEC are free";
      }
      case CLONE_NAMESPACES -> {
        long seenBits = 0;
        for (long v : values.keySet()) {
          seenBits |= v;
        }
        seenBits &= SyscallModel.CLONE_NAMESPACE_BITS;
        long denied = SyscallModel.CLONE_NAMESPACE_BITS & ~seenBits;
        if (denied == 0) {
          reason = "any value: calls set every namespace flag";
        } else {
          args.add(new SeccompProfile.Arg(f.index(), denied, 0, MASKED_EQ));
          reason =
              "no namespace flags (CLONE_NEW*)"
                  + (seenBits == 0
                      ? ""
                      : " but " + f.names().name(seenBits).orElseThrow() + ", which calls set")
                  + (seen
                      ? ""
                      : "; clone was not seen, but clone3 is answered ENOSYS and libc then calls clone");
        }
      }
      case WRITE_XOR_EXEC -> {
        boolean both = values.keySet().stream().anyMatch(v -> (v & WX) == WX);
        if (both) {
          reason = "any value: a call asked for PROT_WRITE and PROT_EXEC together";
        } else {
          for (long allowed : new long[] {0, SyscallModel.PROT_WRITE, SyscallModel.PROT_EXEC}) {
            args.add(new SeccompProfile.Arg(f.index(), WX, allowed, MASKED_EQ));
          }
          reason = "never PROT_WRITE and PROT_EXEC together (W^X)";
        }
      }
      default -> throw new IllegalArgumentException(f.kind() + " is not filterable");
    }
    return new Alternatives(f, values, List.copyOf(args), reason);
  }

  /** Every value recorded for the argument, whether or not they account for every call. */
  private SortedMap<Long, Long> values(ArgFilter f) {
    ArgumentUse use = recording.arguments().get(ArgumentUse.key(f.syscall(), f.index()));
    return use == null ? new TreeMap<>() : use.values();
  }

  /**
   * Why no rule can be written from the argument's values, or empty when one can: they must account
   * for every call the runs made (a call whose value was not read would be refused).
   */
  private Optional<String> incomplete(ArgFilter f) {
    if (recording.completeArgument(f.syscall(), f.index()).isPresent()) {
      return Optional.empty();
    }
    SortedMap<Long, Long> values = values(f);
    if (values.isEmpty()) {
      return Optional.of(NO_VALUES);
    }
    return Optional.of(
        "any value: the values recorded account for "
            + counted(values)
            + " of its "
            + calls(f)
            + " calls (the trace did not show the others' values), and a rule from them would refuse calls the workload made");
  }

  private static long counted(SortedMap<Long, Long> values) {
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  private long calls(ArgFilter f) {
    SyscallUse calls = recording.syscalls().get(f.syscall());
    return calls == null ? 0 : calls.count();
  }

  private static String inBase(List<String> base) {
    return "allowed by name: the "
        + String.join(" and ", base)
        + " base"
        + (base.size() == 1 ? " has" : "s have")
        + " it (the runtime's init makes the call after loading the filter, and a base holds names only)";
  }

  static int compareArgs(List<SeccompProfile.Arg> a, List<SeccompProfile.Arg> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compare(SeccompProfile.Arg a, SeccompProfile.Arg b) {
    int c = Integer.compare(a.index(), b.index());
    if (c == 0) {
      c = a.op().compareTo(b.op());
    }
    if (c == 0) {
      c = Long.compareUnsigned(a.value(), b.value());
    }
    if (c == 0) {
      c = Long.compareUnsigned(a.valueTwo(), b.valueTwo());
    }
    return c;
  }
}
