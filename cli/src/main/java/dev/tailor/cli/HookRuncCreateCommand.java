package dev.tailor.cli;

import dev.tailor.deploy.apply.AppArmorHost;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.apply.HookApply;
import dev.tailor.deploy.apply.HookLog;
import dev.tailor.deploy.runc.RuncBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tailor hook runc-create}: what tailor-runc runs on {@code create}, before the real
 * runtime.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "runc-create",
    description = {
      "Run by tailor-runc (the runc wrapper for Docker and containerd) before the real runtime's create: rewrite "
          + "BUNDLE/config.json as tailor's hooks.d files would. TAILOR_PROFILE=NAME and TAILOR_LEARN=NAME in "
          + "process.env, where --env-keys allows them, are taken out and become the annotations io.tailor.profile and "
          + "io.tailor.learn (where it does not, they are refused: an image's ENV reaches process.env too); the profile "
          + "(annotation, else the first matching rule of STORE/bindings.json) is applied as 'hook apply' does; a "
          + "container to learn gets tailor's learn hooks in the config's own prestart and poststop hooks.",
      "Fails closed, as 'hook apply': a profile asked for and not applicable exits 1 with one line, and the "
          + "container is not created.",
      "Exit code: 0 config written (or left as it was), 1 refused."
    },
    sortOptions = false)
final class HookRuncCreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bundle",
      paramLabel = "DIR",
      required = true,
      description = "The OCI bundle (runc create --bundle).")
  Path bundle;

  @Mixin StoreOption store;

  @Option(
      names = "--launcher",
      paramLabel = "PATH",
      description =
          "The tailor launcher the learn hooks run (default: the launcher this command was started by).")
  Path launcher;

  @Option(
      names = "--env-keys",
      paramLabel = "KEY",
      split = ",",
      description =
          "Which of the variables TAILOR_PROFILE (profile) and TAILOR_LEARN (learn) may stand for annotations "
              + "(default: neither). Only for runtimes without annotations (Docker 20.10): an image's own ENV sets them too.")
  java.util.List<EnvKey> envKeys = java.util.List.of();

  /** A variable of process.env that may stand for an annotation. */
  enum EnvKey {
    profile(RuncBundle.PROFILE_VARIABLE),
    learn(RuncBundle.LEARN_VARIABLE);

    final String variable;

    EnvKey(String variable) {
      this.variable = variable;
    }
  }

  @Option(
      names = "--log",
      paramLabel = "FILE",
      description =
          "Also append each decision here (default: STORE/.tailor/logs/apply.log, as 'hook apply').")
  Path log;

  @Mixin DebugOption debug;

  @Override
  public Integer call() {
    Path logFile = log != null ? log : HookLog.in(store.dir);
    Path file = bundle.resolve("config.json");
    byte[] config;
    try {
      if (Files.size(file) > HookApply.MAX_CONFIG) {
        throw new IOException("larger than " + (HookApply.MAX_CONFIG >> 20) + " MB");
      }
      config = Files.readAllBytes(file);
    } catch (IOException e) {
      return Main.fail(
          spec,
          "tailor-runc: cannot read " + file + ": " + ProfileFolder.reason(e),
          debug.trace(e),
          1);
    }
    java.util.Optional<Path> l =
        (launcher != null ? java.util.Optional.of(launcher) : HookCommand.launcher())
            .map(p -> p.toAbsolutePath().normalize());
    try {
      RuncBundle.Result r =
          RuncBundle.prepare(
              config,
              store.store(),
              AppArmorHost.kernel(),
              l,
              HookCommand.hookEnv(),
              envKeys.stream().map(k -> k.variable).collect(java.util.stream.Collectors.toSet()));
      if (r.changed()) {
        RuncBundle.replaceConfig(bundle, r.config());
      }
      for (String note : r.notes()) {
        spec.commandLine().getErr().println(note);
        HookLog.append(logFile, config, note);
      }
      spec.commandLine().getErr().flush();
      return 0;
    } catch (ApplyException e) {
      HookLog.append(logFile, config, "tailor: tailor-runc: " + e.getMessage());
      return Main.fail(spec, "tailor-runc: " + e.getMessage(), debug.trace(e), 1);
    } catch (IOException e) {
      HookLog.append(
          logFile,
          config,
          "tailor: tailor-runc: cannot write " + file + ": " + ProfileFolder.reason(e));
      return Main.fail(
          spec,
          "tailor-runc: cannot write " + file + ": " + ProfileFolder.reason(e),
          debug.trace(e),
          1);
    } catch (RuntimeException e) {
      return Main.fail(spec, "tailor-runc: internal error: " + e, e, 1);
    }
  }
}
