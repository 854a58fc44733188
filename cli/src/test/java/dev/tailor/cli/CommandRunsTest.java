package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.sys.LibC;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** CommandRuns' exit codes and stops, with a backend that only pretends to run the command. */
class CommandRunsTest {
  /**
   * A backend whose run k records one call of "run_k" and exits with {@code codes(k)}; run {@code
   * signalAfterRun} sends tailor SIGTERM.
   */
  private static final class FakeBackend implements Backend {
    final AtomicInteger started = new AtomicInteger();
    final IntUnaryOperator codes;
    final int signalAfterRun;

    FakeBackend(IntUnaryOperator codes, int signalAfterRun) {
      this.codes = codes;
      this.signalAfterRun = signalAfterRun;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public int run(List<String> command, Recorder recorder) {
      int k = started.incrementAndGet();
      recorder.addSyscallCount("run_" + k, 1);
      if (k == signalAfterRun) {
        // No run is traced while this returns: the signal lands between runs.
        int before = SignalRelay.arrivals();
        LibC.INSTANCE.kill((int) ProcessHandle.current().pid(), 15);
        awaitArrival(before + 1);
      }
      return codes.applyAsInt(k);
    }

    @Override
    public void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder) {
      throw new UnsupportedOperationException();
    }

    /** The JVM hands signals over on a thread of its own: waits until it has. */
    private static void awaitArrival(int count) {
      try {
        assertTrue(
            SignalRelay.awaitArrivals(count, 60_000), "the JVM never handed the signal over");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static CommandRuns.Outcome run(Backend b, int count) throws Exception {
    return CommandRuns.run(
        b,
        List.of("cmd"),
        count,
        "app",
        () ->
            new Recorder(
                "app", "fake", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/")),
        new PrintWriter(new StringWriter(), true),
        false);
  }

  @Test
  void everyRunRuns_labelledLikeMerge_andTheExitIsTheFirstThatFailed() throws Exception {
    FakeBackend b = new FakeBackend(k -> k == 1 ? 0 : k * 2, 0);
    CommandRuns.Outcome o = run(b, 3);
    assertEquals(3, b.started.get());
    assertEquals(4, o.exit(), "run 2's code, the first that was not 0");
    assertEquals(List.of("app", "app#2", "app#3"), List.copyOf(o.recording().runs()));
    assertEquals(
        List.of("run_1", "run_2", "run_3"), List.copyOf(o.recording().syscalls().keySet()));
  }

  @Test
  void oneRun_isTheRecordingOfThatRun() throws Exception {
    CommandRuns.Outcome o = run(new FakeBackend(k -> 7, 0), 1);
    assertEquals(7, o.exit());
    assertEquals(List.of("app"), List.copyOf(o.recording().runs()));
    assertEquals(List.of(), o.recording().warnings());
  }

  @Test
  void aSignalBetweenRuns_startsNoMore_keepsWhatWasSeen_andExitsAsThatSignalWould()
      throws Exception {
    FakeBackend b = new FakeBackend(k -> 0, 1);
    CommandRuns.Outcome o = run(b, 3);
    assertEquals(1, b.started.get(), "no run after the signal");
    assertEquals(128 + 15, o.exit());
    assertEquals(List.of("run_1"), List.copyOf(o.recording().syscalls().keySet()));
    assertTrue(
        o.recording().warnings().stream()
            .anyMatch(w -> w.startsWith("learned 1 of 3 runs: tailor got signal 15 after run 1")),
        o.recording().warnings().toString());
  }

  /**
   * A backend that relays signals as the real ones do, while its pretended workload runs. Run 1's
   * workload ends the moment tailor is signalled (Ctrl-C on a terminal reaches both at once), so
   * run 1's relay closes before the JVM hands the signal over; a later run's workload ends when its
   * relay is told.
   */
  private static final class RelayingBackend implements Backend {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public String name() {
      return "relaying";
    }

    @Override
    public int run(List<String> command, Recorder recorder) {
      int k = started.incrementAndGet();
      java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
      SignalRelay relay = SignalRelay.install((signal, fromTerminal, n) -> told.countDown());
      try {
        if (k == 1) {
          LibC.INSTANCE.kill((int) ProcessHandle.current().pid(), 15);
        } else {
          assertTrue(
              told.await(120, java.util.concurrent.TimeUnit.SECONDS),
              "run " + k + " was never told: the signal was lost");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        relay.close();
      }
      relay.cutShort("passed the signal on").ifPresent(recorder::warn);
      return k == 1 ? 128 + 15 : 3;
    }

    @Override
    public void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder) {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * Issue 18 item 7: whichever relay the JVM hands the signal to (run 1's, the one between runs,
   * run 2's), it is not lost: at most run 2 starts, and the merge says how many runs were learned.
   */
  @Test
  void aSignalHandedOverAfterItsRunEnded_isNotLost_andNoThirdRunStarts() throws Exception {
    for (int i = 0; i < 20; i++) {
      RelayingBackend b = new RelayingBackend();
      CommandRuns.Outcome o = run(b, 3);
      int runs = b.started.get();
      assertTrue(runs <= 2, "runs started: " + runs);
      assertTrue(
          o.recording().warnings().stream()
              .anyMatch(w -> w.startsWith("learned " + runs + " of 3 runs: ")),
          o.recording().warnings().toString());
    }
  }
}
