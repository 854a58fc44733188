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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A signal to tailor while learning reaches the workload, and the profile is still written. */
class InterruptTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void learn_signalledWhileTracing_forwardsAndWritesProfile(String signal) throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    Path out = tmp.resolve("out");
    Path stdout = tmp.resolve("stdout.txt");
    Path stderr = tmp.resolve("stderr.txt");
    Process tailor = new ProcessBuilder(TailorProcess.tailorCommand("learn", "--out", out.toString(), "--name", "srv", "--",
            "python3", TailorProcess.sample("server/server.py").toString(), "0"))
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(stdout).contains("listening on") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.readString(stdout).contains("listening on"), Files.readString(stderr));
    new ProcessBuilder("kill", "-" + signal, Long.toString(tailor.pid())).start().waitFor();
    assertTrue(tailor.waitFor(30, TimeUnit.SECONDS), "tailor did not end after SIG" + signal);
    assertEquals(0, tailor.exitValue(), "the workload's own exit code: " + Files.readString(stderr));
    assertTrue(Files.readString(stdout).contains("served 0 connections"), "the workload got the signal and shut down cleanly");
    Recording r = RecordingJson.read(out.resolve("srv"));
    assertTrue(r.syscalls().containsKey("bind") && r.syscalls().containsKey("exit_group"), r.syscalls().keySet().toString());
    assertTrue(Files.isRegularFile(out.resolve("srv/seccomp.json")));
    assertFalse(Files.readString(stderr).contains("\r"), "no status line when stderr is not a terminal");
    // The recording and the report say the run was cut short, by what and when.
    String cut = r.warnings().stream().filter(w -> w.contains("cut short")).findFirst().orElse("");
    assertTrue(cut.contains("SIG" + signal) && cut.matches(".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*"), r.warnings().toString());
    assertTrue(Files.readString(out.resolve("srv/report.md")).contains(cut), "report.md has it too");
  }
}
