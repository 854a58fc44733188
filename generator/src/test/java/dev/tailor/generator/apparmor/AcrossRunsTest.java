package dev.tailor.generator.apparmor;

import static dev.tailor.tracer.Access.CREATE;
import static dev.tailor.tracer.Access.DELETE;
import static dev.tailor.tracer.Access.READ;
import static dev.tailor.tracer.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The draft of a recording of several runs: names that differ between runs, paired. */
class AcrossRunsTest {
  private static AppArmorResult generate(Recording r) {
    return AppArmorGenerator.generate(r, AppArmorOptions.draft("app"));
  }

  private static List<String> ruleLines(AppArmorResult r) {
    return r.profile().files().stream().map(AppArmorWriter::rule).toList();
  }

  @Test
  void namesThatDifferBetweenRuns_becomeOneGlob_namesAlikeInEveryRunStayLiteral() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/tmp/tmpab12CD.c", READ, WRITE)
            .file("/tmp/Ab3xYz9Q", READ)
            .file("/tmp/nc-learn1.out", WRITE)
            .inRun("b")
            .file("/tmp/tmpXy9zQ1.c", READ, WRITE)
            .file("/tmp/Ab3xYz9Q", READ)
            .file("/tmp/nc-learn1.out", WRITE)
            .build();
    assertEquals(
        List.of(
            "owner \"/tmp/Ab3xYz9Q\" r,",
            "owner \"/tmp/nc-learn1.out\" w,",
            "owner \"/tmp/tmp??????.c\" rw,  # 2 paths seen"),
        ruleLines(generate(r)));
  }

  @Test
  void aNameMadeAndRemovedInOneRun_needsLessEvidence_aKeptOneTheSingleRunsEvidence() {
    // Python's tempfile drew "mnrvpeva" in a CI run: 6.2 bits likelier random, under the 8 one
    // name needs, over the 2 a name needs that the run made and removed (mkstemp, then unlink).
    assertEquals(
        List.of("owner \"/tmp/tmp????????\" rw,"),
        ruleLines(
            generate(
                new RecordingBuilder()
                    .filesBy(1000)
                    .file("/tmp/tmpmnrvpeva", READ, WRITE, CREATE, DELETE)
                    .build())));
    assertEquals(
        List.of("owner \"/tmp/tmpmnrvpeva\" rw,"),
        ruleLines(
            generate(
                new RecordingBuilder()
                    .filesBy(1000)
                    .file("/tmp/tmpmnrvpeva", READ, WRITE, CREATE)
                    .build())));
    assertEquals(
        List.of("owner \"/tmp/output.txt\" rw,"),
        ruleLines(
            generate(
                new RecordingBuilder()
                    .filesBy(1000)
                    .file("/tmp/output.txt", READ, WRITE, CREATE, DELETE)
                    .build())),
        "a chosen name stays literal however short its life");
    assertEquals(
        List.of("\"/srv/tmpmnrvpeva\" rw,"),
        ruleLines(
            generate(
                new RecordingBuilder()
                    .filesBy(1000)
                    .file("/srv/tmpmnrvpeva", READ, WRITE, CREATE, DELETE)
                    .build())),
        "outside temporary folders nothing is judged alone");
  }

  @Test
  void aRandomFolder_isPairedFirst_thenTheEntriesBelowIt() {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (String run : List.of("a", "b")) {
      String dir = run.equals("a") ? "/tmp/tmpk2j3x_8q" : "/tmp/tmpz9y8w7v6";
      b.inRun(run).dir(dir, READ, WRITE, CREATE);
      for (int i = 0; i < 6; i++) {
        b.file(dir + "/job-0" + i + ".txt", READ, WRITE, CREATE);
      }
    }
    List<String> rules = ruleLines(generate(b.build()));
    assertEquals(List.of("owner \"/tmp/tmp????????/{,*}\" rw,  # 14 paths seen"), rules);
  }

  @Test
  void aNameOfOneRunThatPairsWithNone_isJudgedAlone_andNamesOfEveryRunNever() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/tmp/k3o4p_4x", READ)
            .file("/tmp/x7Qz9kLmA2", READ)
            .inRun("b")
            .file("/tmp/x7Qz9kLmA2", READ)
            .file("/tmp/plain", READ)
            .build();
    assertEquals(
        List.of(
            "owner \"/tmp/????????\" r,",
            "owner \"/tmp/plain\" r,",
            "owner \"/tmp/x7Qz9kLmA2\" r,"),
        ruleLines(generate(r)));
  }

  @Test
  void aLiteralAGlobAlreadyGrants_isOneOfItsPaths_notARuleOfItsOwn() {
    // x7Qz9kLm stays literal (every run used it) but "/tmp/????????" grants it already; a glob
    // that grants less (no write) does not fold w8Rz0kLp.
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/tmp/k3o4p_4x", READ)
            .file("/tmp/x7Qz9kLm", READ)
            .file("/tmp/w8Rz0kLp", READ, WRITE)
            .inRun("b")
            .file("/tmp/x7Qz9kLm", READ)
            .file("/tmp/w8Rz0kLp", READ, WRITE)
            .build();
    assertEquals(
        List.of("owner \"/tmp/????????\" r,  # 2 paths seen", "owner \"/tmp/w8Rz0kLp\" rw,"),
        ruleLines(generate(r)));
  }

  @Test
  void outsideTemporaryFolders_onlyRandomLookingDifferencesPair() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/srv/app/coreutils.mo", READ)
            .file("/srv/app/data-k2j3x_8q.bin", READ)
            .inRun("b")
            .file("/srv/app/diffutils.mo", READ)
            .file("/srv/app/data-z9y8w7v6.bin", READ)
            .build();
    assertEquals(
        List.of(
            "\"/srv/app/coreutils.mo\" r,",
            "\"/srv/app/data-????????.bin\" r,  # 2 paths seen",
            "\"/srv/app/diffutils.mo\" r,"),
        ruleLines(generate(r)));
  }

  @Test
  void pidsAndCaches() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/run/user/1000/app-4242.sock.lock", READ, WRITE)
            .file("/home/ann/.cache/app/4f2a9c1e7b3d.bin", READ)
            .inRun("b")
            .file("/run/user/1000/app-98765.sock.lock", READ, WRITE)
            .file("/home/ann/.cache/app/9e1b7d3c2a5f.bin", READ)
            .build();
    assertEquals(
        List.of(
            "owner \"/home/ann/.cache/app/????????????.bin\" r,  # 2 paths seen",
            "\"/run/user/1000/app-@{pid}.sock.lock\" rw,  # 2 paths seen"),
        ruleLines(generate(r)));
  }

  @Test
  void theKernelsFilesAndSecrets_neverPair() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/sys/fs/cgroup/k2j3x_8q/memory.max", READ)
            .file("/root/.ssh/id_k2j3x_8q", READ)
            .inRun("b")
            .file("/sys/fs/cgroup/z9y8w7v6/memory.max", READ)
            .file("/root/.ssh/id_z9y8w7v6", READ)
            .build();
    assertTrue(
        ruleLines(generate(r)).stream().noneMatch(l -> l.contains("?")),
        ruleLines(generate(r)).toString());
  }

  @Test
  void theGlob_isReportedWithTheNamesOfEveryRun() {
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/tmp/tmpab12CD.c", WRITE)
            .inRun("b")
            .file("/tmp/tmpXy9zQ1.c", WRITE)
            .build();
    Generalisation g =
        generate(r).generalisations().stream()
            .filter(x -> x.pattern().equals("\"/tmp/tmp??????.c\""))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("/tmp/tmpXy9zQ1.c", "/tmp/tmpab12CD.c"), g.replacedPaths());
    assertTrue(g.reason().contains("differed between runs"), g.reason());
  }

  @Test
  void apparmorParser_grantsTheThirdRunsNames_andNoOtherPrefix() throws Exception {
    ParserCheck.assumeParser();
    Recording r =
        new RecordingBuilder()
            .filesBy(1000)
            .inRun("a")
            .file("/tmp/tmpab12CD.c", WRITE)
            .file("/tmp/app-4242.lock", WRITE)
            .file("/tmp/pip-4242-k2j3x_8q", WRITE)
            .inRun("b")
            .file("/tmp/tmpXy9zQ1.c", WRITE)
            .file("/tmp/app-98765.lock", WRITE)
            .file("/tmp/pip-777-z9y8w7v6", WRITE)
            .build();
    AppArmorResult result = generate(r);
    ParserCheck.assertParse(List.of(AppArmorWriter.write(result.profile())));
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(result.profile().files()));
    for (String third :
        List.of("/tmp/tmpQQ77zz.c", "/tmp/app-31337.lock", "/tmp/pip-123456-abcd_123")) {
      assertTrue(dfa.accepts(third), third + " in " + ruleLines(result));
    }
    for (String other :
        List.of(
            "/tmp/tmpQQ77zz.o",
            "/tmp/xyzQQ77zz.c",
            "/tmp/app-x.lock",
            "/tmp/app-0123.lock",
            "/tmp/pip-123-abc/d_123",
            "/tmp/tmpQQ77zzz.c")) {
      assertFalse(
          dfa.accepts(
              new String(other.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
          other + " in " + ruleLines(result));
    }
  }
}
