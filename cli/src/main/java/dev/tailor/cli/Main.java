package dev.tailor.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code tailor} command: learns a workload's behaviour and writes its confinement. */
@Command(
    name = "tailor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Learns what a workload does and writes the tightest seccomp and AppArmor profiles for it.")
public final class Main {
  /**
   * The subcommands, in the order the usage help lists them. picocli reads a command's whole model
   * (options, mixins, descriptions) by reflection when it is added, and its own classes are too old
   * for the JVM's class archive: building all nine for a run that names one costs ~0.1-0.2 s of
   * every start, so {@link #commandLine} adds only the one the arguments name.
   */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("learn", LearnCommand.class);
    COMMANDS.put("generate", GenerateCommand.class);
    COMMANDS.put("merge", MergeCommand.class);
    COMMANDS.put("check", CheckCommand.class);
    COMMANDS.put("enforce", EnforceCommand.class);
    COMMANDS.put("runtime-base", RuntimeBaseCommand.class);
    COMMANDS.put("hook", HookCommand.class);
    COMMANDS.put("export", ExportCommand.class);
    COMMANDS.put("observe", ObserveCommand.class);
  }

  /** Exit code when tailor itself failed (as docker run). */
  public static final int EXIT_TAILOR_FAILED = 125;

  /** Exit code when the command cannot be run. */
  public static final int EXIT_CANNOT_RUN = 126;

  /** Exit code when the command is not found. */
  public static final int EXIT_NOT_FOUND = 127;

  /** Exit code for a usage error in the non-running commands. */
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    JNA_LOG.setLevel(java.util.logging.Level.OFF);
    Thread.setDefaultUncaughtExceptionHandler(backgroundFailures(System.err));
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * What a background thread (status line, signal relay, warm-up) that dies prints: tailor's one
   * line, not the JVM's stack trace; nothing when it ran out of memory, as the command's own thread
   * then fails too, or finishes without it, and its one line is what the user reads.
   */
  static Thread.UncaughtExceptionHandler backgroundFailures(java.io.PrintStream err) {
    return (t, e) -> {
      if (!(e instanceof OutOfMemoryError)) {
        err.println("tailor: internal error in thread " + t.getName() + ": " + e);
      }
    };
  }

  /** Runs tailor in-process, printing through the given writers; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("tailor: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println(
                  "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return usageExit(ex.getCommandLine().getCommandName());
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
      err.println(
          "tailor: out of memory (the JVM heap is too small for this recording); "
              + "run with a larger heap, e.g. TAILOR_JAVA_OPTS=-Xmx2g "
              + name()
              + " ...");
      err.flush();
      return failedExit(commandName(cl));
    } catch (LinkageError e) {
      // JNA unpacks its native part into the temporary folder first: a folder that is full,
      // missing or mounted noexec stops it.
      err.println(
          "tailor: cannot load JNA's native part ("
              + e.getMessage()
              + "); give it a temporary folder "
              + "that is writable and allows executing files: TAILOR_JAVA_OPTS=-Djna.tmpdir=DIR "
              + name()
              + " ...");
      err.flush();
      return failedExit(commandName(cl));
    }
  }

  /**
   * tailor's command line with the subcommand {@code args} start with, or with all of them when the
   * first argument names none (help, version, an unknown name).
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> named = args.length == 0 ? null : COMMANDS.get(args[0]);
    if (named != null) {
      cl.addSubcommand(named);
    } else {
      COMMANDS.values().forEach(cl::addSubcommand);
    }
    return cl;
  }

  private static String commandName(CommandLine cl) {
    CommandLine.ParseResult parsed = cl.getParseResult();
    return parsed == null || parsed.subcommand() == null
        ? ""
        : parsed.subcommand().commandSpec().name();
  }

  /**
   * JNA's own log lines (java.util.logging) would come before tailor's one line; kept here so it is
   * not collected.
   */
  private static final java.util.logging.Logger JNA_LOG =
      java.util.logging.Logger.getLogger("com.sun.jna");

  /**
   * How the user runs tailor, for the commands tailor's messages suggest: {@code tailor} when
   * installed, what the development launcher says ({@code ./tailor}) in a checkout.
   */
  static String name() {
    String n = System.getenv("TAILOR_NAME");
    return n == null || n.isEmpty() ? "tailor" : n;
  }

  /** A bad option: docker run's 125 for the commands that run a workload, 2 for the others. */
  static int usageExit(String command) {
    return command.equals("learn") || command.equals("enforce") ? EXIT_TAILOR_FAILED : EXIT_USAGE;
  }

  /**
   * tailor itself failed: 125 where the workload's codes are passed on (learn, enforce, check),
   * else 1.
   */
  static int failedExit(String command) {
    return command.equals("generate") || command.equals("merge") ? 1 : EXIT_TAILOR_FAILED;
  }

  /** The exit code docker run would give for a tracing failure. */
  static int exitCode(dev.tailor.tracer.backend.TraceException e) {
    return switch (e.kind()) {
      case NOT_FOUND -> EXIT_NOT_FOUND;
      case CANNOT_RUN -> EXIT_CANNOT_RUN;
      case FAILED -> EXIT_TAILOR_FAILED;
    };
  }

  /**
   * Throws the OutOfMemoryError among the causes of {@code e}, if there is one: a worker thread's
   * (the recorder's, a trace reader's), handed on as the cause of another failure, ends tailor as
   * one thrown directly does, with {@link #run}'s one line saying how to raise the heap.
   */
  static void rethrowOutOfMemory(Throwable e) {
    Throwable c = e;
    for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
      if (c instanceof OutOfMemoryError oom) {
        throw oom;
      }
    }
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
