package dev.tailor.cli;

import dev.tailor.deploy.runtime.BaseFile;
import dev.tailor.deploy.runtime.BaseMeasurement;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.tracer.backend.TraceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor runtime-base}: measures what a runtime's init calls after it loads the filter. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "runtime-base",
    description = {
      "Measure a container runtime's base: trace RUNTIME starting minimal containers (as root, as another user, "
          + "with noNewPrivileges) and print, as JSON, every call its init makes from loading the seccomp filter "
          + "up to its exec of the container's process. Needs root and strace.",
      "Exit code: 0 measured, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class RuntimeBaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUNTIME", description = "runc or crun (found on PATH).")
  String runtime;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Container starts per set-up (default: ${DEFAULT-VALUE}); the base is the union of all.")
  int runs;

  @Option(
      names = "--via",
      split = ",",
      paramLabel = "HOW",
      defaultValue = "direct",
      description =
          "direct: trace 'RUNTIME run' of a bundle (default); podman: learn containers through tailor's "
              + "OCI hooks under podman (its create-then-start lets the init wait after the filter); direct,podman: both, merged.")
  java.util.List<String> via;

  @Option(
      names = "--save",
      description =
          "Also keep the base in the folder learn, generate and merge read it from "
              + "(TAILOR_RUNTIME_BASES or /var/lib/tailor/runtime-bases).")
  boolean save;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Also write RUNTIME-VERSION.json into DIR.")
  Path out;

  @Mixin DebugOption debug;

  @Override
  public Integer call() {
    if (!ContainerRuntime.KNOWN.contains(runtime)) {
      return Main.fail(
          spec,
          "runtime-base " + runtime + ": use " + String.join(" or ", ContainerRuntime.KNOWN),
          null,
          Main.EXIT_USAGE);
    }
    if (runs < 1 || runs > 100) {
      return Main.fail(spec, "--runs " + runs + ": give 1 to 100", null, Main.EXIT_USAGE);
    }
    try {
      ContainerRuntime rt =
          ContainerRuntime.find(runtime)
              .orElseThrow(
                  () ->
                      new CommandException(
                          runtime
                              + " is not installed here (not on PATH); install it, e.g. apt-get install "
                              + runtime));
      for (String v : via) {
        if (!v.equals("direct") && !v.equals("podman")) {
          return Main.fail(
              spec, "--via " + v + ": use direct, podman or both", null, Main.EXIT_USAGE);
        }
      }
      spec.commandLine()
          .getErr()
          .println(
              "tailor: measuring "
                  + rt.label()
                  + " ("
                  + rt.executable()
                  + "), "
                  + runs * 3 * via.size()
                  + " container starts...");
      spec.commandLine().getErr().flush();
      Path work = Path.of(System.getProperty("java.io.tmpdir"));
      BaseFile base = null;
      for (String v : via) {
        BaseFile b;
        if (v.equals("direct")) {
          b = BaseMeasurement.measure(rt, runs, work);
        } else {
          Path launcher =
              HookCommand.launcher()
                  .orElseThrow(
                      () ->
                          new CommandException(
                              "--via podman runs tailor's hooks: start this through the tailor launcher (/usr/bin/tailor, or "
                                  + "./tailor in a checkout)"));
          b = BaseMeasurement.measureThroughPodman(rt, runs, work, launcher);
        }
        base = base == null ? b : base.merge(b);
      }
      spec.commandLine().getOut().print(base.toJson());
      spec.commandLine().getOut().flush();
      if (save) {
        Path f = base.writeTo(RuntimeBases.localDir());
        spec.commandLine().getErr().println("tailor: saved " + f);
      }
      if (out != null) {
        Path f = base.writeTo(out);
        spec.commandLine().getErr().println("tailor: wrote " + f);
      }
      spec.commandLine()
          .getErr()
          .println(
              "tailor: " + rt.label() + ": " + base.seen().size() + " syscalls after the filter");
      spec.commandLine().getErr().flush();
      return 0;
    } catch (CommandException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), 1);
    } catch (TraceException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), 1);
    } catch (IOException e) {
      return Main.fail(
          spec, "measuring " + runtime + " failed: " + e.getMessage(), debug.trace(e), 1);
    } catch (RuntimeException e) {
      return Main.fail(spec, "internal error: " + e, e, 1);
    }
  }
}
