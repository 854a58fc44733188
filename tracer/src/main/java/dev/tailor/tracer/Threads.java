package dev.tailor.tracer;

/** Waiting on tailor's own threads. */
public final class Threads {
  private Threads() {}

  /**
   * Waits until {@code t} has ended, whatever interrupts this thread meanwhile (what {@code t}
   * hands over must not be lost to an interrupt); the interrupt is kept for the caller.
   */
  public static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
