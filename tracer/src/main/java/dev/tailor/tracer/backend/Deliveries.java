package dev.tailor.tracer.backend;

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

  private final Map<String, Long> lastSeen = new HashMap<>();

  /** The trace shows {@code signal} ({@code "SIGINT"}) delivered to the workload's first process. */
  synchronized void seen(String signal) {
    lastSeen.put(signal, System.nanoTime());
    notifyAll();
  }

  /**
   * Whether the workload got {@code signal} itself around {@code arrivedNanos} (when tailor got
   * it), waiting up to {@link #WAIT_MILLIS} for the trace to say so.
   */
  synchronized boolean reachedWorkload(String signal, long arrivedNanos) {
    // The workload may have been told before tailor's handler ran.
    long since = arrivedNanos - TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    long deadline = arrivedNanos + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (true) {
      Long t = lastSeen.get(signal);
      if (t != null && t - since >= 0) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  static String name(int signal) {
    return switch (signal) {
      case SignalRelay.SIGHUP -> "SIGHUP";
      case SignalRelay.SIGINT -> "SIGINT";
      case SignalRelay.SIGTERM -> "SIGTERM";
      default -> "SIG" + signal;
    };
  }
}
