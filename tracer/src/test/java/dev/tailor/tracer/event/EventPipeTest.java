package dev.tailor.tracer.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventPipeTest {
  @Test
  void everyEvent_reachesTheConsumer_inOrder_whenClosedMidBatch() {
    List<TraceEvent> seen = new ArrayList<>();
    List<TraceEvent> sent = new ArrayList<>();
    try (EventPipe pipe = new EventPipe(seen::add)) {
      for (int i = 0; i < 5_000; i++) {
        TraceEvent e = new SignalEvent(i, "SIGUSR1");
        sent.add(e);
        pipe.accept(e);
        if (i == 100) {
          pipe.flush();
        }
      }
    }
    assertEquals(sent, seen);
  }

  @Test
  void aConsumerFailure_isThrownByClose_withWhatTheConsumerThrewAsItsCause() {
    IllegalStateException thrown = new IllegalStateException("no room");
    EventPipe pipe =
        new EventPipe(
            e -> {
              throw thrown;
            });
    pipe.accept(new SignalEvent(1, "SIGTERM"));
    EventPipe.ConsumerFailure f = assertThrows(EventPipe.ConsumerFailure.class, pipe::close);
    assertSame(thrown, f.getCause());
    assertTrue(f.getMessage().contains("no room"), f.getMessage());
  }

  /**
   * The JVM may throw one OutOfMemoryError instance on the parsing thread and on the consumer's.
   * close() rethrowing that same instance made try-with-resources fail with "Self-suppression not
   * permitted", and tailor printed an internal error instead of its out-of-memory line.
   */
  @Test
  void theSameErrorOnBothThreads_leavesTheProducersErrorOnTop() {
    OutOfMemoryError shared = new OutOfMemoryError("Java heap space");
    Throwable caught = null;
    try (EventPipe pipe =
        new EventPipe(
            e -> {
              throw shared;
            })) {
      pipe.accept(new SignalEvent(1, "SIGTERM"));
      pipe.flush();
      throw shared;
    } catch (Throwable t) {
      caught = t;
    }
    assertSame(shared, caught);
    Throwable[] suppressed = caught.getSuppressed();
    assertEquals(1, suppressed.length);
    assertTrue(suppressed[0] instanceof EventPipe.ConsumerFailure, suppressed[0].toString());
    assertSame(shared, suppressed[0].getCause());
    assertArrayEquals(new Throwable[] {suppressed[0]}, shared.getSuppressed());
  }
}
