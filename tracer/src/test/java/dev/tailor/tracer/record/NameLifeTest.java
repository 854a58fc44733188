package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The recorder's account of each name's life, in call order, across processes and repeated lines.
 */
class NameLifeTest {
  private static Recording record(String... lines) throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/db"));
    String text = String.join("\n", lines) + "\n";
    new TraceParser(r).parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("test", "x86_64");
  }

  private static FileUse use(Recording r, String path) {
    assertTrue(r.files().containsKey(path), path + " not in " + r.files().keySet());
    return r.files().get(path);
  }

  @Test
  void madeExclusively_thenRenamedAway_isShortLived_withThePidsPlace() throws IOException {
    Recording r =
        record(
            "5734 openat(AT_FDCWD</db>, \"pg_wal/xlogtemp.5734\", O_RDWR|O_CREAT|O_EXCL, 0600) = 3</db/pg_wal/xlogtemp.5734>",
            "5734 write(3</db/pg_wal/xlogtemp.5734>, \"x\", 1) = 1",
            "5734 rename(\"pg_wal/xlogtemp.5734\", \"pg_wal/000000010000000000000001\") = 0",
            "5734 +++ exited with 0 +++");
    FileUse temp = use(r, "/db/pg_wal/xlogtemp.5734");
    assertTrue(temp.shortLived());
    assertEquals(Set.of(9), temp.pidAt(), "the pid's digits start at offset 9 of xlogtemp.5734");
    FileUse segment = use(r, "/db/pg_wal/000000010000000000000001");
    assertFalse(segment.shortLived(), "the rename's target survives the run");
  }

  @Test
  void madeThenRemoved_byAnotherProcess_isShortLived_butThePidIsOnlyTheCreators()
      throws IOException {
    Recording r =
        record(
            "20 openat(AT_FDCWD</db>, \"objects/2f/tmp_obj_KTf0Sf\", O_RDWR|O_CREAT|O_EXCL, 0444) = 3</db/objects/2f/tmp_obj_KTf0Sf>",
            "20 link(\"objects/2f/tmp_obj_KTf0Sf\", \"objects/2f/4a5b\") = 0",
            "21 unlink(\"/db/objects/2f/tmp_obj_KTf0Sf\") = 0",
            "20 mkdir(\"/db/tmp-21\", 0700) = 0",
            "21 rmdir(\"/db/tmp-21\") = 0",
            "20 +++ exited with 0 +++",
            "21 +++ exited with 0 +++");
    assertTrue(use(r, "/db/objects/2f/tmp_obj_KTf0Sf").shortLived());
    assertEquals(Set.of(), use(r, "/db/objects/2f/tmp_obj_KTf0Sf").pidAt());
    assertTrue(use(r, "/db/tmp-21").shortLived());
    assertEquals(
        Set.of(), use(r, "/db/tmp-21").pidAt(), "21 removed it, 20 made it: no evidence of a pid");
    assertFalse(use(r, "/db/objects/2f/4a5b").shortLived());
  }

  @Test
  void removedThenMadeAgain_andLeftBehind_isLiteral() throws IOException {
    Recording r =
        record(
            "30 unlink(\"/db/postmaster.pid\") = 0",
            "30 openat(AT_FDCWD</db>, \"postmaster.pid\", O_RDWR|O_CREAT|O_EXCL, 0600) = 3</db/postmaster.pid>",
            "30 +++ exited with 0 +++");
    assertFalse(
        use(r, "/db/postmaster.pid").shortLived(), "it existed before the run, and it survives");
  }

  @Test
  void madeRemovedThenMadeAgainAndLeft_isLiteral_evenWhenTheLinesRepeat() throws IOException {
    // The same lines from two processes: the second pair is replayed from the parser's memo.
    Recording r =
        record(
            "40 openat(AT_FDCWD</db>, \"index.lock\", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3</db/index.lock>",
            "40 unlink(\"/db/index.lock\") = 0",
            "41 openat(AT_FDCWD</db>, \"index.lock\", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3</db/index.lock>",
            "41 unlink(\"/db/index.lock\") = 0",
            "42 openat(AT_FDCWD</db>, \"index.lock\", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3</db/index.lock>",
            "40 +++ exited with 0 +++",
            "41 +++ exited with 0 +++",
            "42 +++ exited with 0 +++");
    assertFalse(use(r, "/db/index.lock").shortLived(), "the last one survives the run");

    Recording gone =
        record(
            "40 openat(AT_FDCWD</db>, \"index.lock\", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3</db/index.lock>",
            "40 unlink(\"/db/index.lock\") = 0",
            "41 openat(AT_FDCWD</db>, \"index.lock\", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3</db/index.lock>",
            "41 unlink(\"/db/index.lock\") = 0",
            "40 +++ exited with 0 +++",
            "41 +++ exited with 0 +++");
    assertTrue(use(gone, "/db/index.lock").shortLived());
  }

  @Test
  void aCreateThatMayHaveOpenedAnOldFile_isNotProofOfMaking() throws IOException {
    Recording r =
        record(
            "50 openat(AT_FDCWD</db>, \"cache.tmp\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</db/cache.tmp>",
            "50 unlink(\"/db/cache.tmp\") = 0",
            "50 newfstatat(AT_FDCWD</db>, \"fresh.tmp\", 0x7ffc, 0) = -1 ENOENT (No such file or directory)",
            "50 openat(AT_FDCWD</db>, \"fresh.tmp\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</db/fresh.tmp>",
            "50 rename(\"/db/fresh.tmp\", \"/db/fresh\") = 0",
            "50 +++ exited with 0 +++");
    assertFalse(
        use(r, "/db/cache.tmp").shortLived(),
        "O_CREAT without O_EXCL on a name not known to be gone");
    assertTrue(
        use(r, "/db/fresh.tmp").shortLived(), "O_CREAT on a name the run saw missing made it");
  }

  @Test
  void recordingJson_keepsTheLife_andWritesNothingForOtherNames() throws IOException {
    Recording r =
        record(
            "5734 openat(AT_FDCWD</db>, \"pg_wal/xlogtemp.5734\", O_RDWR|O_CREAT|O_EXCL, 0600) = 3</db/pg_wal/xlogtemp.5734>",
            "5734 unlink(\"pg_wal/xlogtemp.5734\") = 0",
            "5734 openat(AT_FDCWD</db>, \"base\", O_RDONLY) = 3</db/base>",
            "5734 +++ exited with 0 +++");
    String json = dev.tailor.tracer.RecordingJson.toJson(r);
    Recording back = dev.tailor.tracer.RecordingJson.fromJson(json, "test");
    assertEquals(r.files(), back.files());
    assertEquals(1, json.split("\"shortLived\"", -1).length - 1, json);
    assertEquals(1, json.split("\"pidAt\"", -1).length - 1, json);
  }

  @Test
  void mergedRuns_shortLivedOnlyWhereEveryRunSaysSo() {
    TreeSet<String> one = new TreeSet<>(Set.of("a"));
    TreeSet<String> two = new TreeSet<>(Set.of("b"));
    FileUse a =
        new FileUse(
            "/db/x.1",
            Set.of(),
            new java.util.TreeMap<>(),
            false,
            1,
            one,
            true,
            new TreeSet<>(Set.of(2)),
            new TreeSet<>(),
            -1);
    FileUse b =
        new FileUse(
            "/db/x.1",
            Set.of(),
            new java.util.TreeMap<>(),
            false,
            1,
            two,
            false,
            new TreeSet<>(),
            new TreeSet<>(),
            -1);
    assertFalse(a.merge(b).shortLived());
    assertEquals(Set.of(), a.merge(b).pidAt());
    assertTrue(a.merge(a.withRuns(two)).shortLived());
    assertEquals(Set.of(2), a.merge(a.withRuns(two)).pidAt());
  }
}
