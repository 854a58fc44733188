package dev.tailor.tracer.event;

import dev.tailor.tracer.Threads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands events from the parsing thread to a consumer on a thread of its own, in batches, so parsing
 * and recording run on two cores. Order is kept. {@link #close()} waits until the consumer has seen
 * every event, and throws a {@link ConsumerFailure} when the consumer threw.
 */
public final class EventPipe implements Consumer<TraceEvent>, AutoCloseable {
  private static final int BATCH = 2048;
  private static final TraceEvent[] END = new TraceEvent[0];

  private final BlockingQueue<TraceEvent[]> queue = new ArrayBlockingQueue<>(16);
  private final Thread worker;
  private volatile Throwable failure;
  // Made now, so that close() allocates nothing of its own when the consumer ran out of memory.
  private final ConsumerFailure report = new ConsumerFailure();
  private TraceEvent[] batch = new TraceEvent[BATCH];
  private int size;
  private boolean closed;

  public EventPipe(Consumer<TraceEvent> downstream) {
    worker =
        new Thread(
            () -> {
              // After a failure the worker still takes every batch, so the producer never blocks
              // on a full queue, but hands none on.
              TraceEvent[] b = null;
              while (b != END) {
                try {
                  b = queue.take();
                  for (TraceEvent e : b) {
                    if (e == null || failure != null) {
                      break;
                    }
                    downstream.accept(e);
                  }
                } catch (InterruptedException | RuntimeException | Error e) {
                  if (failure == null) {
                    failure = e;
                  }
                }
              }
            },
            "tailor-recorder");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void accept(TraceEvent event) {
    batch[size++] = event;
    if (size == BATCH) {
      flush();
    }
  }

  /**
   * Hands on the events batched so far. A live trace calls this whenever its input has nothing more
   * ready, so that what is counted (the status line) follows the workload instead of moving only in
   * steps of a whole batch.
   */
  public void flush() {
    if (size == 0) {
      return;
    }
    // The new array first: when making it fails, the full one has not been handed on, and close()
    // hands it on once.
    TraceEvent[] full = batch;
    batch = new TraceEvent[BATCH];
    size = 0;
    put(full);
  }

  private void put(TraceEvent[] b) {
    while (true) {
      try {
        queue.put(b);
        return;
      } catch (InterruptedException e) {
        // the events must reach the recorder; keep trying
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (size > 0) {
      // Not flush(): no new array. The consumer stops at the first empty slot.
      put(batch);
      size = 0;
    }
    put(END);
    Threads.joinUninterruptibly(worker);
    if (failure != null) {
      report.cause = failure;
      throw report;
    }
  }

  /**
   * The consumer failed; {@link #getCause()} is what it threw. That throwable is never rethrown
   * itself: the JVM may throw one OutOfMemoryError instance on both threads, and a
   * try-with-resources whose body threw it cannot take the same instance from close() as a
   * suppressed exception (IllegalArgumentException: Self-suppression not permitted).
   */
  public static final class ConsumerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private transient volatile Throwable cause;

    private ConsumerFailure() {
      super(null, null, true, false);
    }

    @Override
    public Throwable getCause() {
      return cause;
    }

    @Override
    public String getMessage() {
      return "the tailor-recorder thread failed: " + cause;
    }
  }
}
