package dev.tailor.deploy.hook;

import dev.tailor.deploy.oci.ContainerPathResolver;
import dev.tailor.deploy.oci.ContainerView;
import dev.tailor.deploy.oci.OciConfig;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.ContainerInfo;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RuntimeBase;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.runtime.RuntimeInitGate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The background half of learning a container: traces its init from before the filter load until
 * its whole process tree has exited, and turns that into the container's recording: the workload's
 * calls from the exec on, in the container's view of its files; the runtime's own calls after the
 * filter, as measured in this very start, as its runtime base.
 */
public final class ContainerLearning {
  /** How the source of a base traced in the container's own start begins. */
  public static final String TRACED = "traced in this container's start";

  /** Which container, and where it came from. */
  public record Request(String name, int pid, Path bundle, String id, String runtime) {}

  private ContainerLearning() {}

  /** Traces the container and returns its recording (not yet written). */
  public static Recording learn(Request request, UnaryOperator<String> syscallNames)
      throws TraceException, OciException {
    OciConfig config = OciConfig.read(request.bundle());
    Recorder recorder =
        new Recorder(
            request.id().substring(0, Math.min(12, request.id().length())),
            "strace",
            new ContainerPathResolver(config),
            syscallNames,
            Optional.of(config.cwd()));
    // The runtime chdir'ed into process.cwd before the exec, where the gate does not pass calls on.
    recorder.setCwd(request.pid(), config.cwd());
    // The runtime gives its init the process's ids before the exec, from which on calls are
    // recorded.
    if (config.processIds() != dev.tailor.tracer.record.TaskIds.NONE_KNOWN) {
      recorder.attachedWith(request.pid(), config.processIds());
    }
    RuntimeInitGate gate = RuntimeInitGate.attachedTo(request.pid(), recorder);
    StraceBackend.locate().attachInit(request.pid(), recorder, gate);
    Recording recording = recorder.toRecording(request.name(), Arch.current());

    List<RuntimeBase> bases = new ArrayList<>();
    String runtimeName =
        request.runtime().contains(" ")
            ? request.runtime().substring(0, request.runtime().indexOf(' '))
            : request.runtime();
    String version =
        request.runtime().contains(" ")
            ? request.runtime().substring(request.runtime().indexOf(' ') + 1)
            : "";
    List<String> warnings = new ArrayList<>();
    if (gate.stage() != RuntimeInitGate.Stage.WORKLOAD) {
      // A start that failed says nothing about the workload, and must not replace a profile learned
      // before.
      throw new TraceException(
          TraceException.Kind.FAILED,
          "the container's process was never exec'd (the container "
              + "did not start, or was stopped first): no profile written");
    }
    if (gate.filterSeen()) {
      bases.add(
          new RuntimeBase(
              runtimeName.isEmpty() ? "runtime" : runtimeName,
              version.isEmpty() ? "unknown" : version,
              TRACED + " (" + request.id() + ")",
              names(gate, syscallNames)));
    } else {
      warnings.add(
          "the container ran without a seccomp filter, so the runtime's calls after a filter load could not be "
              + "traced; the stored base of its runtime is used");
    }
    // The measured base of the same runtime version covers calls this one start happened not to
    // make
    // (the Go runtime in runc's init is not deterministic).
    if (!runtimeName.isEmpty()) {
      try {
        // The version of the runtime that started this container, not of whichever is first on
        // PATH.
        RuntimeBases.Choice c =
            RuntimeBases.choose(
                runtimeName, version.isEmpty() ? Optional.empty() : Optional.of(version));
        if (c.note().isEmpty() || !gate.filterSeen()) {
          bases.add(c.base());
          c.note().ifPresent(warnings::add);
        }
      } catch (OciException e) {
        warnings.add(e.getMessage());
      }
    }
    Recording withBases =
        recording
            .withRuntimeBases(bases)
            .withContainer(
                new ContainerInfo(
                    request.id(), config.image().orElse(""), config.args(), request.runtime()));
    Recording viewed =
        new ContainerView(config, request.bundle().toString(), request.id()).apply(withBases);
    return viewed.withWarnings(warnings);
  }

  /** The runtime's calls under the names the workload's get (strace's syscall_0x... resolved). */
  private static TreeSet<String> names(RuntimeInitGate gate, UnaryOperator<String> syscallNames) {
    TreeSet<String> out = new TreeSet<>();
    gate.runtimeCalls().keySet().forEach(n -> out.add(syscallNames.apply(n)));
    return out;
  }
}
