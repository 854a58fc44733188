package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorProfile;
import dev.tailor.generator.apparmor.AppArmorWriter;
import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.tracer.FileTrees;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code learn --runs N} with the real strace and apparmor_parser: a draft learned over two runs of
 * a workload with temporary files covers a third run, a deterministic workload learned twice gives
 * the same bytes, and a signal during run k keeps what was seen and starts no more runs.
 */
class LearnRunsTest {
  // Not under /tmp: the work folders and profiles of the test must not be temporary names
  // themselves.
  private static final Path RUNS = Path.of("target", "learn-runs").toAbsolutePath();

  @TempDir Path tmp;

  private Process tailor;

  @AfterEach
  void killWhatTheTestStarted() throws InterruptedException {
    TailorProcess.killTree(tailor);
  }

  private static void needTools() {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
  }

  /** Runs {@code tailor learn ARGS} in-process; returns the folder written. */
  private static Path learn(String name, Path out, String... args) {
    List<String> all =
        new ArrayList<>(List.of("learn", "--no-status", "--name", name, "--out", out.toString()));
    all.addAll(List.of(args));
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            all.toArray(String[]::new),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertEquals(0, exit, "tailor learn failed: " + err);
    return out.resolve(name);
  }

  private static AppArmorProfile draft(Path folder) throws Exception {
    Recording r = RecordingJson.read(folder);
    AppArmorProfile p = AppArmorGenerator.generate(r, AppArmorOptions.draft(r.name())).profile();
    assertEquals(
        AppArmorWriter.write(p),
        Files.readString(folder.resolve(ProfileFolder.APPARMOR_FILE)),
        "the file is this draft");
    return p;
  }

  @Test
  void runs2_temporaryNames_draftCoversAThirdRun_whereOneRunsDraftDoesNot() throws Exception {
    needTools();
    ParserCheck.assumeParser();
    FileTrees.delete(RUNS.resolve("tempfiles"));
    Path out = RUNS.resolve("tempfiles").resolve("out");
    List<String> cmd =
        List.of("python3", TailorProcess.sample("tempfiles/tempfiles.py").toString());
    List<String> args = new ArrayList<>(List.of("--runs", "2", "--"));
    args.addAll(cmd);
    Path two = learn("tempfiles", out, args.toArray(String[]::new));
    assertEquals(2, RecordingJson.read(two).runs().size());
    AppArmorProfile profile = draft(two);
    String text = AppArmorWriter.write(profile);
    ParserCheck.assertParse(List.of(text));
    assertTrue(
        text.contains("owner \"/tmp/tailor-tempfiles-fixed.out\" rw,"),
        "a name alike in both runs stays literal:\n" + text);
    assertFalse(text.contains("\"/tmp/*\"") || text.contains("\"/tmp/**\""), text);

    Recording third = RunCoverage.traceAgain(cmd, out, "third-run");
    assertEquals(
        List.of(),
        RunCoverage.missing(profile, third),
        "the third run used files the draft does not grant:\n" + text);
    // Every name the third run made in /tmp, against apparmor_parser's own compiled rules.
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(profile.files()));
    List<String> made = new ArrayList<>();
    List<String> unreached = new ArrayList<>();
    for (FileUse f : third.files().values()) {
      // A stat needs no rule: the checkout itself may live in /tmp (a CI clone), and the run stats
      // its folders.
      boolean onlyStat = f.accesses().stream().allMatch(a -> a == dev.tailor.tracer.Access.STAT);
      if (f.succeeded() && f.path().startsWith("/tmp/") && !onlyStat) {
        String path = f.directory() ? f.path() + "/" : f.path();
        made.add(path);
        if (!dfa.accepts(new String(PathText.toBytes(path), StandardCharsets.ISO_8859_1))) {
          unreached.add(path);
        }
      }
    }
    assertTrue(made.size() >= 10, "the sample made too few names in /tmp: " + made);
    assertEquals(List.of(), unreached, text);

