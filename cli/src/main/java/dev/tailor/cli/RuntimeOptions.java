package dev.tailor.cli;

import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.tracer.RuntimeBase;
import dev.tailor.tracer.Threads;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --runtime}: which container runtimes' own post-filter calls a profile also allows. */
final class RuntimeOptions {
  /**
   * What profiles start under when --runtime is not given: Docker, containerd and CRI-O run runc or
   * crun.
   */
  static final List<String> DEFAULT = List.of("runc", "crun");

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      split = ",",
      description =
          "Container runtimes the seccomp profile must start under: runc, crun (both by default), "
              + "or none (tailor enforce, systemd). Their init's calls after the filter load, measured per version, are added.")
  List<String> runtimes;

  /** Whether --runtime was given. */
  boolean given() {
    return runtimes != null;
  }

  /**
   * The thread choosing, started by {@link #startChoosing} (null before, and when there is nothing
   * to choose), and what it chose or threw. Not a CompletableFuture: on a machine of two CPUs
   * supplyAsync runs each task on a new unnamed thread, and one that ran out of memory while
   * completing its future died with the JVM's "Exception in thread" on stderr and left the future
   * incomplete for good. Setting a field allocates nothing, and a dead thread's join returns.
   */
  private Thread choosing;

  private volatile List<RuntimeBases.Choice> chosen;
  private volatile Throwable failed;

  /**
   * Checks the names asked for and starts choosing their bases in the background: the choice runs
   * each runtime's {@code --version}, which then overlaps the trace instead of following it. A bad
   * name is told before anything is traced.
   */
  void startChoosing() throws UsageException {
    if (choosing != null || chosen != null) {
      return;
    }
    List<String> names = runtimes == null ? DEFAULT : runtimes;
    if (names.contains("none")) {
      if (names.size() > 1) {
        throw new UsageException("--runtime none cannot be combined with a runtime");
      }
      chosen = List.of();
      return;
    }
    for (String n : names) {
      if (!ContainerRuntime.KNOWN.contains(n)) {
        throw new UsageException(
            "--runtime " + n + ": use " + String.join(", ", ContainerRuntime.KNOWN) + " or none");
      }
    }
    choosing =
        new Thread(
            () -> {
              try {
                List<RuntimeBases.Choice> out = new ArrayList<>();
                for (String n : names) {
                  out.add(RuntimeBases.choose(n));
                }
                chosen = out;
              } catch (OciException | RuntimeException | Error e) {
                failed = e;
              }
            },
            "tailor-runtime-bases");
    choosing.setDaemon(true);
    choosing.start();
  }

  /** The bases for the runtimes asked for (the default when none were), with notes on stderr. */
  List<RuntimeBase> bases(PrintWriter err) throws UsageException, CommandException {
    startChoosing();
    if (chosen == null && choosing != null) {
      Threads.joinUninterruptibly(choosing);
    }
    Throwable f = failed;
    if (f instanceof OciException o) {
      throw new CommandException(o.getMessage());
    }
    if (f != null || chosen == null) {
      // Handed on as a cause, never rethrown itself (see EventPipe.ConsumerFailure).
      throw new IllegalStateException("choosing the runtime bases failed: " + f, f);
    }
    List<RuntimeBases.Choice> choices = chosen;
    List<RuntimeBase> out = new ArrayList<>();
    for (RuntimeBases.Choice c : choices) {
      Optional<String> note = c.note();
      // A default the user did not ask for needs no note about a runtime they may not have.
      if (note.isPresent() && runtimes != null) {
        err.println("tailor: note: " + note.get());
      }
      out.add(c.base());
    }
    return out;
  }
}
