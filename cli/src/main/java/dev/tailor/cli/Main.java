package dev.tailor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code tailor} command: learns a workload's behaviour and writes its confinement. */
@Command(
    name = "tailor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Learns what a workload does and writes the tightest seccomp and AppArmor profiles for it.",
    subcommands = {
      LearnCommand.class,
      GenerateCommand.class,
      MergeCommand.class,
      CheckCommand.class,
      EnforceCommand.class
    })
public final class Main {
  /** Exit code when tailor itself failed (as docker run). */
  public static final int EXIT_TAILOR_FAILED = 125;
  /** Exit code when the command cannot be run. */
  public static final int EXIT_CANNOT_RUN = 126;
  /** Exit code when the command is not found. */
  public static final int EXIT_NOT_FOUND = 127;
  /** Exit code for a usage error in the non-running commands. */
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs tailor in-process, printing through the given writers; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("tailor: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return usageExitCode(ex.getCommandLine().getCommandName());
        });
    for (String name : new String[] {"learn", "enforce", "check"}) {
      CommandLine sub = cl.getSubcommands().get(name);
      if (sub != null) {
        // Everything after the command's first word belongs to the command: `learn ls -l`.
        sub.setStopAtPositional(true);
      }
    }
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("tailor: out of memory (the JVM heap is too small for this recording); "
          + "run with a larger heap, e.g. TAILOR_JAVA_OPTS=-Xmx2g ./tailor ...");
      err.flush();
      return EXIT_TAILOR_FAILED;
    }
  }

  /**
   * The exit code of a bad option or argument. learn and enforce exit with their workload's own code,
   * so, as docker run, a usage error there is 125 (tailor failed), which no workload's 2 can be
   * mistaken for; the other commands (and tailor itself) exit 2.
   */
  static int usageExitCode(String command) {
    return command.equals("learn") || command.equals("enforce") ? EXIT_TAILOR_FAILED : EXIT_USAGE;
  }

  /** The exit code docker run would give for a tracing failure. */
  static int exitCode(dev.tailor.tracer.backend.TraceException e) {
    return switch (e.kind()) {
      case NOT_FOUND -> EXIT_NOT_FOUND;
      case CANNOT_RUN -> EXIT_CANNOT_RUN;
      case FAILED -> EXIT_TAILOR_FAILED;
    };
  }

  /** Prints one error line (and the stack trace when debugging) and returns {@code code}. */
  static int fail(CommandSpec spec, String message, Throwable debug, int code) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("tailor: " + message);
    if (debug != null) {
      debug.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tailor " + (v == null ? "dev" : v)};
    }
  }
}
