package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.apparmor.FileRule;
import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.generator.apparmor.PathPattern;
import dev.tailor.tracer.FileTrees;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: programs that write through temporary names outside temporary folders (git's
 * tmp_obj_XXXXXX and lock files, postgres's pg_wal/xlogtemp.PID), learned once, then run again
 * bare: the draft grants the second run's names, as apparmor_parser compiles it, and none of the
 * globs the names' lives gave reaches beyond the name's own folder.
 */
class TemporaryNamesTest {
  // Under target/, not /tmp: only the names' lives, never a temporary folder, can make globs here.
  // A checkout that lives in a temporary folder (/tmp/..., .../tmp/...: CI clones) runs them
  // under /srv instead, where tailor does not also judge names by their shape.
  private static final Path TARGET = Path.of("target", "temporary-names").toAbsolutePath();
  private static final boolean CHECKOUT_IN_TEMPORARY_FOLDER =
      (TARGET + "/")
          .matches(
              "(?i)/(tmp|var/tmp|dev/shm|var/cache|run/user)/.*|/.+/(tmp|temp|\\.tmp)/.*|.*/\\.cache/.*");
  private static final Path RUNS =
      CHECKOUT_IN_TEMPORARY_FOLDER ? Path.of("/srv/tailor-tests/temporary-names") : TARGET;

  @AfterAll
  static void removeRunsOutsideTheCheckout() throws Exception {
    if (CHECKOUT_IN_TEMPORARY_FOLDER) {
      FileTrees.delete(RUNS.getParent());
    }
  }

  private static final String INITDB = "/usr/lib/postgresql/15/bin/initdb";

  @Test
  void gitCommitsAndRepack_learnedOnce_coversTheNextRun() throws Exception {
    assumeTrue(TailorProcess.onPath("git"), "git is not installed (apt-get install git)");
    Path work = fresh("git").resolve("work");
    // The same commits every run (fixed dates and authors): what differs is only what git draws.
    String script =
        "set -e; rm -rf "
            + work
            + "; mkdir -p "
            + work
            + "; cd "
            + work
            + "; "
            + "export HOME="
            + work
            + " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org "
            + "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' "
            + "GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'; "
            + "git init -q -b main repo; cd repo; "
            + "for i in 1 2 3 4; do echo \"line $i\" > f$i.txt; git add f$i.txt; git commit -q -m c$i; done; "
            + "git repack -q -a -d; git gc -q --prune=now";
    List<String> cmd = List.of("sh", "-c", script);
    LearnedProfiles l = learn("git", cmd);
    String repo = PathText.escape(work.toString()) + "/repo/.git/";
    assertTrue(l.text().contains("/tmp_obj_??????\""), "git's tmp_obj_XXXXXX names:\n" + l.text());
    assertCoversNextRun(l, cmd, work, repo);
  }

  @Test
  void postgresInitdb_learnedOnce_coversTheNextRun() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of(INITDB)),
        "postgres 15 is not installed (apt-get install postgresql-15)");
    assumeTrue(
        ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "postgres refuses to run as root: the test runs it as the postgres user, which needs root");
    assumeTrue(TailorProcess.onPath("runuser"), "runuser is not installed (util-linux)");
    Path dir = fresh("postgres");
    Path data = dir.resolve("data");
    TailorProcess.Result own =
        TailorProcess.run(List.of("chown", "postgres", dir.toString()), dir, java.util.Map.of());
    assertEquals(0, own.exit(), "no postgres user: " + own.err());
    // initdb runs the server in bootstrap and single-user mode: it writes the write-ahead log's
    // first segment through pg_wal/xlogtemp.PID, renamed onto the segment's name.
    List<String> cmd =
        List.of(
            "runuser",
            "-u",
            "postgres",
            "--",
            INITDB,
            "-N",
            "-A",
            "trust",
            "-U",
            "postgres",
            "--locale=C",
            "-E",
            "UTF8",
            "-D",
            data.toString());
    FileTrees.delete(data);
    LearnedProfiles l = learn("postgres", cmd);
    assertTrue(
        l.text().contains("/pg_wal/xlogtemp.@{pid}\""), "postgres's xlogtemp.PID:\n" + l.text());
    assertCoversNextRun(l, cmd, data, PathText.escape(data.toString()) + "/");
  }

  // ---- helpers ----

  private static Path fresh(String name) throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    ParserCheck.assumeParser();
    Path dir = RUNS.resolve(name);
    FileTrees.delete(dir);
    if (CHECKOUT_IN_TEMPORARY_FOLDER) {
      assumeTrue(
          Files.isWritable(Path.of(Files.exists(Path.of("/srv")) ? "/srv" : "/")),
          "the checkout is in a temporary folder, and /srv, where these runs go instead, is"
              + " not writable (not root)");
    }
    Files.createDirectories(dir);
    return dir;
  }

  private static LearnedProfiles learn(String name, List<String> cmd) throws Exception {
    return LearnedProfiles.learn(RUNS, name, cmd);
  }

  /**
   * Runs the command again under plain strace (after {@code before} is removed) and asserts that
   * the draft grants every file use of that run, by tailor's coverage and by the DFA
   * apparmor_parser compiles; and that each rule with a glob under {@code inside} (PathText) grants
   * nothing outside its own folder.
   */
  private static void assertCoversNextRun(
      LearnedProfiles l, List<String> cmd, Path before, String inside) throws Exception {
    ParserCheck.assertParse(List.of(l.text()));
    // The work folders' names are plain: their pattern text is their path.
    assertTrue(inside.matches("[A-Za-z0-9/._-]+"), inside);
    assertEquals(inside, PathPattern.literal(inside).text());
    List<FileRule> globs = new ArrayList<>();
    for (FileRule r : l.apparmor().profile().files()) {
      String text = r.path().text();
      if (text.startsWith(inside) && !text.equals(PathPattern.literal(text).text())) {
        globs.add(r);
      }
    }
    FileTrees.delete(before);
    Recording next = RunCoverage.traceAgain(cmd, l.folder().getParent(), "next-run");
    assertEquals(
        List.of(),
        RunCoverage.missing(l.apparmor().profile(), next),
        "the next run used files the draft does not grant:\n" + l.text());
    ParserCheck.Dfa dfa =
        ParserCheck.compile(ParserCheck.rulesOnly(l.apparmor().profile().files()));
    int checked = 0;
    for (FileUse f : next.files().values()) {
      if (f.path().startsWith(inside)
          && !f.directory()
          && dev.tailor.generator.apparmor.AppArmorCoverage.of(l.apparmor().profile())
              .missing(f)
              .isEmpty()
          && !f.accesses().isEmpty()
          && f.accesses().stream().anyMatch(a -> a != dev.tailor.tracer.Access.STAT)) {
        assertTrue(
            dfa.accepts(raw(f.path())),
            "apparmor_parser's rules do not grant " + f.path() + ":\n" + l.text());
        checked++;
      }
    }
    assertTrue(checked > 10, "the next run used only " + checked + " files in " + inside);
    assertFalse(globs.isEmpty(), "no glob in " + inside + ":\n" + l.text());
    for (FileRule g : globs) {
      String text = g.path().text();
      String folder = text.substring(0, text.lastIndexOf('/') + 1);
      assertFalse(
          folder.contains("*") || folder.contains("?") || folder.contains("@{"),
          "a glob over folders: " + text);
      ParserCheck.Dfa one = ParserCheck.compile(ParserCheck.rulesOnly(List.of(g)));
      assertEquals("", one.leakOutside(folder), text + " reaches outside its folder");
    }
  }

  private static String raw(String pathText) {
    return new String(PathText.toBytes(pathText), StandardCharsets.ISO_8859_1);
  }
}
