package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .ci/skip-gate on made-up checkouts: it fails on every skip but an exemption whose machine fact
 * holds.
 */
class SkipGateTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void checkout() throws Exception {
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    root = Files.createDirectories(tmp.resolve("c"));
    Files.createDirectories(root.resolve(".ci"));
    for (String m : List.of("a", "b")) {
      Files.createDirectories(root.resolve(m).resolve("src/test/java"));
    }
  }

  private void report(String module, String cls, String... cases) throws Exception {
    Path dir = Files.createDirectories(root.resolve(module).resolve("target/surefire-reports"));
    StringBuilder b = new StringBuilder();
    int skipped = 0;
    for (String c : cases) {
      boolean skip = c.startsWith("-");
      skipped += skip ? 1 : 0;
      b.append("<testcase name=\"")
          .append(skip ? c.substring(1) : c)
          .append("\" classname=\"")
          .append(cls)
          .append("\">")
          .append(skip ? "<skipped message=\"no tool here\"/>" : "")
          .append("</testcase>\n");
    }
    Files.writeString(
        dir.resolve("TEST-" + cls + ".xml"),
        "<?xml version=\"1.0\"?>\n<testsuite name=\""
            + cls
            + "\" tests=\""
            + cases.length
            + "\" skipped=\""
            + skipped
            + "\" failures=\"0\" errors=\"0\">\n"
            + b
            + "</testsuite>\n");
  }

  private TailorProcess.Result gate() throws Exception {
    return TailorProcess.run(
        List.of(
            "python3", TailorProcess.repo().resolve(".ci/skip-gate").toString(), root.toString()),
        tmp,
        Map.of());
  }

  @Test
  void nothingSkipped_passes() throws Exception {
    report("a", "x.ATest", "one", "two");
    report("b", "x.BTest", "three");
    TailorProcess.Result r = gate();
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals("skip-gate: 3 tests in 2 modules, 0 skipped\n", r.out());
  }

  @Test
  void aSkip_fails_namingTheTestAndWhy() throws Exception {
    report("a", "x.ATest", "one", "-two");
    report("b", "x.BTest", "three");
    TailorProcess.Result r = gate();
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals("skip-gate: skipped: x.ATest#two: no tool here\n", r.err());
  }

  @Test
  void aModuleWithoutReports_fails() throws Exception {
    report("a", "x.ATest", "one");
    TailorProcess.Result r = gate();
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("b: has tests but wrote no test report"), r.err());
  }

  @Test
  void anExemption_holdsOnlyWhileItsCheckSucceeds_andMustBeUsed() throws Exception {
    report("a", "x.ATest", "one", "-crun_hybrid");
    report("b", "x.BTest", "three");
    Path exemptions = root.resolve(".ci/skip-exemptions");
    Files.writeString(exemptions, "# comment\nx.ATest#crun | true | the machine fact\n");
    TailorProcess.Result ok = gate();
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(
        ok.out()
            .contains("exempt: x.ATest#crun_hybrid: no tool here (machine fact: the machine fact)"),
        ok.out());

    Files.writeString(exemptions, "x.ATest#crun | false | a fact that no longer holds\n");
    TailorProcess.Result stale = gate();
    assertEquals(1, stale.exit());
    assertTrue(stale.err().contains("does not hold here: `false` failed"), stale.err());

    Files.writeString(
        exemptions, "x.ATest#crun | true | fact\nx.BTest#three | true | never skipped\n");
    TailorProcess.Result unused = gate();
    assertEquals(1, unused.exit());
    assertTrue(
        unused
            .err()
            .contains(".ci/skip-exemptions:2: x.BTest#three did not skip: drop the exemption"),
        unused.err());

    Files.writeString(exemptions, "x.ATest#crun | no reason\n");
    assertEquals(1, gate().exit(), "a line without check and reason is refused");
  }
}
