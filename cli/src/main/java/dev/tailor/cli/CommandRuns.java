package dev.tailor.cli;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.Recorder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runs of {@code learn --runs N -- CMD}: the command traced N times, each run a recording of
 * its own, merged as {@code merge} merges (each run keeps a label: NAME, NAME#2, ...). A signal to
 * tailor during run k cuts that run short exactly as it cuts a single learn short, and no later run
 * starts; a signal between two runs starts no more either. What the runs saw is kept.
 */
final class CommandRuns {
  /**
   * @param recording the runs merged
   * @param exit the workload's exit code: that of the run a signal cut short, else the first that
   *     was not 0, else 0; 128+N when signal N came between two runs
   */
  record Outcome(Recording recording, int exit) {}

  private CommandRuns() {}

  static Outcome run(
      Backend tracer,
      List<String> command,
      int count,
      String name,
      Supplier<Recorder> recorders,
      PrintWriter err,
      boolean status)
      throws TraceException {
    List<Recording> runs = new ArrayList<>();
    int exit = 0;
    String stopped = "";
    // Signals that come while no run is traced are held here: the check after each run takes
    // them, and one that comes after that check goes to the next run's backend, which passes it
    // on to that run's workload as soon as it runs. The JVM hands a signal over some time after
    // it came, so this is what keeps a late one from being lost between two runs.
    try (SignalRelay idle = SignalRelay.hold()) {
      for (int k = 1; k <= count; k++) {
        Recorder recorder = recorders.get();
        int code;
        try (StatusLine line = StatusLine.start(recorder, err, status)) {
          code = tracer.run(command, recorder);
        }
        Recording r = recorder.toRecording(name, Arch.current());
        runs.add(r);
        if (count > 1) {
          err.printf("tailor: run %d of %d ended with exit code %d%n", k, count, code);
          err.flush();
        }
        if (SignalRelay.cutShort(r)) {
          exit = code;
          stopped = k < count ? "a signal cut run " + k + " short" : "";
          break;
        }
        exit = exit == 0 ? code : exit;
        List<Integer> between = idle.takeHeld();
        if (!between.isEmpty() && k < count) {
          exit = 128 + between.get(0);
          stopped = "tailor got signal " + between.get(0) + " after run " + k;
          break;
        }
      }
    }
    Recording merged = count == 1 ? runs.get(0) : Recording.merge(name, RunLabels.distinct(runs));
    if (!stopped.isEmpty()) {
      merged =
          merged.withWarnings(
              List.of(
                  "learned "
                      + runs.size()
                      + " of "
                      + count
                      + " runs: "
                      + stopped
                      + ", so no more were started; names that differ between runs are compared over the runs learned"));
    }
    return new Outcome(merged, exit);
  }
}
