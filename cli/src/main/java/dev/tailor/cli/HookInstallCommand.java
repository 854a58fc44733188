package dev.tailor.cli;

import dev.tailor.deploy.hook.HookFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tailor hook install}: writes the hooks.d files that connect podman or CRI-O to tailor. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "install",
    description = {
      "Write tailor's OCI hook files into the hooks.d folder podman and CRI-O read. A container started with "
          + "--annotation io.tailor.learn=NAME is then traced from its runtime's init to its exit, and its profiles "
          + "land in STORE/NAME/.",
      "Exit code: 0 written, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class HookInstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--hooks-dir",
      paramLabel = "DIR",
      defaultValue = "/usr/share/containers/oci/hooks.d",
      description = "Where the hook files go (default: ${DEFAULT-VALUE}; podman: --hooks-dir DIR).")
  Path hooksDir;

  @Mixin StoreOption store;

  @Option(
      names = "--no-apply",
      description = "Only the learning hooks: no precreate hook that applies learned profiles.")
  boolean noApply;

  @Option(
      names = "--launcher",
      paramLabel = "PATH",
      description =
          "The tailor launcher the hooks run (default: the one this command was started by, "
              + "/usr/bin/tailor when installed).")
  Path launcher;

  @Option(
      names = "--allow-checkout",
      description =
          "Install hooks that run a launcher inside a source checkout (refused by default: moving the "
              + "checkout lets containers run unconfined, and a touched source rebuilds tailor inside container starts).")
  boolean allowCheckout;

  @Override
  public Integer call() {
    Path l = launcher != null ? launcher : HookCommand.launcher().orElse(null);
    if (l == null) {
      return Main.fail(
          spec,
          "cannot tell which tailor launcher the hooks should run; start this through the "
              + "installed tailor (/usr/bin/tailor) or give --launcher PATH",
          null,
          Main.EXIT_USAGE);
    }
    l = l.toAbsolutePath().normalize();
    if (!Files.isExecutable(l)) {
      return Main.fail(spec, "--launcher " + l + ": not an executable file", null, Main.EXIT_USAGE);
    }
    Optional<Path> checkout = sourceCheckout(l);
    if (checkout.isPresent()) {
      String why =
          "the hooks would run "
              + l
              + ", in the source checkout "
              + checkout.get()
              + ": if it moves, "
              + "podman skips the hooks and containers asking for a profile run unconfined, and a touched source "
              + "makes the launcher rebuild tailor inside every container start";
      if (!allowCheckout) {
        return Main.fail(
            spec,
            "hook install: "
                + why
                + "; install tailor (apt-get install ./cli/target/"
                + "tailor_VERSION_all.deb) and run 'tailor hook install', or give --allow-checkout",
            null,
            Main.EXIT_USAGE);
      }
      spec.commandLine().getErr().println("tailor: WARNING: " + why + " (--allow-checkout)");
    }
    Map<String, String> env = HookCommand.hookEnv();
    try {
      List<HookFiles.Hook> hooks = new ArrayList<>(HookFiles.LEARN);
      if (!noApply) {
        hooks.addAll(HookFiles.APPLY);
      }
      List<Path> written =
          HookFiles.install(hooks, hooksDir.toAbsolutePath(), l, store.store(), env);
      for (Path f : written) {
        spec.commandLine().getErr().println("tailor: wrote " + f);
      }
      spec.commandLine()
          .getErr()
          .println(
              "tailor: learn a container with: podman"
                  + (hooksDir.toString().equals("/usr/share/containers/oci/hooks.d")
                      ? ""
                      : " --hooks-dir " + hooksDir.toAbsolutePath())
                  + " run --annotation io.tailor.learn=NAME ...; its profiles appear in "
                  + store.store().root()
                  + "/NAME/");
      spec.commandLine().getErr().flush();
      return 0;
    } catch (IOException e) {
      return Main.fail(
          spec,
          "cannot install the hooks into " + hooksDir + ": " + ProfileFolder.reason(e),
          null,
          1);
    }
  }

  /**
   * The tailor source checkout {@code launcher} lives in (the ./tailor script at its root, beside
   * pom.xml and cli/src), if it is one: hooks must run an installed tailor, not a working copy.
   */
  static Optional<Path> sourceCheckout(Path launcher) {
    Path real;
    try {
      real = launcher.toRealPath();
    } catch (IOException e) {
      real = launcher;
    }
    Path dir = real.getParent();
    if (dir != null
        && Files.isRegularFile(dir.resolve("pom.xml"))
        && Files.isDirectory(dir.resolve("cli/src"))) {
      return Optional.of(dir);
    }
    return Optional.empty();
  }
}
