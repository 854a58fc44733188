package dev.tailor.cli;

import dev.tailor.deploy.apply.AppArmorHost;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.apply.HookApply;
import dev.tailor.deploy.apply.HookLog;
import dev.tailor.deploy.apply.ObserveMode;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tailor hook apply}: the precreate hook that puts a learned profile on a container. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "apply",
    description = {
      "OCI precreate hook: read the proposed config.json on stdin and write the whole config on stdout, with "
          + "linux.seccomp replaced by the learned profile (and process.apparmorProfile set where the kernel has "
          + "AppArmor). The profile is the annotation io.tailor.profile=NAME, else the first matching rule of "
          + "STORE/bindings.json; a container that matches neither passes through unchanged.",
      "Observe mode: the annotation io.tailor.observe=NAME (or a binding with \"mode\": \"observe\") applies NAME's "
          + "profile on trial: calls it lacks run and go to the agent (tailor observe) through listenerPath, or, "
          + "when the agent does not answer, to the kernel log (SCMP_ACT_LOG). Every such container is in the log.",
      "Fails closed: a named profile that is missing, unreadable or not for this machine exits 1 with one line, "
          + "and the runtime does not start the container.",
      "Exit code: 0 written, 1 refused."
    },
    sortOptions = false)
final class HookApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      defaultValue = "/var/lib/tailor/profiles",
      description =
          "The profile store: DIR/NAME/seccomp.json, DIR/bindings.json (default: ${DEFAULT-VALUE}).")
  Path store;

  @Option(
      names = "--log",
      paramLabel = "FILE",
      description =
          "Also append each decision here (default: STORE/.tailor/logs/apply.log, beside the learn "
              + "hook's logs): podman drops a precreate hook's stderr, so this is where its refusals can be read.")
  Path log;

  @Option(
      names = "--observe-socket",
      paramLabel = "PATH",
      description =
          "The observe agent's socket for containers in observe mode (default: STORE/.tailor/observe.sock).")
  Path observeSocket;

  @Mixin DebugOption debug;

  // Raw bytes both ways: the hook may run without a UTF-8 locale, and a config passed through a
  // character writer would lose every non-ASCII byte.
  InputStream in = System.in;
  OutputStream out = System.out;

  /** The config read so far, for the deadline's log line. */
  private volatile byte[] seen = new byte[0];

  @Override
  public Integer call() {
    Path logFile = log != null ? log : HookLog.in(store);
    Thread deadline = watchDeadline(logFile);
    try {
      return applied(logFile);
    } finally {
      deadline.interrupt();
    }
  }

  private int applied(Path logFile) {
    byte[] config;
    try {
      config = in.readNBytes(HookApply.MAX_CONFIG + 1);
    } catch (IOException e) {
      return Main.fail(
          spec,
          "hook apply: cannot read the OCI config on stdin: " + e.getMessage(),
          debug.trace(e),
          1);
    }
    seen = config;
    try {
      ObserveMode observe =
          new ObserveMode(observeSocket != null ? observeSocket : ObserveMode.defaultSocket(store));
      HookApply.Result r =
          HookApply.apply(config, new ProfileStore(store), AppArmorHost.kernel(), observe);
      out.write(r.config());
      out.flush();
      for (String note : r.notes()) {
        spec.commandLine().getErr().println(note);
        logged(logFile, config, note);
      }
      spec.commandLine().getErr().flush();
      return 0;
    } catch (ApplyException e) {
      logged(logFile, config, "tailor: hook apply: " + e.getMessage());
      return Main.fail(spec, "hook apply: " + e.getMessage(), debug.trace(e), 1);
    } catch (IOException e) {
      return Main.fail(
          spec,
          "hook apply: cannot write the OCI config on stdout: " + e.getMessage(),
          debug.trace(e),
          1);
    } catch (RuntimeException e) {
      logged(logFile, config, "tailor: hook apply: internal error: " + e);
      return Main.fail(spec, "hook apply: internal error: " + e, e, 1);
    }
  }

  /**
   * Refuses the container with a line in the log once the hook's time is nearly spent, rather than
   * being killed by the runtime with no line anywhere.
   */
  private Thread watchDeadline(Path logFile) {
    return HookDeadline.watch(
        () -> {
          String line =
              "tailor: hook apply: not done "
                  + HookDeadline.BUDGET.toSeconds()
                  + " s after its start (an "
                  + "overloaded machine?); refused before the runtime's hook timeout";
          spec.commandLine().getErr().println(line);
          spec.commandLine().getErr().flush();
          logged(logFile, seen, line);
          Runtime.getRuntime().halt(1);
        });
  }

  /**
   * Appends {@code line} to the log; says so on stderr when neither the log nor the kernel log took
   * it.
   */
  private void logged(Path logFile, byte[] config, String line) {
    HookLog.Written w;
    try {
      if (log == null) {
        new ProfileStore(store).checkOwnFolders();
      }
      w = HookLog.append(logFile, config, line);
    } catch (StoreException e) {
      // The store's logs' folder leads out of it: nothing is written through it.
      spec.commandLine().getErr().println("tailor: " + e.getMessage());
      w = HookLog.toKernel(HookLog.container(config), line + " (" + e.getMessage() + ")");
    }
    if (w == HookLog.Written.LOST) {
      spec.commandLine()
          .getErr()
          .println("tailor: this hook's line is not in " + logFile + " nor the kernel log");
    }
  }
}
