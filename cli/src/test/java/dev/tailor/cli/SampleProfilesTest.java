package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.apparmor.AppArmorCoverage;
import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.FileRule;
import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.generator.apparmor.PathPattern;
import dev.tailor.tracer.FileTrees;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #4 on the real samples: learn each with the real strace, run it again under plain strace,
 * and check that the drafted AppArmor profile grants every file the second run used and that
 * apparmor_parser accepts it.
 */
class SampleProfilesTest {
  private static final Path REPO =
      Path.of(System.getProperty("tailor.repoRoot", "..")).toAbsolutePath().normalize();

  // Work folders under target/, not /tmp: names there stay literal (no temp-name globs), so a
  // rule's text says whether it lies inside the work folder, and both runs use the same paths.
  private static final Path RUNS = Path.of("target", "sample-runs").toAbsolutePath();

  private static final boolean HAS_STRACE =
      Stream.of("/usr/bin/strace", "/bin/strace").anyMatch(p -> Files.isExecutable(Path.of(p)));

  /** A learned profile folder and what it holds. */
  @Test
  void pythonApp_profileCoversASecondRun_andIsThreeTimesShorterThanOneRulePerPath()
      throws Exception {
    Path work = fresh("python-app").resolve("work");
    List<String> cmd = List.of("python3", sample("python-app/app.py"), work.toString());
    LearnedProfiles l = learn("python-app", cmd);
    assertCoversSecondRun(l, cmd, () -> FileTrees.delete(work));
    int rules = l.apparmor().profile().ruleCount();
    System.out.printf(
        "python-app: %d paths -> %d AppArmor rules%n", l.apparmor().distinctPaths(), rules);
    assertTrue(
        l.apparmor().distinctPaths() >= 3 * rules,
        l.apparmor().distinctPaths() + " paths but " + rules + " rules:\n" + l.text());
  }

  @Test
  void pipeline_profileCoversASecondRun() throws Exception {
    fresh("pipeline");
    List<String> cmd = List.of("sh", sample("pipeline/pipeline.sh"));
    LearnedProfiles l = learn("pipeline", cmd);
    assertCoversSecondRun(l, cmd, () -> {});
  }

  @Test
  void threads_profileCoversASecondRun() throws Exception {
    Path work = fresh("threads").resolve("work");
    List<String> cmd = List.of("python3", sample("threads/threads.py"), work.toString());
    LearnedProfiles l = learn("threads", cmd);
    assertCoversSecondRun(l, cmd, () -> FileTrees.delete(work));
  }

  @Test
  void threadsC_profileCoversASecondRun() throws Exception {
    assumeTrue(TailorProcess.onPath("cc"), "no C compiler (cc)");
    Path bin = fresh("threads-c").resolve("threads");
    Process cc =
        new ProcessBuilder(
                "cc", "-O2", "-pthread", "-o", bin.toString(), sample("threads/threads.c"))
            .inheritIO()
            .start();
    assertEquals(0, cc.waitFor(), "cc failed on threads.c");
    List<String> cmd = List.of(bin.toString());
    LearnedProfiles l = learn("threads-c", cmd);
    // A dynamically linked C program opens only itself, the loader, its cache and libc.
    assertCoversSecondRun(l, cmd, () -> {}, 3);
  }

  @Test
  void serverWithItsClient_profileCoversASecondRun() throws Exception {
    Path work = fresh("server").resolve("work");
    Files.createDirectories(work);
    // The server serves one client, then is stopped: the whole life of the service, from its start.
    // The wait for the server always sleeps at least once (both runs exec sleep) and gives up
    // after 30 s; the server is stopped whatever the client did, and the client's status is the
    // run's.
    String script =
        "cd "
            + work
            + " && { python3 "
            + sample("server/server.py")
            + " 0 > port.txt & s=$!; "
            + "i=0; sleep 0.05; while ! grep -q listening port.txt 2>/dev/null && [ $i -lt 600 ]; do i=$((i+1)); sleep 0.05; done; "
            + "python3 "
            + sample("server/client.py")
            + " $(awk '{print $3}' port.txt) 3; c=$?; kill -TERM $s; wait $s && exit $c; }";
    List<String> cmd = List.of("sh", "-c", script);
    LearnedProfiles l = learn("server", cmd);
    assertTrue(
        l.recording().sockets().keySet().stream().anyMatch(k -> k.startsWith("inet")),
        "the server's sockets: " + l.recording().sockets().keySet());
    assertCoversSecondRun(l, cmd, () -> Files.deleteIfExists(work.resolve("port.txt")));
  }

