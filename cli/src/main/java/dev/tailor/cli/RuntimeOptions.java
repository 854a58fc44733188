package dev.tailor.cli;

import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.tracer.RuntimeBase;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

  /** The choice, started by {@link #startChoosing} (null before). */
  private CompletableFuture<List<RuntimeBases.Choice>> choosing;

  /**
   * Checks the names asked for and starts choosing their bases in the background: the choice runs
   * each runtime's {@code --version}, which then overlaps the trace instead of following it. A bad
   * name is told before anything is traced.
   */
  void startChoosing() throws UsageException {
    if (choosing != null) {
      return;
    }
    List<String> names = runtimes == null ? DEFAULT : runtimes;
    if (names.contains("none")) {
      if (names.size() > 1) {
        throw new UsageException("--runtime none cannot be combined with a runtime");
      }
      choosing = CompletableFuture.completedFuture(List.of());
      return;
    }
    for (String n : names) {
      if (!ContainerRuntime.KNOWN.contains(n)) {
        throw new UsageException(
            "--runtime " + n + ": use " + String.join(", ", ContainerRuntime.KNOWN) + " or none");
      }
    }
    choosing = CompletableFuture.supplyAsync(() -> choose(names));
  }

  private static List<RuntimeBases.Choice> choose(List<String> names) {
    List<RuntimeBases.Choice> out = new ArrayList<>();
    for (String n : names) {
      try {
        out.add(RuntimeBases.choose(n));
      } catch (OciException e) {
        throw new CompletionException(e);
      }
    }
    return out;
  }

  /** The bases for the runtimes asked for (the default when none were), with notes on stderr. */
  List<RuntimeBase> bases(PrintWriter err) throws UsageException, CommandException {
    startChoosing();
    List<RuntimeBases.Choice> choices;
    try {
      choices = choosing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof OciException o) {
        throw new CommandException(o.getMessage());
      }
      throw e;
    }
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
