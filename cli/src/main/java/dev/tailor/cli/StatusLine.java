package dev.tailor.cli;

import dev.tailor.tracer.record.Progress;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.sys.LibC;
import java.io.PrintWriter;

/**
 * A live one-line status on stderr while tracing: elapsed time, syscalls, distinct syscalls, files
 * and processes. Only when stderr is a terminal, so logs never get it.
 */
final class StatusLine implements AutoCloseable {
  private final Thread thread;
  private final PrintWriter err;
  private volatile boolean running = true;

  private StatusLine(Progress progress, PrintWriter err) {
    this.err = err;
    long start = System.nanoTime();
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
                if (!running) {
                  return;
                }
                long s = (System.nanoTime() - start) / 1_000_000_000L;
                err.printf(
                    "\r\033[Ktailor: %d:%02d  syscalls %,d (%d distinct)  files %,d  processes %,d",
                    s / 60,
                    s % 60,
                    progress.calls(),
                    progress.distinctSyscalls(),
                    progress.files(),
                    progress.processes());
                err.flush();
              }
            },
            "tailor-status");
    thread.setDaemon(true);
  }

  /** Starts a status line when stderr is a terminal; otherwise one that does nothing. */
  static StatusLine start(Recorder recorder, PrintWriter err, boolean enabled) {
    StatusLine s = new StatusLine(recorder.progress(), err);
    if (enabled && isTerminal()) {
      s.thread.start();
    } else {
      s.running = false;
    }
    return s;
  }

  /**
   * Writes one line of its own on stderr: on a terminal the status line, if any, is cleared first,
   * so the two never run together (the status comes back at its next tick).
   */
  static void println(PrintWriter err, String line, boolean enabled) {
    err.println((enabled && isTerminal() ? "\r\033[K" : "") + line);
    err.flush();
  }

  private static boolean isTerminal() {
    try {
      return LibC.INSTANCE.isatty(2) == 1;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      running = false;
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      err.print("\r\033[K");
      err.flush();
    }
  }
}
