package dev.tailor.deploy.runtime;

import dev.tailor.deploy.hook.ContainerLearning;
import dev.tailor.deploy.hook.HookFiles;
import dev.tailor.deploy.oci.Bundle;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.FileTrees;
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
 * starting a minimal container again and again, in every {@link Bundle.Variant}, and keeps what the
 * container's init called from its seccomp filter load to its exec of the container's process.
 */
public final class BaseMeasurement {
  /** The program the measured containers run; the base ends at its exec, so it does not matter. */
  static final List<String> CONTAINER_ARGS = List.of("/usr/bin/true");

  private BaseMeasurement() {}

  /**
   * Measures {@code runtime} with {@code runs} starts per variant, in a scratch folder under {@code
   * work}.
   */
  public static BaseFile measure(ContainerRuntime runtime, int runs, Path work)
      throws IOException, TraceException {
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
          Recorder discard =
              new Recorder(
                  id, "strace", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
          RuntimeInitGate gate = RuntimeInitGate.fromRuntimeStart(e -> {});
          List<String> argv =
              RuntimeCommand.run(runtime, bundle.dir(), scratch.resolve("state"), id);
          int code = strace.run(argv, discard, gate, RuntimeInitGate::detail);
          if (code != 0 || gate.stage() != RuntimeInitGate.Stage.WORKLOAD) {
            throw new IOException(
                runtime.label()
                    + " did not start a minimal container ("
                    + variant.label()
                    + ", exit "
                    + code
                    + ", reached "
                    + gate.stage().name().toLowerCase(java.util.Locale.ROOT)
                    + "); run '"
                    + String.join(" ", argv)
                    + "' to see why");
          }
          for (String name : gate.runtimeCalls().keySet()) {
            // strace prints "???" for a call it could not decode; no profile can name it.
            if (name.matches("[a-z0-9_]{1,40}")) {
              seen.merge(name, 1, Integer::sum);
            }
          }
          total++;
        }
        n++;
      }
    } finally {
      FileTrees.delete(scratch);
    }
    return BaseFile.measuredHere(
        runtime,
        total,
        seen,
        "tailor runtime-base "
            + runtime.name()
            + ": strace -f of '"
            + runtime.name()
            + " run' starting "
            + String.join(" ", CONTAINER_ARGS)
            + " in a podman-like bundle, "
            + runs
            + " starts each as "
            + Bundle.Variant.ALL.stream()
                .map(Bundle.Variant::label)
                .collect(java.util.stream.Collectors.joining(", "))
            + "; the init's calls from its seccomp filter load to its execve of the container's process");
  }

  /**
   * Measures {@code runtime} as podman runs it: {@code runs} containers per set-up are learned
   * through tailor's own OCI hooks (run by {@code launcher}), and the runtime calls each start's
   * trace found after the filter load are the base. podman creates the container, then starts it
   * later, so runc's init waits after its filter load and its Go runtime makes calls there that a
   * quick {@code runc run} does not.
   */
  public static BaseFile measureThroughPodman(
      ContainerRuntime runtime, int runs, Path work, Path launcher) throws IOException {
    if (runs < 1) {
      throw new IllegalArgumentException("runs < 1");
    }
    TreeMap<String, Integer> seen = new TreeMap<>();
    int total = 0;
    Path scratch = Files.createTempDirectory(work, "tailor-base-podman-");
    try {
      Path hooks = scratch.resolve("hooks.d");
      ProfileStore store = new ProfileStore(scratch.resolve("store"));
      HookFiles.install(HookFiles.LEARN, hooks, launcher, store, java.util.Map.of());
      Path rootfs =
          Bundle.create(scratch.resolve("bundle"), CONTAINER_ARGS, Bundle.Variant.ALL.get(0))
              .dir()
              .resolve("rootfs");
      List<List<String>> setups =
          List.of(
              List.of(),
              List.of("--user", "65534:65534"),
              List.of("--security-opt", "no-new-privileges"));
      int n = 0;
      for (List<String> setup : setups) {
        for (int i = 0; i < runs; i++) {
          String name = "base-" + n + "-" + i;
          List<String> argv =
              new PodmanRun(Optional.of(hooks), runtime.executable().toString(), true).argv();
          argv.addAll(List.of("--annotation", HookFiles.LEARN_ANNOTATION + "=" + name));
          argv.addAll(setup);
          argv.addAll(List.of("--rootfs", rootfs.toString()));
          argv.addAll(CONTAINER_ARGS);
          Process p =
              new ProcessBuilder(argv)
                  .redirectErrorStream(true)
                  .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                  .start();
          String out =
              new String(
                  p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          int code;
          try {
            code = p.waitFor();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
          Path rec = store.folder(name).resolve(dev.tailor.tracer.RecordingJson.FILE_NAME);
          if (code != 0 || !Files.isRegularFile(rec)) {
            throw new IOException(
                "podman with "
                    + runtime.label()
                    + " did not run a learned container (exit "
                    + code
                    + "): "
                    + out.strip().lines().reduce((a, b) -> b).orElse("no output"));
          }
          dev.tailor.tracer.Recording r = dev.tailor.tracer.RecordingJson.read(rec);
          java.util.Optional<dev.tailor.tracer.RuntimeBase> traced =
              r.runtimeBases().stream()
                  .filter(b -> b.source().startsWith(ContainerLearning.TRACED))
                  .findFirst();
          if (traced.isEmpty()) {
            throw new IOException(
                "the learned container "
                    + name
                    + " holds no traced runtime calls: "
                    + r.warnings());
          }
          traced.get().syscalls().stream()
              .filter(s -> s.matches("[a-z0-9_]{1,40}"))
              .forEach(s -> seen.merge(s, 1, Integer::sum));
          total++;
        }
        n++;
      }
    } finally {
      FileTrees.delete(scratch);
    }
    return BaseFile.measuredHere(
        runtime,
        total,
        seen,
        "tailor runtime-base "
            + runtime.name()
            + " --via podman: containers running "
            + String.join(" ", CONTAINER_ARGS)
            + " learned through tailor's OCI hooks under podman, "
            + runs
            + " each as root, as uid 65534 and with "
            + "no-new-privileges; the init's calls from its seccomp filter load to its execve");
  }
}
