package dev.tailor.tracer.backend;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.sys.LibC;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes SIGINT, SIGTERM and SIGHUP away from the JVM while a backend traces, so tailor outlives the
 * workload and writes profiles from everything seen, and hands each signal to the backend. SIGINT
 * from a terminal (stdin is a tty) already reached the whole foreground process group, so {@link
 * Handler} is told, and {@link #forward} does not send it twice.
 *
 * <p>Relays nest (the runs of {@code learn --runs} hold signals between runs; each run's backend
 * relays its own). The JVM hands a signal over on a thread of its own, some time after it came: a
 * signal goes to the relay innermost when the JVM hands it over, and is counted there at once, so a
 * run that ends meanwhile either counts it in {@link #cutShort} or leaves it to the relay around
 * it; none is lost. A relay installed inside a holding one ({@link #hold}) gets the signals held so
 * far, as if they came the moment it was installed.
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

  private static final Object LOCK = new Object();

  /** The relays in force, innermost last. */
  private static final List<SignalRelay> ACTIVE = new ArrayList<>();

  /**
   * The signals taken from the JVM while a relay is in force, and the JVM's own handlers for them.
   */
  private static final Map<String, SignalHandler> JVM_HANDLERS = new LinkedHashMap<>();

  private static int arrivals;

  /** Where each signal tailor acted on is told (see {@link #tellTo}); nowhere until one is set. */
  private static volatile Consumer<String> teller = line -> {};

  /** Null for a relay that holds its signals for the next relay installed inside it. */
  private final Handler handler;

  private final List<Integer> held = new ArrayList<>();
  private final boolean interactive = LibC.INSTANCE.isatty(0) == 1;
  private final long installedNanos = System.nanoTime();

  /**
   * Guarded by LOCK: the first signal, its wall-clock time and its time since install; null until
   * one came.
   */
  private String firstSignal;

  private int received;
  private boolean closed;

  private SignalRelay(Handler handler) {
    this.handler = handler;
  }

  /** Starts relaying signals to {@code handler} until {@link #close()}. */
  public static SignalRelay install(Handler handler) {
    return push(new SignalRelay(java.util.Objects.requireNonNull(handler)));
  }

  /**
   * Holds the signals that come while no relay inside this one is in force, until {@link #takeHeld}
   * takes them or a relay installed inside this one gets them.
   */
  public static SignalRelay hold() {
    return push(new SignalRelay(null));
  }

  private static SignalRelay push(SignalRelay relay) {
    synchronized (LOCK) {
      if (ACTIVE.isEmpty()) {
        takeFromJvm();
      }
      if (!ACTIVE.isEmpty()) {
        SignalRelay outer = ACTIVE.get(ACTIVE.size() - 1);
        if (outer.handler == null && relay.handler != null) {
          for (int signal : outer.held) {
            int count = relay.count(signal);
            // On a thread of its own, as the JVM hands signals over: the handler may wait for the
            // workload.
            Thread t =
                new Thread(
                    () -> relay.handler.signalled(signal, false, count), "tailor-held-signal");
            t.setDaemon(true);
            t.start();
          }
          outer.held.clear();
        }
      }
      ACTIVE.add(relay);
    }
    return relay;
  }

  private static void takeFromJvm() {
    for (String name : List.of("INT", "TERM", "HUP")) {
      try {
        // Where the JVM was started with the signal ignored (nohup), it installs no handler and
        // the signal stays ignored, as the user asked.
        JVM_HANDLERS.put(name, Signal.handle(new Signal(name), SignalRelay::dispatch));
      } catch (IllegalArgumentException e) {
        // a signal the JVM keeps for itself; leave it
      }
    }
  }

  private static void dispatch(Signal signal) {
    SignalRelay relay = null;
    int count = 0;
    synchronized (LOCK) {
      arrivals++;
      LOCK.notifyAll();
      if (!ACTIVE.isEmpty()) {
        // Chosen and counted at once: the relay cannot close in between.
        relay = ACTIVE.get(ACTIVE.size() - 1);
        count = relay.count(signal.getNumber());
      }
    }
    if (relay == null) {
      // Handed over after the last relay closed: as the JVM would have done without one.
      SignalHandler jvm = JVM_HANDLERS.get(signal.getName());
      if (jvm != null && jvm != SignalHandler.SIG_DFL && jvm != SignalHandler.SIG_IGN) {
        jvm.handle(signal);
      }
    } else if (count > 0) {
      relay.handler.signalled(
          signal.getNumber(), signal.getNumber() == SIGINT && relay.interactive, count);
    }
  }

  /**
   * Counts a signal that came to this relay: how many came so far, or 0 when this relay holds it.
   */
  private int count(int signal) {
    synchronized (LOCK) {
      if (firstSignal == null) {
        firstSignal =
            String.format(
                Locale.ROOT,
                "%s at %s, %.1f s into the trace",
                Deliveries.name(signal),
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                (System.nanoTime() - installedNanos) / 1e9);
      }
      if (handler == null) {
        held.add(signal);
        return 0;
      }
      return ++received;
    }
  }

  /**
   * Waits, in a {@link Handler}, until {@code ready}: a signal may come before the process it is
   * for is known (tailor starts the workload with the relay already in force).
   */
  public static void awaitUntil(java.util.function.BooleanSupplier ready) {
    while (!ready.getAsBoolean()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The signals a {@link #hold} relay holds (in the order they came), now no longer held; empty
   * when none came since the last take or since a relay inside it took them.
   */
  public List<Integer> takeHeld() {
    synchronized (LOCK) {
      List<Integer> taken = List.copyOf(held);
      held.clear();
      return taken;
    }
  }

  /**
   * How many signals tailor has taken from the JVM so far: a test that signals tailor waits on it
   * for the JVM to hand the signal over, instead of sleeping.
   */
  public static int arrivals() {
    synchronized (LOCK) {
      return arrivals;
    }
  }

  /**
   * Waits until {@link #arrivals()} reaches {@code count}, at most {@code millis}; whether it did.
   */
  public static boolean awaitArrivals(int count, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    synchronized (LOCK) {
      while (arrivals < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LOCK.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /**
   * Tells each signal tailor acts on, and what it did with it, to {@code sink} in one line ({@code
   * tailor: SIGTERM passed on to the workload (pid 42)}), until the returned telling is closed: a
   * user sees what became of the signal, and a test waits for that line rather than for a time.
   */
  public static Telling tellTo(Consumer<String> sink) {
    Consumer<String> before = teller;
    teller = java.util.Objects.requireNonNull(sink);
    return () -> teller = before;
  }

  /** Ends a {@link #tellTo}. */
  public interface Telling extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Tells, once tailor has done it, what it did with {@code signal} ({@code what} follows the
   * signal's name).
   */
  public static void told(int signal, String what) {
    teller.accept("tailor: " + Deliveries.name(signal) + " " + what);
  }

  /**
   * The usual answer of a run: the signal goes on to the workload (unless the terminal sent it
   * there already); a third signal kills it. Tells what it did.
   */
  public static void forward(int workloadPid, int signal, boolean fromTerminal, int count) {
    if (workloadPid <= 0) {
      return;
    }
    if (count >= 3) {
      LibC.INSTANCE.kill(workloadPid, SIGKILL);
      told(
          signal,
          "(signal " + count + "): the workload (pid " + workloadPid + ") is killed with SIGKILL");
    } else if (!fromTerminal) {
      int sent = signal == SIGHUP || signal == SIGINT ? signal : SIGTERM;
      LibC.INSTANCE.kill(workloadPid, sent);
      told(
          signal,
          "passed on to the workload (pid "
              + workloadPid
              + ")"
              + (sent == signal ? "" : " as " + Deliveries.name(sent)));
    } else {
      told(signal, "from the terminal reached the workload directly; not passed on again");
    }
  }

  /**
   * What a recording should say when a signal ended the run early ({@code what}: "the workload was
   * told to stop", "tracing stopped"), or empty when none came.
   */
  public Optional<String> cutShort(String what) {
    synchronized (LOCK) {
      return Optional.ofNullable(firstSignal)
          .map(
              first ->
                  CUT_SHORT
                      + first
                      + " and "
                      + what
                      + "; what would have happened afterwards is not in this recording");
    }
  }

  /** How {@link #cutShort} warnings begin. */
  private static final String CUT_SHORT = "the run was cut short: tailor got ";

  /** Whether a signal to tailor ended one of the recording's runs early (it has that warning). */
  public static boolean cutShort(Recording recording) {
    return recording.warnings().stream().anyMatch(w -> w.startsWith(CUT_SHORT));
  }

  /**
   * Ends this relay: later signals go to the relay around it, or back to the JVM when it was the
   * last. Signals it holds are dropped (the runs they would have stopped are over).
   */
  @Override
  public void close() {
    synchronized (LOCK) {
      if (closed) {
        return;
      }
      closed = true;
      ACTIVE.remove(this);
      if (ACTIVE.isEmpty()) {
        // Kept: a signal the JVM hands over late still goes to the JVM's own handler.
        JVM_HANDLERS.forEach((name, jvm) -> Signal.handle(new Signal(name), jvm));
      }
    }
  }
}
