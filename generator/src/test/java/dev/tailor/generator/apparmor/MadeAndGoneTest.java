package dev.tailor.generator.apparmor;

import static dev.tailor.tracer.Access.CREATE;
import static dev.tailor.tracer.Access.DELETE;
import static dev.tailor.tracer.Access.READ;
import static dev.tailor.tracer.Access.RENAME;
import static dev.tailor.tracer.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.RecordingBuilder;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Names the recording proves temporary by their life, outside temporary folders (issue 21). */
class MadeAndGoneTest {
  private static AppArmorResult generate(RecordingBuilder b) {
    return AppArmorGenerator.generate(b.build(), AppArmorOptions.draft("app"));
  }

  private static List<String> paths(AppArmorResult r) {
    return r.profile().files().stream().map(f -> f.path().text()).toList();
  }

  private static FileUse use(String path) {
    return new FileUse(
        path, Set.of(CREATE, WRITE), new TreeMap<>(), false, 1, new TreeSet<>(Set.of("second")));
  }

  @Test
  void aGlobAnotherGrantsWhole_isOneOfItsPaths() throws Exception {
    // gcc's temporary files of one run: two names whose whole name looks drawn, the rest after
    // "cc"; /tmp/cc??????.s is within /tmp/????????.s, so the profile needs only the second.
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (String n :
        List.of(
            "cc4UAAVH",
            "cc8YiRYa",
            "cc8z42s8",
            "ccHBHRmv",
            "ccHoGCUI",
            "ccHt2rod",
            "ccZK0FPl",
            "cccY6ue5",
            "cccurNEc",
            "ccd1MQJi",
            "cceMTghK",
            "cchulnYA",
            "ccjoNsuj",
            "ccjtg0ZQ",
            "ccjtx72v",
            "ccomiTvE",
            "ccouxsS7",
            "ccrKYi4q",
            "ccuA9C9n",
            "ccvw2CZ9")) {
      b.madeAndGone("/tmp/" + n + ".s", Set.of(), CREATE, WRITE, READ, DELETE);
    }
    AppArmorResult r = generate(b);
    assertEquals(List.of("/tmp/????????.s"), paths(r));
    AppArmorCoverage c = AppArmorCoverage.of(r.profile());
    assertEquals(Optional.empty(), c.missing(use("/tmp/ccAb12Cd.s")));
    assertTrue(c.missing(use("/tmp/ccAb12Cd9.s")).isPresent());
  }

  @Test
  void singleCharsCover_onlyWherePatternsAreSingleCharacters() {
    assertTrue(AppArmorGenerator.Run.singleCharsCover("/tmp/????????.s", "/tmp/cc??????.s"));
    assertFalse(AppArmorGenerator.Run.singleCharsCover("/tmp/cc??????.s", "/tmp/????????.s"));
    assertFalse(AppArmorGenerator.Run.singleCharsCover("/tmp/????????.s", "/tmp/cc?????.s"));
    assertFalse(AppArmorGenerator.Run.singleCharsCover("/tmp/?x", "/tmp//x"), "? is not /");
    assertFalse(AppArmorGenerator.Run.singleCharsCover("/tmp/*", "/tmp/?"));
    assertFalse(AppArmorGenerator.Run.singleCharsCover("/tmp/??", "/tmp/\\?"));
  }

  @Test
  void atomicWriteNames_madeAndGone_becomeTheNarrowestGlobInTheirFolder() throws Exception {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .madeAndGone(
                    "/srv/repo/.git/objects/2f/tmp_obj_KTf0Sf",
                    Set.of(),
                    CREATE,
                    WRITE,
                    READ,
                    DELETE)
                .madeAndGone("/srv/db/pg_wal/xlogtemp.5734", Set.of(9), CREATE, WRITE, READ, RENAME)
                .madeAndGone("/srv/app/config.json.3452351234", Set.of(), CREATE, WRITE, RENAME)
                .file("/srv/db/pg_wal/000000010000000000000001", CREATE, WRITE));
    List<String> p = paths(r);
    assertTrue(p.contains("/srv/repo/.git/objects/2f/tmp_obj_??????"), p.toString());
    assertTrue(p.contains("/srv/db/pg_wal/xlogtemp.@{pid}"), p.toString());
    assertTrue(p.contains("/srv/app/config.json.*"), p.toString());
    assertTrue(
        p.contains("/srv/db/pg_wal/000000010000000000000001"),
        "the rename's target survived: " + p);
    String text = AppArmorWriter.write(r.profile());
    ParserCheck.assertParse(List.of(text));
    assertTrue(
        text.contains("tunables/global"),
        "@{pid} is defined in tunables/kernelvars, which global includes");

