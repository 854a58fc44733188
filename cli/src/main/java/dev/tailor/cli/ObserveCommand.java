package dev.tailor.cli;

import dev.tailor.deploy.observe.ObserveAgent;
import dev.tailor.deploy.observe.ObservedFolder;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tailor observe}: the agent that answers containers' seccomp notifications in observe mode.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "observe",
    description = {
      "Run the observe agent: container runtimes (runc's linux.seccomp.listenerPath) hand it each container's seccomp "
          + "notify fd; every call the container's profile lacks is let run, and recorded once per container with a "
          + "count in STORE/NAME/observed/ (fold it back with: tailor merge --name NEW --out STORE STORE/NAME STORE/NAME/observed).",
      "Observe mode is a trial, not a sandbox: the calls a profile lacks run.",
      "Runs until SIGTERM or SIGINT, then writes what it saw. Exit code: 0 stopped, 1 failed, 2 usage error."
    },
    subcommands = {ObserveStatusCommand.class},
    sortOptions = false)
final class ObserveCommand implements Callable<Integer> {
  /** The agent's socket in a store, unless --socket says otherwise. */
  static Path defaultSocket(ProfileStore store) {
    return store.root().resolve(".tailor").resolve("observe.sock");
  }

  /** The list of containers in observe mode the agent keeps. */
  static Path statusFile(ProfileStore store) {
    return store.root().resolve(".tailor").resolve("observe.json");
  }

  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "Where to listen (default: STORE/.tailor/observe.sock); the profile's listenerPath must name it.")
  Path socket;

  @Option(
      names = "--flush",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description =
          "How often what was observed is written (default: ${DEFAULT-VALUE}); also when a container ends.")
  String flush;

  @Option(
      names = "--kernel-log",
      description =
          "Instead of the agent: read the kernel's seccomp audit lines (/dev/kmsg) of containers that run a "
              + "profile's log variant (seccomp.observe.json, export --observe: Docker, Kubernetes Localhost), place each "
              + "process in its container (label or annotation io.tailor.observe=NAME, or a bindings.json rule in observe "
              + "mode) and write STORE/NAME/observed/ the same way. Names only: the kernel log has no arguments.")
  boolean kernelLog;

  @Option(
      names = "--docker-root",
      paramLabel = "DIR",
      defaultValue = "/var/lib/docker",
      description =
          "Docker's data root, where --kernel-log reads each container's labels (default: ${DEFAULT-VALUE}).")
  Path dockerRoot;

  @Mixin DebugOption debug;

  private java.time.Duration flushEvery() throws CommandException {
    try {
      return Durations.parse(flush);
    } catch (CommandException e) {
      throw new CommandException(e.getMessage().replace("--duration", "--flush"), Main.EXIT_USAGE);
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      ProfileStore s = store.store();
      if (kernelLog) {
        return KernelLogObservation.run(s, dockerRoot, flushEvery(), err);
      }
      Path sock = socket != null ? socket : defaultSocket(s);
      ObserveAgent.Settings settings =
          new ObserveAgent.Settings(
              sock,
              profile -> ObservedFolder.of(s, profile),
              Optional.empty(),
              Optional.of(statusFile(s)),
              flushEvery());
      ObserveAgent agent;
      try {
        s.create();
        agent = new ObserveAgent(settings, err);
        agent.start();
      } catch (IOException | SeccompException e) {
        throw new CommandException("cannot start the observe agent: " + e.getMessage());
      }
      // SIGTERM (systemd's stop), SIGINT and SIGHUP end the agent the same way: write, then exit 0.
      try (SignalRelay relay = SignalRelay.install((signal, fromTerminal, count) -> agent.stop())) {
        agent.run();
      } finally {
        agent.close();
        err.println("tailor observe: stopped; observations written");
        err.flush();
      }
      return 0;
    } catch (IOException e) {
      return Main.fail(spec, "observe agent failed: " + e.getMessage(), debug.trace(e), 1);
    } catch (CommandException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), e.exitCode(1));
    } catch (RuntimeException e) {
      return Main.fail(spec, "internal error: " + e, e, 1);
    }
  }
}