    // The same check fails for the draft of one run: its pid-named lock file is a literal name.
    Path one = learn("tempfiles-once", out, "--", cmd.get(0), cmd.get(1));
    assertNotEquals(List.of(), RunCoverage.missing(draft(one), third));
  }

  @Test
  void deterministicWorkload_learnedTwice_givesByteIdenticalDrafts_andTwoRunsTheSame()
      throws Exception {
    needTools();
    FileTrees.delete(RUNS.resolve("threads"));
    Path work = RUNS.resolve("threads").resolve("work");
    List<String> drafts = new ArrayList<>();
    for (String runs : List.of("1", "1", "2")) {
      FileTrees.delete(work);
      Path folder =
          learn(
              "threads",
              RUNS.resolve("threads").resolve("out" + drafts.size()),
              "--runs",
              runs,
              "--",
              "python3",
              TailorProcess.sample("threads/threads.py").toString(),
              work.toString());
      drafts.add(Files.readString(folder.resolve(ProfileFolder.APPARMOR_FILE)));
    }
    assertEquals(drafts.get(0), drafts.get(1), "learned twice");
    assertEquals(drafts.get(0), drafts.get(2), "two runs that did the same are one run's draft");
  }

  /** Run 1 exits 5; run 2 waits for SIGINT and exits 3 on it; a third would print "third". */
  private static final String COUNTED =
      "import signal, sys\n"
          + "n = int(open(sys.argv[1]).read() or '0') + 1 if __import__('os').path.exists(sys.argv[1]) else 1\n"
          + "open(sys.argv[1], 'w').write(str(n))\n"
          + "if n == 1:\n"
          + "    sys.exit(5)\n"
          + "if n == 3:\n"
          + "    print('third', flush=True)\n"
          + "    sys.exit(0)\n"
          + "signal.signal(signal.SIGINT, lambda s, f: sys.exit(3))\n"
          + "__import__('os').getsid(0)\n"
          + "print('waiting', flush=True)\n"
          + "while True:\n"
          + "    signal.pause()\n";

  @Test
  void signalDuringRun2of3_keepsBothRuns_startsNoThird_andExitsWithTheCutRunsCode()
      throws Exception {
    needTools();
    Path count = tmp.resolve("count");
    Path stdout = tmp.resolve("stdout");
    Path stderr = tmp.resolve("stderr");
    tailor =
        new ProcessBuilder(
                TailorProcess.tailorCommand(
                    "learn",
                    "--runs",
                    "3",
                    "--name",
                    "counted",
                    "--out",
                    tmp.resolve("out").toString(),
                    "--",
                    "python3",
                    "-c",
                    COUNTED,
                    count.toString()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    TailorProcess.awaitLine(stdout, "waiting", tailor);
    TailorProcess.kill("INT", tailor.pid());
    assertTrue(tailor.waitFor(120, TimeUnit.SECONDS), Files.readString(stderr));
    String err = Files.readString(stderr);
    assertEquals(
        3, tailor.exitValue(), "the code of the run the signal cut short, not run 1's 5: " + err);
    assertEquals("2", Files.readString(count), "no third run started");
    assertFalse(Files.readString(stdout).contains("third"));
    assertTrue(
        err.contains("run 1 of 3 ended with exit code 5")
            && err.contains("run 2 of 3 ended with exit code 3"),
        err);
    Recording r = RecordingJson.read(tmp.resolve("out/counted"));
    assertEquals(List.of("counted", "counted#2"), List.copyOf(r.runs()));
    assertTrue(
        r.warnings().stream()
            .anyMatch(w -> w.startsWith("learned 2 of 3 runs: a signal cut run 2 short")),
        r.warnings().toString());
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.startsWith("the run was cut short")),
        r.warnings().toString());
    // getsid, not pause: the signal may come between the line and pause, and the handler exits.
    assertTrue(
        r.syscalls().containsKey("getsid"),
        "what run 2 did before the signal is kept: " + r.syscalls().keySet());
  }

  @Test
  void badRuns_areOneLineErrors() throws Exception {
    for (List<String> args :
        List.of(
            List.of("--runs", "0", "--", "/bin/true"),
            List.of("--runs", "101", "--", "/bin/true"),
            List.of("--runs", "2", "--pid", "1"))) {
      List<String> all = new ArrayList<>(List.of("learn", "--out", tmp.toString()));
      all.addAll(args);
      TailorProcess.Result r = TailorProcess.tailor(tmp, all.toArray(String[]::new));
      assertEquals(Main.EXIT_TAILOR_FAILED, r.exit(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("--runs"), r.err());
    }
  }
}
