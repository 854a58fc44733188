package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A signal to tailor's whole process group (CI runners, kill -INT -PGID) reaches the workload once
 * (issue 12 item 11).
 */
class GroupSignalTest {
  @TempDir Path tmp;

  /**
   * Counts the signals it gets until the file argv[1] exists: the test makes it once tailor said
   * what it did with the signal, so every copy that will ever come has come by then.
   */
  private static final String COUNTER =
      String.join(
          "\n",
          "import os, signal, sys, time",
          "got = []",
          "signal.signal(signal.SIG" + "%s, lambda s, f: got.append(s))",
          "print('ready', flush=True)",
          "while not os.path.exists(sys.argv[1]):",
          "    time.sleep(0.05)",
          // A signal sent before the file was made is delivered by the time the call that saw the
          // file
          // returns; this runs its Python handler now (CPython runs pending handlers here).
          "signal.pthread_sigmask(signal.SIG_BLOCK, [])",
          "print('signals', len(got), flush=True)",
          "");

  @ParameterizedTest
  @CsvSource({"strace, INT", "strace, TERM", "bpf, INT", "bpf, TERM"})
  void learn_signalToTheWholeProcessGroup_reachesTheWorkloadOnce(String backend, String signal)
      throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    if (backend.equals("bpf")) {
      java.util.Optional<String> why = dev.tailor.tracer.bpf.BpfBackend.unavailable();
      assumeTrue(why.isEmpty(), () -> "bpf backend: " + why.orElse(""));
    }
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    assumeTrue(TailorProcess.onPath("setsid"), "setsid is not installed");
    Path script = tmp.resolve("count.py");
    Files.writeString(script, String.format(COUNTER, signal));
    Path stdout = tmp.resolve("stdout");
    Path stderr = tmp.resolve("stderr");
    Path done = tmp.resolve("done");
    // setsid: tailor leads a process group of its own, as a CI runner's job does.
    List<String> cmd = new ArrayList<>(List.of("setsid"));
    cmd.addAll(
        TailorProcess.tailorCommand(
            "learn",
            "--no-status",
            "--backend",
            backend,
            "--out",
            tmp.resolve("out").toString(),
            "--",
            "python3",
            script.toString(),
            done.toString()));
    Process tailor =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      TailorProcess.awaitLine(stdout, "ready", tailor);
      new ProcessBuilder("kill", "-" + signal, "--", "-" + tailor.pid()).start().waitFor();
      // tailor tells what it did with the signal once it did it: passed it on, or left it.
      String told = TailorProcess.awaitLine(stderr, "tailor: SIG" + signal + " ", tailor);
      Files.writeString(done, told);
      assertTrue(tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not end");
      assertEquals("ready\nsignals 1\n", Files.readString(stdout), Files.readString(stderr));
      assertEquals(0, tailor.exitValue(), Files.readString(stderr));
    } finally {
      tailor.destroyForcibly();
    }
  }

  /**
   * Without a terminal the workload gets a session of its own in both backends, so a signal to
   * tailor's process group reaches it only as tailor passes it on: never twice, and never a guess
   * from how soon a trace shows it.
   */
  @ParameterizedTest
  @CsvSource({"strace", "bpf"})
  void learn_withoutATerminal_theWorkloadHasASessionOfItsOwn(String backend) throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    if (backend.equals("bpf")) {
      java.util.Optional<String> why = dev.tailor.tracer.bpf.BpfBackend.unavailable();
      assumeTrue(why.isEmpty(), () -> "bpf backend: " + why.orElse(""));
    }
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--backend",
            backend,
            "--out",
            tmp.resolve("out").toString(),
            "--",
            "python3",
            "-c",
            "import os; print('session', os.getsid(0))");
    assertEquals(0, r.exit(), r.err());
    String own = Files.readString(Path.of("/proc/self/stat"));
    String ownSession = own.substring(own.lastIndexOf(')') + 2).split(" ")[3];
    assertTrue(r.out().startsWith("session "), r.out());
    assertTrue(
        !r.out().strip().equals("session " + ownSession),
        "the workload is in the test's (and so tailor's) session: " + r.out());
  }
}