  @Test
  void
      hostileNames_profileParses_grantsOutsideTheWorkFolderOnlyWhatWasUsedThere_andCoversASecondRun()
          throws Exception {
    Path work = fresh("hostile-names").resolve("work");
    List<String> cmd = List.of("python3", sample("hostile-names/make_names.py"), work.toString());
    LearnedProfiles l = learn("hostile-names", cmd);
    ParserCheck.assertParse(List.of(l.text()));
    String workText = PathText.escape(work.toString());
    // The work folder as the generator writes it: literal, unless the checkout lies in a
    // random-named temporary folder (a clone in mktemp -d), whose name the generator rightly
    // globs like any temporary name. Where the checkout lives is not what this test is about.
    String prefix = folderPattern(l.recording(), workText) + "/";
    String literal = PathPattern.literal(workText).text() + "/";
    List<FileRule> inside = new ArrayList<>();
    List<FileRule> outside = new ArrayList<>();
    for (FileRule r : l.apparmor().profile().files()) {
      (r.path().text().startsWith(prefix) ? inside : outside).add(r);
    }
    assertTrue(inside.size() > 0, "no rule for the work folder " + prefix + ":\n" + l.text());

    // What the rules written for the names in the work folder really grant, as apparmor_parser
    // compiles them, with the folder's own location written literally.
    List<FileRule> relocated =
        inside.stream()
            .map(
                r ->
                    new FileRule(
                        r.owner(),
                        new PathPattern(literal + r.path().text().substring(prefix.length())),
                        r.perms(),
                        r.execTarget(),
                        r.kind(),
                        r.comment()))
            .toList();
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(relocated));
    assertEquals("", dfa.leakOutside(raw(workText) + "/"), l.text());
    int names = 0;
    AppArmorCoverage coverage = AppArmorCoverage.of(l.apparmor().profile());
    for (FileUse f : l.recording().files().values()) {
      if (f.path().startsWith(workText + "/") && f.succeeded() && coverage.missing(f).isPresent()) {
        throw new AssertionError(
            "not granted: " + f.path() + " needs " + coverage.missing(f).get());
      }
      if (f.path().startsWith(workText + "/") && !f.directory()) {
        names++;
      }
    }
    assertTrue(names >= 16, "the sample's names were not recorded: " + names);

    // The rules outside it are exactly those the rest of the recording gives without the names.
    TreeMap<String, FileUse> rest = new TreeMap<>(l.recording().files());
    rest.keySet().removeIf(p -> p.equals(workText) || p.startsWith(workText + "/"));
    Recording r = l.recording();
    Recording control = RecordingBuilder.from(r).files(rest).build();
    List<FileRule> expected =
        AppArmorGenerator.generate(control, AppArmorOptions.draft(r.name())).profile().files();
    assertEquals(expected, outside, l.text());

    assertCoversSecondRun(l, cmd, () -> FileTrees.delete(work));
  }

  // ---- helpers ----

  /**
   * The pattern the generator writes for {@code folder}: the rule of one plain file in it, less the
   * file.
   */
  private static String folderPattern(Recording r, String folder) {
    String file = folder + "/plain";
    TreeMap<String, FileUse> one = new TreeMap<>();
    one.put(
        file,
        new FileUse(
            file,
            java.util.EnumSet.of(dev.tailor.tracer.Access.READ),
            new TreeMap<>(),
            false,
            1,
            r.runs()));
    Recording probe =
        new RecordingBuilder()
            .name(r.name())
            .arch(r.arch())
            .runs(r.runs())
            .syscalls(r.syscalls())
            .files(one)
            .build();
    List<FileRule> rules =
        AppArmorGenerator.generate(probe, AppArmorOptions.draft(r.name())).profile().files();
    assertEquals(1, rules.size(), rules::toString);
    String text = rules.get(0).path().text();
    assertTrue(text.endsWith("/plain"), text);
    return text.substring(0, text.length() - "/plain".length());
  }

  private static String sample(String file) {
    Path p = REPO.resolve("samples").resolve(file);
    assertTrue(Files.isRegularFile(p), "sample missing: " + p);
    return p.toString();
  }

  /** An empty folder for one sample's runs. */
  private static Path fresh(String name) throws IOException {
    assumeTrue(HAS_STRACE, "strace is not installed");
    ParserCheck.assumeParser();
    Path dir = RUNS.resolve(name);
    FileTrees.delete(dir);
    Files.createDirectories(dir);
    return dir;
  }

  /** Runs {@code tailor learn} in-process and reads back what it wrote. */
  private static LearnedProfiles learn(String name, List<String> cmd) throws Exception {
    return LearnedProfiles.learn(RUNS, name, cmd);
  }

  /**
   * Runs the command again under plain {@code strace -f -yy -o} and asserts that the learned
   * profile grants every file use of that run, and that apparmor_parser accepts the profile.
   */
  private static void assertCoversSecondRun(LearnedProfiles l, List<String> cmd, Cleanup before)
      throws Exception {
    assertCoversSecondRun(l, cmd, before, RunCoverage.ENOUGH_FILES);
  }

  /**
   * As {@link #assertCoversSecondRun(LearnedProfiles, List, Cleanup)}, for a run that uses at least
   * {@code least} files.
   */
  private static void assertCoversSecondRun(
      LearnedProfiles l, List<String> cmd, Cleanup before, int least) throws Exception {
    ParserCheck.assertParse(List.of(l.text()));
    before.run();
    Recording second = RunCoverage.traceAgain(cmd, l.folder().getParent(), "second-run");
    assertEquals(
        List.of(),
        RunCoverage.missing(l.apparmor().profile(), second, least),
        "the second run used files the profile does not grant:\n" + l.text());
  }

  private static String raw(String pathText) {
    return new String(PathText.toBytes(pathText), StandardCharsets.ISO_8859_1);
  }

  private interface Cleanup {
    void run() throws IOException;
  }
}
