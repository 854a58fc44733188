package dev.tailor.tracer.backend;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.sys.LibC;
import java.util.ArrayList;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes SIGINT, SIGTERM and SIGHUP away from the JVM while a backend traces, so tailor outlives
 * the workload and writes profiles from everything seen, and hands each signal to the backend.
 * SIGINT from a terminal (stdin is a tty) already reached the whole foreground process group, so
 * {@link Handler} is told, and {@link #forward} does not send it twice.
 */
public final class SignalRelay implements AutoCloseable {
  static final int SIGHUP = 1;
  static final int SIGINT = 2;
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;

  /** What a backend does with a signal. */
  public interface Handler {
    /**
     * @param count how many signals have arrived so far, this one included
     */
    void signalled(int signal, boolean fromTerminal, int count);
  }

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private final long installedNanos = System.nanoTime();
  /** The first signal, its wall-clock time and its time since install; null until one came. */
  private final AtomicReference<String> firstSignal = new AtomicReference<>();

  private SignalRelay(Handler handler) {
    boolean interactive = LibC.INSTANCE.isatty(0) == 1;
    AtomicInteger received = new AtomicInteger();
    for (String name : List.of("INT", "TERM", "HUP")) {
      Signal s = new Signal(name);
      boolean fromTerminal = name.equals("INT") && interactive;
      try {
        previous.add(Signal.handle(s, sig -> {
          firstSignal.compareAndSet(null, "SIG" + name + " at "
              + Instant.now().truncatedTo(ChronoUnit.SECONDS) + String.format(Locale.ROOT, ", %.1f s into the trace",
                  (System.nanoTime() - installedNanos) / 1e9));
          handler.signalled(sig.getNumber(), fromTerminal, received.incrementAndGet());
        }));
        signals.add(s);
      } catch (IllegalArgumentException e) {
        // a signal the JVM keeps for itself; leave it
      }
    }
  }

  /** Starts relaying signals to {@code handler} until {@link #close()}. */
  public static SignalRelay install(Handler handler) {
    return new SignalRelay(handler);
  }

  /**
   * The usual answer of a run: the signal goes on to the workload (unless the terminal sent it
   * there already); a third signal kills it.
   */
  public static void forward(int workloadPid, int signal, boolean fromTerminal, int count) {
    if (workloadPid <= 0) {
      return;
    }
    if (count >= 3) {
      LibC.INSTANCE.kill(workloadPid, SIGKILL);
    } else if (!fromTerminal) {
      LibC.INSTANCE.kill(workloadPid, signal == SIGHUP || signal == SIGINT ? signal : SIGTERM);
    }
  }

  /**
   * What a recording should say when a signal ended the run early ({@code what}: "the workload
   * was told to stop", "tracing stopped"), or empty when none came.
   */
  public Optional<String> cutShort(String what) {
    String first = firstSignal.get();
    return first == null ? Optional.empty() : Optional.of(CUT_SHORT + first + " and "
        + what + "; what would have happened afterwards is not in this recording");
  }

  /** How {@link #cutShort} warnings begin. */
  private static final String CUT_SHORT = "the run was cut short: tailor got ";

  /** Whether a signal to tailor ended one of the recording's runs early (it has that warning). */
  public static boolean cutShort(Recording recording) {
    return recording.warnings().stream().anyMatch(w -> w.startsWith(CUT_SHORT));
  }

  /** Gives the signals back to the JVM. */
  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
    signals.clear();
    previous.clear();
  }
}
