package dev.tailor.cli;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.event.EventPipe;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.strace.TraceParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor generate}: profiles from strace logs written earlier (CI). */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "generate",
    description = {
      "Write profiles from strace logs made with 'strace -f -yy -o FILE CMD' (or -ff per-process files FILE.PID).",
      "Exit code: 0 written, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ProfileOptions profile;

  @Mixin RuntimeOptions runtime;

  @Option(
      names = "--cwd",
      paramLabel = "DIR",
      description =
          "Working directory the traced command started in, to resolve its relative paths (default: unknown; such paths are left out).")
  String cwd;

  @Option(
      names = "--no-resolve",
      description =
          "Do not resolve argument paths through this machine's symlinks (for logs from another machine).")
  boolean noResolve;

  @Option(names = "--strict", description = "Fail on any trace line that cannot be read.")
  boolean strict;

  @Mixin DebugOption debug;

  @Parameters(arity = "1..*", paramLabel = "TRACE", description = "strace log files.")
  List<Path> traces = new ArrayList<>();

  @Override
  public Integer call() {
    try {
      String name = profile.nameOr(defaultName(traces.get(0)));
      profile.apparmor(name);
      runtime.startChoosing(); // while the logs are read
      Recording recording =
          read(name, traces, cwd, noResolve)
              .withRuntimeBases(runtime.bases(spec.commandLine().getErr()));
      if (strict && recording.unusedLines() > 0) {
        throw new CommandException(
            recording.unusedLines()
                + " trace lines could not be read (first: "
                + recording.diagnostics().get(0).source()
                + ":"
                + recording.diagnostics().get(0).line()
                + " "
                + recording.diagnostics().get(0).message()
                + "); drop --strict to skip them");
      }
      ProfileFolder.checkWritable(profile.out);
      ProfileFolder.Written w = ProfileFolder.write(profile.out, recording, profile);
      spec.commandLine().getErr().println(w.summary());
      ProfileFolder.unusedLines(recording, true).ifPresent(spec.commandLine().getErr()::println);
      for (String warning : recording.warnings()) {
        spec.commandLine().getErr().println("tailor: warning: " + warning);
      }
      return 0;
    } catch (UsageException e) {
      return Main.fail(spec, e.getMessage(), null, Main.EXIT_USAGE);
    } catch (CommandException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), e.exitCode(1));
    } catch (RuntimeException e) {
      Main.rethrowOutOfMemory(e);
      return Main.fail(spec, "internal error: " + e, e, 1);
    }
  }

  static String defaultName(Path trace) {
    String f = trace.getFileName().toString();
    int dot = f.indexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  /**
   * Reads strace logs into one recording; {@code -ff} files (NAME.PID) take their pid from the
   * name.
   */
  static Recording read(String name, List<Path> traces, String cwd, boolean noResolve)
      throws CommandException {
    PathResolver resolver = noResolve ? PathResolver.LEXICAL : new HostPathResolver(true);
    Recorder recorder =
        new Recorder(
            name,
            "trace",
            resolver,
            SyscallNames.resolver(),
            Optional.ofNullable(cwd).map(c -> Path.of(c).toAbsolutePath().normalize().toString()));
    List<Path> ordered = new ArrayList<>(traces);
    // -ff files in pid order, so a parent's fork (and the cwd it hands down) comes before its
    // child.
    ordered.sort(Comparator.comparingLong(GenerateCommand::ffPid).thenComparing(Path::toString));
    for (Path trace : ordered) {
      if (Files.isDirectory(trace)) {
        throw new CommandException(
            trace
                + ": is a folder; give strace log files (a profile folder goes to merge or check)");
      }
      recorder.setSource(trace.toString());
      TraceParser parser;
      try (InputStream in = Files.newInputStream(trace);
          EventPipe pipe = new EventPipe(recorder)) {
        parser = new TraceParser(pipe, (int) ffPid(trace), Recorder::detail).skippingRepeats();
        parser.parse(in);
      } catch (NoSuchFileException e) {
        throw new CommandException(trace + ": no such file; give strace logs written with -o");
      } catch (IOException e) {
        throw new CommandException(trace + ": cannot read: " + ProfileFolder.reason(e));
      }
      if (parser.syscalls() == 0) {
        throw new CommandException(
            trace + ": no syscalls in it; is it an strace log (strace -f -yy -o FILE CMD)?");
      }
    }
    return recorder.toRecording(name, Arch.current());
  }

  /** The pid in an {@code -ff} file name ({@code trace.1234}), or 0. */
  static long ffPid(Path trace) {
    String f = trace.getFileName().toString();
    int dot = f.lastIndexOf('.');
    if (dot < 0 || dot == f.length() - 1) {
      return 0;
    }
    String tail = f.substring(dot + 1);
    if (tail.length() > 9 || !tail.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return Long.parseLong(tail);
  }
}
