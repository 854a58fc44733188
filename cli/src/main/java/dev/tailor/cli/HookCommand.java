package dev.tailor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code tailor hook}: the OCI hooks that learn containers where they run. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "hook",
    description =
        "OCI hooks for podman and CRI-O: 'install' writes their hooks.d files, 'uninstall' removes them, 'check' checks "
            + "a store; the runtime runs the others (apply: precreate, picks a learned profile; learn: prestart; wait: poststop); "
            + "runc-create: what tailor-runc (Docker, containerd) runs before the real runc's create.",
    subcommands = {
      HookInstallCommand.class,
      HookUninstallCommand.class,
      HookApplyCommand.class,
      HookCheckCommand.class,
      HookLearnCommand.class,
      HookWaitCommand.class,
      HookTraceCommand.class,
      HookRuncCreateCommand.class
    })
final class HookCommand {
  /** The most a hook reads of stdin: OCI configs are kilobytes, never megabytes. */
  static final int MAX_INPUT = 4 << 20;

  private HookCommand() {}

  /** Reads what the runtime passes on stdin, refusing more than {@link #MAX_INPUT} bytes. */
  static byte[] readInput(InputStream in) throws CommandException {
    try {
      byte[] b = in.readNBytes(MAX_INPUT + 1);
      if (b.length > MAX_INPUT) {
        throw new CommandException(
            "the hook's input is over " + (MAX_INPUT >> 20) + " MB; not an OCI document");
      }
      return b;
    } catch (IOException e) {
      throw new CommandException("cannot read the hook's input: " + e.getMessage());
    }
  }

  /**
   * The variables of this process the hooks get too: a hook runs with only the variables its entry
   * names.
   */
  static java.util.Map<String, String> hookEnv() {
    java.util.Map<String, String> env = new java.util.TreeMap<>();
    for (String k : java.util.List.of("JAVA_HOME", "TAILOR_JAVA_OPTS", "TAILOR_RUNTIME_BASES")) {
      String v = System.getenv(k);
      if (v != null && !v.isEmpty()) {
        env.put(k, v);
      }
    }
    return env;
  }

  /** The tailor launcher this process was started by (the ./tailor script exports its own path). */
  static Optional<Path> launcher() {
    String l = System.getenv("TAILOR_LAUNCHER");
    return l == null || l.isEmpty() ? Optional.empty() : Optional.of(Path.of(l));
  }
}
