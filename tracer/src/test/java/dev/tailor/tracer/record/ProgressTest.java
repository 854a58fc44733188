package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.strace.TraceParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The status line's figures agree with the recording they report on, replayed calls included. */
class ProgressTest {
  @Test
  void progress_afterATraceWithRepeats_matchesTheRecording() throws IOException {
    for (String fixture : new String[] {"python-threads.strace", "shell-relative.strace"}) {
      Recorder r =
          new Recorder(
              "run",
              fixture,
              PathResolver.LEXICAL,
              UnaryOperator.identity(),
              Optional.of("/tmp/fx"));
      long[] repeats = new long[1];
      try (InputStream in = ProgressTest.class.getResourceAsStream("/strace/" + fixture)) {
        new TraceParser(
                event -> {
                  if (event instanceof RepeatedCall) {
                    repeats[0]++;
                  }
                  r.accept(event);
                },
                0,
                Recorder::detail)
            .skippingRepeats()
            .parse(in);
      }
      Recording rec = r.toRecording("t", "x86_64");
      Progress p = r.progress();
      assertTrue(repeats[0] > 0, fixture + ": no line was replayed");
      assertEquals(
          rec.syscalls().values().stream().mapToLong(SyscallUse::count).sum(), p.calls(), fixture);
      assertEquals(rec.syscalls().size(), p.distinctSyscalls(), fixture);
      assertEquals(rec.files().size() + rec.inherited().size(), p.files(), fixture);
      assertEquals(rec.processes(), p.processes(), fixture);
    }
  }

  @Test
  void progress_countsCountedElsewhere_addToTheCalls() {
    Recorder r =
        new Recorder(
            "run", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    r.countCallsElsewhere();
    r.addSyscallCount("read", 5);
    r.addSyscallCount("read", 2);
    r.addSyscallCount("write", 1);
    r.recordProcess(7);
    r.recordProcess(7);
    assertEquals(8, r.progress().calls());
    assertEquals(2, r.progress().distinctSyscalls());
    assertEquals(1, r.progress().processes());
  }
}
