package dev.tailor.generator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.seccomp.ArgumentRule;
import dev.tailor.generator.seccomp.ArgumentRule.Outcome;
import dev.tailor.tracer.call.SyscallModel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** report.md's Argument rules: every rule, its reason, each value with its name and count. */
class ArgumentSectionTest {
  private static ArgumentRule rule(
      String syscall,
      int index,
      Map<Long, Long> values,
      Outcome outcome,
      String reason,
      int entries) {
    return new ArgumentRule(
        SyscallModel.filter(syscall, index).orElseThrow(),
        new TreeMap<>(values),
        outcome,
        reason,
        entries);
  }

  @Test
  void of_listsEveryRuleWithValuesNamesAndCounts() {
    Report.Section s =
        ArgumentSection.of(
            List.of(
                rule(
                    "ioctl",
                    1,
                    Map.of(0x5401L, 4L, 0x80045430L, 1L),
                    Outcome.FILTERED,
                    "only these 2 values",
                    2),
                rule(
                    "mmap",
                    2,
                    Map.of(3L, 1L),
                    Outcome.FILTERED,
                    "never PROT_WRITE and PROT_EXEC together (W^X)",
                    3),
                rule(
                    "prctl",
                    0,
                    Map.of(),
                    Outcome.ANY_VALUE,
                    "any value: the recording holds none of its values",
                    0),
                rule("socket", 1, Map.of(0x80001L, 2L), Outcome.FILTERED, "only this type", 1)),
            true);
    assertEquals("Argument rules", s.title());
    String md = s.markdown();
    assertTrue(
        md.contains(
            "\n### `ioctl request` (argument 1)\n\nOnly these 2 values. 2 entries of `seccomp.json` allow "
                + "`ioctl`, one per alternative (an entry ANDs its conditions).\n\n- `0x5401 (TCGETS)`: 4 calls\n"
                + "- `0x80045430 (TIOCGPTN)`: 1 call\n"),
        md);
    assertTrue(
        md.contains(
            "\n### `mmap prot` (argument 2)\n\nNever PROT_WRITE and PROT_EXEC together (W^X). 3 entries"),
        md);
    assertTrue(md.contains("- `0x3 (PROT_READ|PROT_WRITE)`: 1 call\n"), md);
    assertTrue(
        md.contains(
            "\n### `prctl option` (argument 0)\n\nAny value: the recording holds none of its values.\n\n"
                + "No values recorded.\n"),
        md);
    assertTrue(
        md.contains(
            "Only this type. 1 entry of `seccomp.json` allows `socket`.\n\n"
                + "- `0x80001 (SOCK_STREAM|SOCK_CLOEXEC)`: 2 calls\n"),
        md);
  }

  @Test
  void of_offOrNothingFiltered_saysSo() {
    assertTrue(
        ArgumentSection.of(List.of(), false)
            .markdown()
            .startsWith("Argument filters are off (`--no-arg-filters`)"));
    assertTrue(
        ArgumentSection.of(List.of(), true)
            .markdown()
            .startsWith("The workload made none of the syscalls"));
  }
}
