package dev.tailor.generator.seccomp;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RuntimeBase;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a recording into the tightest allow-list seccomp profile: every syscall seen is allowed,
 * everything else fails with EPERM. Where the recording holds the values of a filterable argument
 * (socket families, ioctl requests, ...), the syscall is allowed only with values like those seen;
 * see {@link ArgumentRules}.
 */
public final class SeccompGenerator {
  /** The action for syscalls the workload was not seen making. */
  public static final String DEFAULT_ACTION = "SCMP_ACT_ERRNO";

  /** EPERM: what a denied syscall returns, as in Docker's profile. */
  public static final int DEFAULT_ERRNO = 1;

  private static final String UNNAMED = "syscall_0x";

  private SeccompGenerator() {}

  /**
   * The profile for a recording, checked name by name against libseccomp's table for the
   * recording's machine, with a note for every name translated, left out or added.
   */
  public static SeccompResult generate(Recording recording) throws SeccompException {
    return generate(recording, SeccompOptions.DEFAULT);
  }

  /** As {@link #generate(Recording)}, made as {@code options} say. */
  public static SeccompResult generate(Recording recording, SeccompOptions options)
      throws SeccompException {
    return generate(recording, SyscallTable.forArch(recording.arch()), options);
  }

  /** As {@link #generate(Recording)}, with the table given (it must be for the same machine). */
  public static SeccompResult generate(Recording recording, SyscallTable table) {
    return generate(recording, table, SeccompOptions.DEFAULT);
  }

  /**
   * As {@link #generate(Recording, SeccompOptions)}, with the table given (for the same machine).
   */
  public static SeccompResult generate(
      Recording recording, SyscallTable table, SeccompOptions options) {
    if (!table.arch().equals(recording.arch())) {
      throw new IllegalArgumentException(
          "table for " + table.arch() + ", recording from " + recording.arch());
    }
    String lib = "libseccomp " + table.libseccompVersion();
    TreeSet<String> allowed = new TreeSet<>();
    List<String> notes = new ArrayList<>();
    for (String seen : recording.syscalls().keySet()) {
      String name = seen;
      if (seen.startsWith(UNNAMED)) {
        Optional<Integer> number = parseNumber(seen.substring(UNNAMED.length()));
        Optional<String> real = number.flatMap(table::nameOf);
        if (real.isEmpty()) {
          notes.add(
              "left out "
                  + seen
                  + ": "
                  + lib
                  + " has no name for that number on "
                  + table.arch()
                  + ", and an OCI profile can only name syscalls");
          continue;
        }
        name = real.get();
        notes.add(seen + " is " + name + " (strace did not know its name; " + lib + " does)");
      }
      if (table.isKnown(name)) {
        allowed.add(name);
        continue;
      }
      List<String> others = table.architecturesKnowing(name);
      if (!others.isEmpty()) {
        allowed.add(name);
        notes.add(
            "kept "
                + name
                + ": not a native "
                + table.arch()
                + " syscall but one of "
                + String.join(", ", others)
                + " (a process in that mode made it)");
      } else {
        notes.add(
            "left out "
                + name
                + ": "
                + lib
                + " does not know it on any of "
                + String.join(", ", table.architectures()));
      }
    }
    boolean workloadSeen = !allowed.isEmpty();
    Map<String, List<String>> inBases = new TreeMap<>();
    for (RuntimeBase base : recording.runtimeBases()) {
      List<String> added = new ArrayList<>();
      for (String name : base.syscalls()) {
        if (allowed.contains(name)) {
          inBases.computeIfAbsent(name, k -> new ArrayList<>()).add(base.label());
          continue;
        }
        if (table.isKnown(name) || !table.architecturesKnowing(name).isEmpty()) {
          allowed.add(name);
          added.add(name);
          inBases.computeIfAbsent(name, k -> new ArrayList<>()).add(base.label());
        } else {
          notes.add(
              "left out "
                  + name
                  + " of the "
                  + base.label()
                  + " base: "
                  + lib
                  + " does not know it on any of "
                  + String.join(", ", table.architectures()));
        }
      }
      notes.add(
          "added "
              + added.size()
              + " syscalls that the "
              + base.label()
              + " init makes after loading the filter"
              + (added.isEmpty() ? "" : ": " + String.join(" ", added)));
    }
    if (workloadSeen && !allowed.contains("exit_group")) {
      allowed.add("exit_group");
      notes.add(
          "added exit_group, which was not seen: the trace ended before the workload exited, and"
              + " without it the workload could not end under this profile");
    }
    SortedSet<String> byName = allowed;
    List<SeccompProfile.Rule> argumentRules = List.of();
    List<ArgumentRule> arguments = List.of();
    if (options.argumentFilters()) {
      ArgumentRules.Plan plan = ArgumentRules.plan(recording, allowed, inBases);
      byName = plan.byName();
      argumentRules = plan.rules();
      arguments = plan.arguments();
      notes.addAll(plan.notes());
    }
    List<SeccompProfile.Rule> rules = new ArrayList<>();
    if (!byName.isEmpty()) {
      rules.add(SeccompProfile.Rule.of(List.copyOf(byName), ArgumentRules.ALLOW));
    }
    rules.addAll(argumentRules);
    SeccompProfile profile =
        new SeccompProfile(DEFAULT_ACTION, DEFAULT_ERRNO, table.architectures(), List.of(), rules);
    return new SeccompResult(profile, notes, arguments);
  }

  private static Optional<Integer> parseNumber(String hex) {
    if (hex.isEmpty() || hex.length() > 8) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(hex, 16);
      return n <= Integer.MAX_VALUE ? Optional.of((int) n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
