package dev.tailor.deploy.runtime;

import dev.tailor.deploy.oci.Bundle;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.runtime.RuntimeInitGate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Measures a runtime's base: traces {@code RUNTIME run} (strace -f, from the runtime's own start)
 * starting a minimal container again and again, in every {@link Bundle.Variant}, and keeps what
 * the container's init called from its seccomp filter load to its exec of the container's process.
 */
public final class BaseMeasurement {
  /** The program the measured containers run; the base ends at its exec, so it does not matter. */
  static final List<String> CONTAINER_ARGS = List.of("/usr/bin/true");

  private BaseMeasurement() {}

  /** Measures {@code runtime} with {@code runs} starts per variant, in a scratch folder under {@code work}. */
  public static BaseFile measure(ContainerRuntime runtime, int runs, Path work) throws IOException, TraceException {
    if (runs < 1) {
      throw new IllegalArgumentException("runs < 1");
    }
    StraceBackend strace = StraceBackend.locate();
    TreeMap<String, Integer> seen = new TreeMap<>();
    int total = 0;
    Path scratch = Files.createTempDirectory(work, "tailor-base-");
    try {
      int n = 0;
      for (Bundle.Variant variant : Bundle.Variant.ALL) {
        Bundle bundle = Bundle.create(scratch.resolve("bundle-" + n), CONTAINER_ARGS, variant);
        for (int i = 0; i < runs; i++) {
          String id = "tailor-base-" + ProcessHandle.current().pid() + "-" + n + "-" + i;
          Recorder discard = new Recorder(id, "strace", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
          RuntimeInitGate gate = RuntimeInitGate.fromRuntimeStart(e -> { });
          List<String> argv = RuntimeCommand.run(runtime, bundle.dir(), scratch.resolve("state"), id);
          int code = strace.run(argv, discard, gate, RuntimeInitGate::detail);
          if (code != 0 || gate.stage() != RuntimeInitGate.Stage.WORKLOAD) {
            throw new IOException(runtime.label() + " did not start a minimal container (" + variant.label()
                + ", exit " + code + ", reached " + gate.stage().name().toLowerCase(java.util.Locale.ROOT)
                + "); run '" + String.join(" ", argv) + "' to see why");
          }
          gate.runtimeCalls().keySet().forEach(name -> seen.merge(name, 1, Integer::sum));
          total++;
        }
        n++;
      }
    } finally {
      deleteTree(scratch);
    }
    return BaseFile.measuredHere(runtime, total, seen,
        "tailor runtime-base " + runtime.name() + ": strace -f of '" + runtime.name() + " run' starting "
            + String.join(" ", CONTAINER_ARGS) + " in a podman-like bundle, " + runs + " starts each as "
            + Bundle.Variant.ALL.stream().map(Bundle.Variant::label).collect(java.util.stream.Collectors.joining(", "))
            + "; the init's calls from its seccomp filter load to its execve of the container's process");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
