package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import dev.tailor.tracer.sys.LibC;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With real bpftrace: its tracepoint events are disabled and its program still counts. */
class QuietTracepointsTest {
  @Test
  void in_bpftrace_disablesItsTracepointEventsAndTheProgramStillRuns() throws Exception {
    Optional<String> why = BpfBackend.unavailable();
    assumeTrue(why.isEmpty(), () -> "bpf backend unavailable: " + why.orElse(""));
    long self = ProcessHandle.current().pid();
    Process bpftrace = new ProcessBuilder("bpftrace", "-e",
        "tracepoint:raw_syscalls:sys_enter /pid == " + self + "/ { @n = count(); } BEGIN { printf(\"R\\n\"); }")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(bpftrace.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("R")) {
        // "Attaching 2 probes..."
      }
      assertEquals(1, QuietTracepoints.in(bpftrace.pid()));
      for (int i = 0; i < 100; i++) {
        ProcessHandle.current().info();
        java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"));
      }
      // SIGUSR1: bpftrace prints its maps and goes on
      LibC.INSTANCE.kill((int) bpftrace.pid(), 10);
      while ((line = out.readLine()) != null && !line.startsWith("@n: ")) {
        // blank lines
      }
      assertTrue(line != null && Long.parseLong(line.substring(4).trim()) >= 100, String.valueOf(line));
    } finally {
      bpftrace.destroyForcibly();
      bpftrace.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void in_processWithoutPerfEvents_disablesNothing() {
    assertEquals(0, QuietTracepoints.in(ProcessHandle.current().pid()));
  }
}
