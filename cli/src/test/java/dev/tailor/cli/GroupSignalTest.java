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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** A signal to tailor's whole process group (CI runners, kill -INT -PGID) reaches the workload once (issue 12 item 11). */
class GroupSignalTest {
  @TempDir Path tmp;

  private static final String COUNTER = String.join("\n",
      "import signal, sys, time",
      "got = []",
      "signal.signal(signal.SIG" + "%s, lambda s, f: got.append(s))",
      "print('ready', flush=True)",
      "while not got:",
      "    time.sleep(0.05)",
      "time.sleep(2)",
      "print('signals', len(got), flush=True)",
      "");

  @ParameterizedTest
  @CsvSource({"strace, INT", "strace, TERM", "bpf, INT", "bpf, TERM"})
  void learn_signalToTheWholeProcessGroup_reachesTheWorkloadOnce(String backend, String signal) throws Exception {
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
    // setsid: tailor leads a process group of its own, as a CI runner's job does.
    List<String> cmd = new ArrayList<>(List.of("setsid"));
    cmd.addAll(TailorProcess.tailorCommand("learn", "--no-status", "--backend", backend, "--out", tmp.resolve("out").toString(), "--",
        "python3", script.toString()));
    Process tailor = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try {
      TailorProcess.awaitLine(stdout, "ready", tailor);
      new ProcessBuilder("kill", "-" + signal, "--", "-" + tailor.pid()).start().waitFor();
      assertTrue(tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not end");
      assertEquals("ready\nsignals 1\n", Files.readString(stdout), Files.readString(stderr));
      assertEquals(0, tailor.exitValue(), Files.readString(stderr));
    } finally {
      tailor.destroyForcibly();
    }
  }
}
