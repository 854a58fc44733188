package dev.tailor.cli;

import dev.tailor.deploy.hook.LearnHook;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.oci.OciState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tailor hook wait}: the poststop hook; waits until a learned container's profiles are
 * written.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "wait",
    description = {
      "The poststop hook (the OCI state on stdin): wait until the tracer of a learned container has written its "
          + "profiles, so they are there when 'podman run' returns.",
      "Exit code: 0, always."
    },
    sortOptions = false)
final class HookWaitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "100",
      description = "How long to wait at most (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Override
  public Integer call() {
    try {
      OciState state = OciState.parse(HookCommand.readInput(System.in));
      Optional<String> why =
          LearnHook.awaitProfile(store.store(), state.id(), Duration.ofSeconds(timeout));
      why.ifPresent(
          w ->
              HookLearnCommand.log(spec, store.store(), "container " + state.id(), "tailor: " + w));
    } catch (OciException | CommandException e) {
      HookLearnCommand.log(
          spec, store.store(), "container ?", "tailor: hook wait: " + e.getMessage());
    }
    spec.commandLine().getErr().flush();
    return 0;
  }
}
