package dev.tailor.cli;

import dev.tailor.deploy.hook.InstalledHooks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tailor hook uninstall}: removes exactly the hooks.d files {@code hook install} wrote. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "uninstall",
    description = {
      "Remove the OCI hook files 'tailor hook install' wrote into a hooks.d folder, as its manifest ("
          + InstalledHooks.MANIFEST
          + ") lists them: only files whose bytes are still what install wrote (a file "
          + "changed since is left, and said so), then the manifest, and the folder if install made it and it is "
          + "empty. The profile store (learned profiles, logs) is left as it is.",
      "Exit code: 0 removed, 1 failed (nothing tailor installed there), 2 usage error."
    },
    sortOptions = false)
final class HookUninstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--hooks-dir",
      paramLabel = "DIR",
      defaultValue = "/usr/share/containers/oci/hooks.d",
      description = "The folder hook install wrote into (default: ${DEFAULT-VALUE}).")
  Path hooksDir;

  @Override
  public Integer call() {
    Path dir = hooksDir.toAbsolutePath().normalize();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Optional<InstalledHooks> installed = InstalledHooks.read(dir);
      if (installed.isEmpty()) {
        return Main.fail(
            spec,
            "hook uninstall: "
                + dir.resolve(InstalledHooks.MANIFEST)
                + " does not exist: "
                + "'tailor hook install' wrote no hooks into "
                + dir
                + " (or they were removed already)",
            null,
            1);
      }
      InstalledHooks.Removal r = installed.get().uninstall(dir);
      for (Path f : r.removed()) {
        err.println("tailor: removed " + f);
      }
      for (String k : r.kept()) {
        err.println("tailor: warning: " + k);
      }
      err.flush();
      return 0;
    } catch (IOException e) {
      return Main.fail(
          spec,
          "hook uninstall: cannot remove the hooks from " + dir + ": " + ProfileFolder.reason(e),
          null,
          1);
    }
  }
}
