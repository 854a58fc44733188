package dev.tailor.cli;

import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.tracer.RuntimeBase;
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

  /** The bases for the runtimes asked for (the default when none were), with notes on stderr. */
  List<RuntimeBase> bases(PrintWriter err) throws UsageException, CommandException {
    List<String> names = runtimes == null ? DEFAULT : runtimes;
    if (names.contains("none")) {
      if (names.size() > 1) {
        throw new UsageException("--runtime none cannot be combined with a runtime");
      }
      return List.of();
    }
    List<RuntimeBase> out = new ArrayList<>();
    for (String n : names) {
      if (!ContainerRuntime.KNOWN.contains(n)) {
        throw new UsageException(
            "--runtime " + n + ": use " + String.join(", ", ContainerRuntime.KNOWN) + " or none");
      }
      RuntimeBases.Choice c;
      try {
        c = RuntimeBases.choose(n);
      } catch (OciException e) {
        throw new CommandException(e.getMessage());
      }
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
