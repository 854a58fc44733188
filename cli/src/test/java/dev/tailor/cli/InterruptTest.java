package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A signal to tailor while learning reaches the workload, and the profile is still written. */
class InterruptTest {
  @TempDir Path tmp;

  private Process tailor;

  @BeforeEach
  void needTools() {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
  }

  /**
   * tailor's workload is its child: killing tailor's process group would be broad, so kill both by
   * pid.
   */
  @AfterEach
  void killWhatTheTestStarted() throws InterruptedException {
    TailorProcess.killTree(tailor);
  }

  private Path stdout;
  private Path stderr;

  /** Starts learn on {@code cmd} and waits until the workload printed {@code ready}. */
  private void learn(String name, String ready, String... cmd) throws Exception {
    learnWithSighup("default", name, ready, cmd);
  }

  /**
   * As {@link #learn}, with SIGHUP's disposition set for tailor ({@code default} or {@code ignore},
   * through coreutils' env): a test run under nohup must not pass its ignored SIGHUP on to tailor.
   */
  private void learnWithSighup(String disposition, String name, String ready, String... cmd)
      throws Exception {
    Path out = tmp.resolve("out");
    stdout = tmp.resolve("stdout.txt");
    stderr = tmp.resolve("stderr.txt");
    List<String> args =
        new java.util.ArrayList<>(List.of("learn", "--out", out.toString(), "--name", name, "--"));
    args.addAll(List.of(cmd));
    List<String> command =
        new java.util.ArrayList<>(List.of("env", "--" + disposition + "-signal=HUP"));
    command.addAll(TailorProcess.tailorCommand(args.toArray(String[]::new)));
    tailor =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    TailorProcess.awaitLine(stdout, ready, tailor);
  }

  private void awaitEnd() throws Exception {
    assertTrue(
        tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not end: " + Files.readString(stderr));
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void learn_signalledWhileTracing_forwardsAndWritesProfile(String signal) throws Exception {
    learn(
        "srv", "listening on", "python3", TailorProcess.sample("server/server.py").toString(), "0");
    TailorProcess.kill(signal, tailor.pid());
    awaitEnd();
    assertEquals(
        0, tailor.exitValue(), "the workload's own exit code: " + Files.readString(stderr));
    assertTrue(
        Files.readString(stdout).contains("served 0 connections"),
        "the workload got the signal and shut down cleanly");
    Recording r = RecordingJson.read(tmp.resolve("out/srv"));
    assertTrue(
        r.syscalls().containsKey("bind") && r.syscalls().containsKey("exit_group"),
        r.syscalls().keySet().toString());
    assertTrue(Files.isRegularFile(tmp.resolve("out/srv/seccomp.json")));
    assertFalse(
        Files.readString(stderr).contains("\r"), "no status line when stderr is not a terminal");
    // The recording and the report say the run was cut short, by what and when.
    String cut = r.warnings().stream().filter(w -> w.contains("cut short")).findFirst().orElse("");
    assertTrue(
        cut.contains("SIG" + signal)
            && cut.matches(".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*"),
        r.warnings().toString());
    assertTrue(
        Files.readString(tmp.resolve("out/srv/report.md")).contains(cut), "report.md has it too");
  }

  /**
   * The server does not handle SIGHUP: forwarded, it kills the workload, and tailor exits 128+1.
   */
  @Test
  void learn_sighup_isForwarded_andTheWorkloadsDeathIs129() throws Exception {
    learn(
        "srv", "listening on", "python3", TailorProcess.sample("server/server.py").toString(), "0");
    TailorProcess.kill("HUP", tailor.pid());
    awaitEnd();
    assertEquals(128 + 1, tailor.exitValue(), Files.readString(stderr));
    assertFalse(
        Files.readString(stdout).contains("served"),
        "killed by SIGHUP, not shut down by its handler");
    assertTrue(
        Files.isRegularFile(tmp.resolve("out/srv/seccomp.json")), "profiles are still written");
  }

  /**
   * Started with SIGHUP ignored (nohup), tailor leaves it ignored, as the JVM does: SIGHUP changes
   * nothing, and a later SIGTERM is the one that stops the workload.
   */
  @Test
  void learn_startedWithSighupIgnored_sighupChangesNothing() throws Exception {
    learnWithSighup(
        "ignore",
        "srv",
        "listening on",
        "python3",
        TailorProcess.sample("server/server.py").toString(),
        "0");
    assertTrue(
        Files.readString(Path.of("/proc", Long.toString(tailor.pid()), "status"))
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("SigIgn:")
                        && (Long.parseLong(l.substring(7).trim(), 16) & 1) == 1),
        "tailor still ignores SIGHUP, so the kernel drops the next one");
    TailorProcess.kill("HUP", tailor.pid());
    TailorProcess.kill("TERM", tailor.pid());
    awaitEnd();
    assertEquals(
        0,
        tailor.exitValue(),
        "shut down by its SIGTERM handler, not killed by a SIGHUP: " + Files.readString(stderr));
    assertTrue(Files.readString(stdout).contains("served 0 connections"));
    Recording r = RecordingJson.read(tmp.resolve("out/srv"));
    assertTrue(
        r.warnings().stream()
            .anyMatch(w -> w.startsWith("the run was cut short: tailor got SIGTERM")),
        r.warnings().toString());
  }

  /**
   * A workload that ignores SIGTERM: the first two are forwarded (and ignored), the third kills it.
   */
  @Test
  void learn_thirdSignal_killsTheWorkload() throws Exception {
    Path got = tmp.resolve("got");
    // Counts the signals it receives in a file, so the test waits for each to arrive.
    String script =
        "import signal, sys\n"
            + "n = 0\n"
            + "def count(s, f):\n"
            + "    global n\n"
            + "    n += 1\n"
            + "    open(sys.argv[1], 'w').write(str(n))\n"
            + "signal.signal(signal.SIGTERM, count)\n"
            + "print('ready', flush=True)\n"
            + "while True:\n"
            + "    signal.pause()\n";
    learn("stubborn", "ready", "python3", "-c", script, got.toString());
    for (int i = 1; i <= 2; i++) {
      TailorProcess.kill("TERM", tailor.pid());
      awaitFileText(got, Integer.toString(i));
    }
    assertTrue(tailor.isAlive(), "two forwarded signals the workload ignores do not end it");
    TailorProcess.kill("TERM", tailor.pid());
    awaitEnd();
    assertEquals(
        128 + 9,
        tailor.exitValue(),
        "the third signal is SIGKILL to the workload: " + Files.readString(stderr));
    assertEquals("2", Files.readString(got), "the workload saw only the first two");
    assertTrue(
        Files.isRegularFile(tmp.resolve("out/stubborn/seccomp.json")),
        "profiles are still written");
  }

  private void awaitFileText(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).equals(text)) {
        return;
      }
      assertTrue(tailor.isAlive(), "tailor ended early: " + Files.readString(stderr));
      Thread.sleep(20);
    }
    throw new AssertionError(file + " never said " + text);
  }
}