    AppArmorCoverage c = AppArmorCoverage.of(r.profile());
    assertEquals(Optional.empty(), c.missing(use("/srv/repo/.git/objects/2f/tmp_obj_Ab12Cd")));
    assertEquals(Optional.empty(), c.missing(use("/srv/db/pg_wal/xlogtemp.6001")));
    assertEquals(Optional.empty(), c.missing(use("/srv/app/config.json.913452351")));
    // Never wider than the name's folder, never without its fixed parts.
    assertTrue(c.missing(use("/srv/repo/.git/objects/2f/tmp_obj_Ab/2Cd")).isPresent());
    assertTrue(c.missing(use("/srv/repo/.git/objects/3a/tmp_obj_Ab12Cd")).isPresent());
    assertTrue(c.missing(use("/srv/db/pg_wal/xlogtemp.x")).isPresent());
    assertTrue(c.missing(use("/srv/db/pg_wal/000000010000000000000002")).isPresent());
    assertTrue(c.missing(use("/srv/app/config.json")).isPresent());
  }

  @Test
  void namesLeftBehind_orWithoutEvidence_stayLiteral() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                // made and removed by flags alone, in any order, outside a temporary folder: not
                // proof of a life
                .file("/srv/repo/.git/objects/2f/tmp_obj_KTf0Sf", CREATE, WRITE, DELETE)
                // made and gone, but its number is not its maker's pid, and nothing else in it
                // varies
                .madeAndGone("/srv/db/pg_wal/xlogtemp.5734", Set.of(), CREATE, WRITE, DELETE)
                .madeAndGone("/srv/db/index.lock", Set.of(), CREATE, WRITE, DELETE));
    assertEquals(
        List.of(
            "/srv/db/index.lock",
            "/srv/db/pg_wal/xlogtemp.5734",
            "/srv/repo/.git/objects/2f/tmp_obj_KTf0Sf"),
        paths(r));
  }

  @Test
  void pidOffsets_fromAnEditedRecording_neverGlobWhatIsNotAPid() {
    assertEquals(
        Optional.empty(),
        RandomRun.madeAndGone("xlogtemp.5734", new TreeSet<>(Set.of(0, 3, 10, 99))),
        "offsets that are not the start of a number are ignored");
    assertEquals(
        Optional.of("xlogtemp.@{pid}"),
        RandomRun.madeAndGone("xlogtemp.5734", new TreeSet<>(Set.of(9, 10))));
    assertEquals(
        Optional.empty(),
        RandomRun.madeAndGone("seg.012345678", new TreeSet<>(Set.of(4))),
        "not a pid's shape");
    assertEquals(
        Optional.of("@{pid}.lock"), RandomRun.madeAndGone("4242.lock", new TreeSet<>(Set.of(0))));
    assertEquals(
        Optional.empty(),
        RandomRun.madeAndGone("4242.lock", new TreeSet<>()),
        "a pid only by evidence");
  }

  @Test
  void mergedRuns_aNameKeptInOneRun_staysLiteral() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .madeAndGone("/srv/db/pg_wal/xlogtemp.5734", Set.of(9), CREATE, WRITE, DELETE)
                .inRun("run2")
                .file("/srv/db/pg_wal/xlogtemp.5734", CREATE, WRITE));
    assertFalse(paths(r).stream().anyMatch(p -> p.contains("@{pid}")), paths(r).toString());
  }

  @Test
  void aMakersDraw_inANameTheRunMadeAndRemoved_isRandomByItsShape() {
    // mktemp -d drew this in a CI run: letter pairs score it 1.98 bits, under the 2.5 a made and
    // removed name needs, so the pipeline sample's next run was denied its folder.
    assertEquals(
        Optional.of("tmp.??????????"), RandomRun.madeAndGone("tmp.ffazp770FT", new TreeSet<>()));
    assertEquals(
        Optional.of("tmp_obj_??????"), RandomRun.madeAndGone("tmp_obj_Kt0fab", new TreeSet<>()));
    // Only with the life's evidence, and only a draw's shape: one class, or another length, is not.
    assertEquals(Optional.empty(), RandomRun.pattern("tmp.ffazp770FT", RandomRun.SHORT_LIVED_BITS));
    assertFalse(RandomRun.drawn("abcdefghij"));
    assertFalse(RandomRun.drawn("ffazp770F"));
    assertFalse(RandomRun.drawn("ffazp_70FT"));
  }

  @Test
  void aChosenWordInCapitals_isNotAMakersDraw() {
    // postgres's dynamic shared memory in /dev/shm: the random part is the number (here one of
    // seven digits, too short to be taken for a random number alone), never the word.
    assertEquals(Optional.empty(), RandomRun.madeAndGone("PostgreSQL.1985318", new TreeSet<>()));
    assertEquals(
        Optional.of("PostgreSQL.*"),
        RandomRun.madeAndGone("PostgreSQL.3000709300", new TreeSet<>()));
    for (String word : List.of("Config", "Python", "Server", "PostgreSQL", "MainThread")) {
      assertFalse(RandomRun.drawn(word), word);
    }
    assertTrue(RandomRun.drawn("ffazp770FT"));
  }
}
