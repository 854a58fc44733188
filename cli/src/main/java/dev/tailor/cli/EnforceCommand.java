package dev.tailor.cli;

import dev.tailor.deploy.observe.NotifyHandoff;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompResult;
import dev.tailor.tracer.UnrunnableCommandException;
import dev.tailor.tracer.seccomp.FilterBuilder;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SeccompFilter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor enforce}: runs a command in place of tailor, under a seccomp profile. */
@Command(
    name = "enforce",
    mixinStandardHelpOptions = true,
    modelTransformer = EnforceCommand.StopAtCommand.class,
    description = {
      "Runs CMD under a seccomp profile (OCI or Docker JSON), loaded with libseccomp.",
      "Exits with CMD's own exit code; 125 when tailor fails, 126 when CMD cannot run, 127 when"
          + " it is not found."
    })
final class EnforceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seccomp",
      required = true,
      paramLabel = "FILE",
      description = "the seccomp profile")
  Path seccomp;

  @Option(
      names = "--observe",
      paramLabel = "DIR",
      description =
          "observe mode: the calls the profile refuses by default are let run and written as the profile "
              + "folder DIR (fold it back with tailor merge); a trial, not a sandbox")
  Path observe;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "with --observe: the profile name of DIR's recording (default: the profile's folder name)")
  String name;

  /**
   * Set by the supervising tailor of --observe: where the notify fd goes once the filter is loaded.
   */
  @Option(names = "--notify-socket", hidden = true)
  Path notifySocket;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments")
  List<String> command;

  /** Everything after the command's name belongs to the command, such as {@code ls -l}. */
  static final class StopAtCommand implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      spec.parser().stopAtPositional(true);
      return spec;
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      SeccompResult read = SeccompJson.read(seccomp);
      if (observe != null) {
        String profileName = ObservedEnforcement.name(java.util.Optional.ofNullable(name), seccomp);
        ObservedEnforcement.variant(read.profile());
        return ObservedEnforcement.run(seccomp, observe, profileName, command, err);
      }
      for (String note : read.notes()) {
        err.println("tailor: note: " + seccomp + ": " + note);
      }
      FilterBuilder builder;
      if (notifySocket != null) {
        builder =
            ObservedEnforcement.variant(read.profile())
                .filter()
                .handoff(
                    NotifyHandoff.connect(
                        notifySocket, "enforce-" + ProcessHandle.current().pid()));
      } else {
        builder = read.profile().filter();
      }
      try (SeccompFilter filter = builder.build()) {
        for (String warning : filter.warnings()) {
          err.println("tailor: warning: " + seccomp + ": " + warning);
        }
        err.flush();
        spec.commandLine().getOut().flush();
        filter.execute(command);
      }
      err.println("tailor: the command did not start");
      return Main.EXIT_TAILOR_FAILED;
    } catch (IOException e) {
      err.println("tailor: " + e.getMessage());
      return Main.EXIT_TAILOR_FAILED;
    } catch (SeccompException e) {
      err.println("tailor: cannot enforce " + seccomp + ": " + e.getMessage());
      return Main.EXIT_TAILOR_FAILED;
    } catch (CommandException e) {
      err.println("tailor: " + e.getMessage());
      return e.exitCode(Main.EXIT_TAILOR_FAILED);
    } catch (UnrunnableCommandException e) {
      err.println("tailor: " + e.getMessage());
      return e.exitCode();
    }
  }
}
