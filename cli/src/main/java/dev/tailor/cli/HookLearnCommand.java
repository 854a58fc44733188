package dev.tailor.cli;

import dev.tailor.deploy.apply.HookLog;
import dev.tailor.deploy.hook.LearnHook;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.oci.OciState;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tailor hook learn}: the prestart hook; starts tracing a container annotated
 * io.tailor.learn=NAME.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "learn",
    description = {
      "The prestart hook (run by the runtime, the OCI state on stdin): attach tailor's tracer to the container's init "
          + "before it execs the workload; the profiles are written to STORE/NAME/ when the container exits.",
      "Exit code: 0, always: a container that cannot be traced still runs (the reason is on stderr)."
    },
    sortOptions = false)
final class HookLearnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Option(
      names = "--attach-timeout",
      paramLabel = "SECONDS",
      defaultValue = "90",
      description =
          "How long to wait for the tracer to attach (default: ${DEFAULT-VALUE}; never past 115 s from the "
              + "hook's start, inside the 120 s timeout of its hooks.d file).")
  int attachTimeout;

  @Override
  public Integer call() {
    String subject = "container ?";
    String line;
    try {
      OciState state = OciState.parse(HookCommand.readInput(System.in));
      subject = "container " + state.id();
      Path launcher =
          HookCommand.launcher()
              .orElseThrow(
                  () ->
                      new CommandException(
                          "TAILOR_LAUNCHER is not set: run the hook through the tailor launcher ('tailor hook install' writes it so)"));
      // At most what is left of the hook's time, so the runtime does not kill the hook first.
      Duration wait = Duration.ofSeconds(attachTimeout);
      Duration left = HookDeadline.remaining(HookDeadline.LEARN_BUDGET, Duration.ofSeconds(1));
      LearnHook.Outcome o =
          LearnHook.start(state, store.store(), launcher, left.compareTo(wait) < 0 ? left : wait);
      line = "tailor: " + o.message();
    } catch (OciException | CommandException e) {
      line = "tailor: " + e.getMessage() + "; the container runs without being learned";
    } catch (RuntimeException e) {
      line = "tailor: internal error: " + e + "; the container runs without being learned";
    }
    log(spec, store.store(), subject, line);
    return 0;
  }

  /**
   * Prints {@code line} on stderr and appends it to the store's learn.log (which a full store does
   * not lose).
   */
  static void log(CommandSpec spec, ProfileStore store, String subject, String line) {
    spec.commandLine().getErr().println(line);
    HookLog.Written w;
    try {
      store.checkOwnFolders();
      w = HookLog.append(store.learnLog(), subject, line);
    } catch (StoreException e) {
      // The logs' folder leads out of the store: nothing is written through it.
      spec.commandLine().getErr().println("tailor: " + e.getMessage());
      w = HookLog.toKernel(subject, line + " (" + e.getMessage() + ")");
    }
    if (w == HookLog.Written.LOST) {
      spec.commandLine()
          .getErr()
          .println("tailor: this line is not in " + store.learnLog() + " nor the kernel log");
    }
    spec.commandLine().getErr().flush();
  }
}
