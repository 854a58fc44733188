package dev.tailor.tracer.backend;

import dev.tailor.tracer.call.SyscallModel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The signals the trace shows reaching the workload's first process. A signal sent to tailor's
 * whole process group (a CI runner stopping its job, {@code kill -INT -PGID}) reaches the workload
 * directly too; strace reports that delivery, so tailor knows not to forward a second one.
 */
final class Deliveries {
  /** How long a signal to tailor waits for the trace to show the workload got it too. */
  static final long WAIT_MILLIS = 500;

  // Each delivery the trace shows accounts for one signal: the one tailor forwarded, or one the
  // workload got directly. A forwarded delivery must not later pass for a direct one.
  private final Map<String, Integer> seen = new HashMap<>();
  private final Map<String, Integer> accounted = new HashMap<>();

  /**
   * The trace shows {@code signal} ({@code "SIGINT"}) delivered to the workload's first process.
   */
  synchronized void seen(String signal) {
    seen.merge(signal, 1, Integer::sum);
    notifyAll();
  }

  /**
   * A delivery of {@code signal} is coming that is no direct one (tailor forwards it, or the
   * terminal sent it).
   */
  synchronized void expect(String signal) {
    accounted.merge(signal, 1, Integer::sum);
  }

  /**
   * Whether the workload got {@code signal} itself (a delivery the trace shows that no earlier
   * signal accounts for), waiting up to {@link #WAIT_MILLIS} after {@code arrivedNanos} for the
   * trace to say so. When it did not, the delivery of the copy tailor then forwards is expected.
   */
  synchronized boolean reachedWorkload(String signal, long arrivedNanos) {
    long deadline = arrivedNanos + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    boolean reached = false;
    try {
      while (!(reached = seen.getOrDefault(signal, 0) > accounted.getOrDefault(signal, 0))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Either way this signal is now accounted for, by the delivery seen or by tailor's copy.
    accounted.merge(signal, 1, Integer::sum);
    return reached;
  }

  /** The name strace gives signal number {@code signal} ({@code SIGINT}). */
  static String name(int signal) {
    return SyscallModel.SIGNALS.name(signal).orElse("SIG" + signal);
  }
}
