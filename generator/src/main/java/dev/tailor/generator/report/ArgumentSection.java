package dev.tailor.generator.report;

import dev.tailor.generator.seccomp.ArgumentRule;
import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.SyscallModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "Argument rules" section of {@code report.md}: for every filterable argument the workload
 * used, the rule {@code seccomp.json} has (or why it has none) and each value seen, with its name
 * and count. Values and names come from tailor's own tables (hex numbers, {@code [A-Z0-9_|]}
 * names), never from the trace's text.
 */
public final class ArgumentSection {
  /** The section's title. */
  public static final String TITLE = "Argument rules";

  private ArgumentSection() {}

  /**
   * The section for {@code rules}; {@code enabled} is false when argument filters were turned off.
   */
  public static Report.Section of(List<ArgumentRule> rules, boolean enabled) {
    StringBuilder b = new StringBuilder();
    if (!enabled) {
      b.append(
          "Argument filters are off (`--no-arg-filters`): every syscall seen is allowed by name, whatever its "
              + "arguments, and clone3 too.\n");
      return new Report.Section(TITLE, b.toString());
    }
    if (rules.isEmpty()) {
      b.append("The workload made none of the syscalls whose arguments tailor filters (")
          .append(
              String.join(
                  ", ",
                  SyscallModel.allFilters().stream().map(ArgFilter::syscall).distinct().toList()))
          .append(").\n");
      return new Report.Section(TITLE, b.toString());
    }
    b.append(
        "Where the trace holds an argument's values, `seccomp.json` allows the syscall only with values like "
            + "those seen: a call with another value fails with EPERM, as a syscall the profile does not list. The values "
            + "are the kernel's numbers (an `int` argument's low 32 bits). `--no-arg-filters` turns these rules off.\n");
    for (ArgumentRule a : rules) {
      b.append("\n### `")
          .append(a.label())
          .append("` (argument ")
          .append(a.filter().index())
          .append(")\n\n");
      b.append(sentence(a.reason()));
      if (a.outcome() == ArgumentRule.Outcome.FILTERED) {
        b.append(" ")
            .append(a.entries())
            .append(
                a.entries() == 1
                    ? " entry of `seccomp.json` allows `"
                    : " entries of `seccomp.json` allow `")
            .append(a.filter().syscall())
            .append("`")
            .append(a.entries() > 1 ? ", one per alternative (an entry ANDs its conditions)" : "")
            .append('.');
      }
      b.append("\n\n");
      if (a.values().isEmpty()) {
        b.append("No values recorded.\n");
        continue;
      }
      List<Map.Entry<Long, Long>> values = new ArrayList<>(a.values().entrySet());
      values.sort((x, y) -> Long.compareUnsigned(x.getKey(), y.getKey()));
      for (Map.Entry<Long, Long> v : values) {
        b.append("- `")
            .append(ArgumentRule.describe(a.filter(), v.getKey()))
            .append("`: ")
            .append(v.getValue())
            .append(v.getValue() == 1 ? " call" : " calls")
            .append('\n');
      }
    }
    return new Report.Section(TITLE, b.toString());
  }

  private static String sentence(String reason) {
    String s = Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
    return s.endsWith(".") ? s : s + ".";
  }
}
