package dev.tailor.cli;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.bpf.BpfBackend;
import dev.tailor.tracer.record.Recorder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor learn}: traces a command or running processes and writes their profiles. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "learn",
    description = {
      "Run CMD under tracing (or attach to running processes) and write seccomp.json, "
          + "apparmor.profile, recording.json and report.md to OUT/NAME/.",
      "Exit code: the workload's own; 125 tailor failed, 126 cannot run, 127 not found."
    },
    sortOptions = false)
final class LearnCommand implements Callable<Integer> {
  /** More runs than this are a typo more often than a plan. */
  static final int MAX_RUNS = 100;

  @Spec CommandSpec spec;

  @Mixin ProfileOptions profile;

  @Mixin RuntimeOptions runtime;

  @Option(
      names = "--pid",
      split = ",",
      paramLabel = "PID",
      description = "Attach to these running processes (every thread, and children they start).")
  List<Integer> pids = new ArrayList<>();

  @Option(
      names = "--pidof",
      paramLabel = "NAME",
      description = "Attach to every process with this name, as pidof finds them.")
  String pidof;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description =
          "With --pid/--pidof: detach after this long (e.g. 30s, 5m, 1h); default: until Ctrl-C or the targets exit.")
  String duration;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Run CMD N times (1-100), each traced on its own, and merge the runs as merge does: "
              + "names that differ between runs only in a random part (mkstemp, pids) become globs, names alike in every "
              + "run stay literal. A signal cuts the run it comes in short and starts no more.")
  int runs;

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      defaultValue = "strace",
      description =
          "How to trace: strace (default), bpf (root only: tailor's BPF programs count every call in the kernel "
              + "and report the calls that name files, at a fraction of strace's cost), "
              + "or auto (bpf when it works here, else strace).")
  String backend;

  @Option(names = "--no-status", description = "No live status line on the terminal.")
  boolean noStatus;

  @Mixin DebugOption debug;

  @Parameters(
      arity = "0..*",
      paramLabel = "CMD",
      description = "The command to run and learn, after --.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    try {
      return learn();
    } catch (TraceException e) {
      Main.rethrowOutOfMemory(e);
      return Main.fail(spec, e.getMessage(), debug.trace(e), Main.exitCode(e));
    } catch (CommandException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), e.exitCode(Main.EXIT_TAILOR_FAILED));
    } catch (UsageException e) {
      return Main.fail(spec, e.getMessage(), null, Main.EXIT_TAILOR_FAILED);
    } catch (RuntimeException e) {
      Main.rethrowOutOfMemory(e);
      return Main.fail(spec, "internal error: " + e, e, Main.EXIT_TAILOR_FAILED);
    }
  }

  private Backend backend() throws TraceException {
    if (backend.equals("strace")) {
      return StraceBackend.locate();
    }
    IntFunction<Optional<String>> names = SyscallNames.byNumber();
    if (backend.equals("bpf")) {
      return BpfBackend.locate(names);
    }
    Optional<String> why = BpfBackend.unavailable();
    PrintWriter err = spec.commandLine().getErr();
    if (why.isEmpty()) {
      err.println("tailor: --backend auto: using bpf (root, and the kernel has BTF)");
      err.flush();
      return BpfBackend.locate(names);
    }
    err.println("tailor: --backend auto: using strace, because " + why.get());
    err.flush();
    return StraceBackend.locate();
  }

  private int learn() throws TraceException, CommandException, UsageException {
    boolean attach = !pids.isEmpty() || pidof != null;
    if (attach == !command.isEmpty()) {
      throw new CommandException(
          "give either a command after -- or --pid/--pidof (not both)", Main.EXIT_TAILOR_FAILED);
    }
    if (duration != null && !attach) {
      throw new CommandException(
          "--duration only applies with --pid or --pidof", Main.EXIT_TAILOR_FAILED);
    }
    if (runs < 1 || runs > MAX_RUNS) {
      throw new CommandException(
          "--runs " + runs + ": give a number from 1 to " + MAX_RUNS, Main.EXIT_TAILOR_FAILED);
    }
    if (runs > 1 && attach) {
      throw new CommandException(
          "--runs only applies to a command after --, not to --pid or --pidof",
          Main.EXIT_TAILOR_FAILED);
    }
    if (!List.of("strace", "bpf", "auto").contains(backend)) {
      throw new CommandException(
          "--backend " + backend + ": use strace, bpf or auto", Main.EXIT_TAILOR_FAILED);
    }
    // Loads what writes the profiles, and picks the runtime bases, while the trace starts and runs.
    ProfileFolder.warmUp();
    runtime.startChoosing();
    List<Integer> targets = new ArrayList<>(pids);
    String fallbackName;
    if (pidof != null) {
      targets.addAll(Pidof.find(pidof));
      fallbackName = pidof;
    } else if (attach) {
      fallbackName = Pidof.comm(targets.get(0)).orElse("pid-" + targets.get(0));
    } else {
      fallbackName = ProfileNames.fromCommand(command);
    }
    String name = profile.nameOr(fallbackName);
    profile.apparmor(name);
    ProfileFolder.checkWritable(profile.out);
    Optional<Duration> limit =
        duration == null ? Optional.empty() : Optional.of(Durations.parse(duration));

    Backend tracer = backend();
    Supplier<Recorder> recorders =
        () ->
            new Recorder(
                name,
                tracer.name(),
                tracer.pathResolver(),
                SyscallNames.resolver(),
                Optional.of(Path.of("").toAbsolutePath().toString()));
    Recording recording;
    int exit = 0;
    PrintWriter err = spec.commandLine().getErr();
    // Each signal tailor acts on while tracing is told on stderr, once it has acted.
    try (SignalRelay.Telling telling =
        SignalRelay.tellTo(line -> StatusLine.println(err, line, !noStatus))) {
      if (attach) {
        Recorder recorder = recorders.get();
        try (StatusLine status =
            StatusLine.start(recorder, spec.commandLine().getErr(), !noStatus)) {
          recorder.warn(
              "attached to running processes: their start-up (exec, dynamic loader, library loading, "
                  + "configuration reads) and everything before the attach is not in this recording; merge it with a "
                  + "'tailor learn -- CMD' recording of the program's start");
          tracer.attach(targets, limit, recorder);
        }
        recording = recorder.toRecording(name, Arch.current());
      } else {
        CommandRuns.Outcome o =
            CommandRuns.run(
                tracer, command, runs, name, recorders, spec.commandLine().getErr(), !noStatus);
        recording = o.recording();
        exit = o.exit();
      }
    }
    recording = recording.withRuntimeBases(runtime.bases(spec.commandLine().getErr()));
    if (!recording.runtimeBases().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "tailor: note: learned on the host, so for a container this profile is a guess "
                  + "(its image has other files, users and folders); learn it in the container where it will run (see report.md)");
    }
    ProfileFolder.Written w = ProfileFolder.write(profile.out, recording, profile);
    spec.commandLine().getErr().println(w.summary());
    ProfileFolder.unusedLines(recording, false).ifPresent(spec.commandLine().getErr()::println);
    for (String note : w.notes()) {
      spec.commandLine().getErr().println("tailor: note: " + note);
    }
    // The others are in report.md; these mean the profiles may lack what the workload did.
    for (String warning : recording.incompleteWarnings()) {
      spec.commandLine().getErr().println("tailor: warning: " + warning);
    }
    spec.commandLine().getErr().flush();
    return exit;
  }
}
