package dev.tailor.tracer.event;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands events from the parsing thread to a consumer on a thread of its own, in batches, so parsing
 * and recording run on two cores. Order is kept. {@link #close()} waits until the consumer has seen
 * every event, and rethrows what it threw.
 */
public final class EventPipe implements Consumer<TraceEvent>, AutoCloseable {
  private static final int BATCH = 2048;
  private static final TraceEvent[] END = new TraceEvent[0];

  private final BlockingQueue<TraceEvent[]> queue = new ArrayBlockingQueue<>(16);
  private final Thread worker;
  private volatile Throwable failure;
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
    put(batch);
    batch = new TraceEvent[BATCH];
    size = 0;
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
    flush();
    put(END);
    boolean interrupted = false;
    while (worker.isAlive()) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure instanceof InterruptedException) {
      throw new IllegalStateException("the recorder thread was interrupted", failure);
    }
  }
}
