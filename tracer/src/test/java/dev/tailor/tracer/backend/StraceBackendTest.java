package dev.tailor.tracer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StraceBackend with the real strace: what it runs, what it records, how it fails. */
class StraceBackendTest {
  @TempDir Path tmp;
  private StraceBackend strace;
  private final Recorder recorder =
      new Recorder(
          "t",
          "strace",
          new HostPathResolver(false),
          UnaryOperator.identity(),
          Optional.of(Path.of("").toAbsolutePath().toString()));

  @BeforeEach
  void locate() throws Exception {
    assumeTrue(Commands.onPath("strace").isPresent(), "strace is not installed");
    strace = StraceBackend.locate();
  }

  @Test
  void traceOptions_followEveryChild_resolveFds_keepExitLines() {
    List<String> o = StraceBackend.traceOptions();
    assertTrue(o.contains("-f") && o.contains("-yy") && o.contains("-q"), o.toString());
    assertTrue(!o.contains("-qq"), "-qq would drop '+++ exited with N +++'");
    assertEquals("strace", strace.name());
  }

  @Test
  void run_recordsTheWorkload_andReturnsItsExitCode() throws Exception {
    Path out = tmp.resolve("out.txt");
    int code =
        strace.run(List.of("sh", "-c", "echo hi > " + out + "; (exit 0) ; exit 5"), recorder);
    assertEquals(5, code);
    assertEquals("hi\n", Files.readString(out));
    Recording r = recorder.toRecording("t", "x86_64");
    assertTrue(
        r.syscalls().containsKey("execve") && r.syscalls().containsKey("exit_group"),
        r.syscalls().keySet().toString());
    assertTrue(r.files().containsKey(out.toString()), r.files().keySet().toString());
    assertTrue(r.processes() >= 2, "the subshell is followed: " + r.processes());
  }

  @Test
  void run_killedBySignal_is128PlusN() throws Exception {
    assertEquals(128 + 15, strace.run(List.of("sh", "-c", "kill -TERM $$"), recorder));
  }

  @Test
  void run_failures_sayWhatKindTheyAre() throws Exception {
    assertEquals(
        TraceException.Kind.NOT_FOUND,
        assertThrows(TraceException.class, () -> strace.run(List.of(), recorder)).kind());
    TraceException missing =
        assertThrows(
            TraceException.class, () -> strace.run(List.of("no-such-command-xyz"), recorder));
    assertEquals(TraceException.Kind.NOT_FOUND, missing.kind());
    Path text = Files.writeString(tmp.resolve("data.txt"), "not a program\n");
    assertTrue(text.toFile().setExecutable(true));
    TraceException cannot =
        assertThrows(TraceException.class, () -> strace.run(List.of(text.toString()), recorder));
    assertEquals(TraceException.Kind.CANNOT_RUN, cannot.kind());
    assertTrue(cannot.getMessage().startsWith(text + ": cannot run: "), cannot.getMessage());
  }

  @Test
  void attach_noSuchProcess_failsBeforeTracing() {
    TraceException e =
        assertThrows(
            TraceException.class,
            () -> strace.attach(List.of(999_999_999), Optional.empty(), recorder));
    assertEquals(TraceException.Kind.FAILED, e.kind());
    assertEquals("no such process: 999999999", e.getMessage());
  }

  @Test
  void attach_forADuration_detachesAndRecordsTheTarget() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try {
      // Long enough for strace to seize the target on a loaded machine: detaching before it has is
      // a refused attach.
      strace.attach(List.of((int) sleeper.pid()), Optional.of(Duration.ofSeconds(3)), recorder);
      assertTrue(sleeper.isAlive(), "the target keeps running");
      Recording r = recorder.toRecording("t", "x86_64");
      assertEquals(List.of((int) sleeper.pid()), r.targets().stream().map(t -> t.pid()).toList());
      assertTrue(r.targets().get(0).exe().endsWith("/sleep"), r.targets().toString());
    } finally {
      sleeper.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void run_workloadStillRunning_itsCallsAreCountedAlready() throws Exception {
    // Issue #18 item 17: the live status line showed "syscalls 0" until 2,048 calls were batched.
    Path fifo = tmp.resolve("go");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    java.util.concurrent.CompletableFuture<Integer> run =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return strace.run(List.of("sh", "-c", "read line < " + fifo), recorder);
              } catch (TraceException e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (recorder.progress().calls() == 0) {
        assertTrue(
            System.nanoTime() < deadline, "no call counted in 60 s while the workload waits");
        assertTrue(!run.isDone(), "the workload ended before its read");
        Thread.sleep(20);
      }
      assertTrue(recorder.progress().calls() < 2048, recorder.progress().calls() + " calls");
    } finally {
      Files.writeString(fifo, "go\n");
    }
    assertEquals(0, run.get(60, TimeUnit.SECONDS));
  }
}
