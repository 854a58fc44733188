package dev.tailor.cli;

import dev.tailor.deploy.observe.ContainerCalls;
import dev.tailor.deploy.observe.ObservedFolder;
import dev.tailor.deploy.observe.ProfileObservations;
import dev.tailor.deploy.observe.SeenCall;
import dev.tailor.generator.apparmor.AppArmorCoverage;
import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.seccomp.SeccompCoverage;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor check}: the CI drift gate. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "check",
    description = {
      "Exit 0 when CMD (or the strace logs, or a profile folder's recording, given) stays inside the profile in DIR; "
          + "exit 1 and list what is new otherwise.",
      "Syscalls are checked against DIR/seccomp.json; files, network and capabilities against the AppArmor "
          + "profile generated from DIR/recording.json (so a new temporary file inside a learned glob is not drift).",
      "The verdict and the drift list go to stderr; stdout is the checked command's own.",
      "Exit code: 0 inside, 1 drift found (or the command failed), 2 usage error, 125-127 as learn."
    },
    sortOptions = false)
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description =
          "A profile folder written by learn, generate or merge "
              + "(default for an observed folder STORE/NAME/observed: STORE/NAME).")
  Path profileDir;

  @Option(
      names = "--save",
      paramLabel = "DIR",
      description =
          "Also write the checked behaviour's own profiles to DIR/NAME (e.g. to upload as a CI artifact).")
  Path save;

  @Option(
      names = "--cwd",
      paramLabel = "DIR",
      description = "With trace files: the working directory the traced command started in.")
  String cwd;

  @Mixin DebugOption debug;

  @Parameters(
      arity = "1..*",
      paramLabel = "CMD|TRACE|FOLDER",
      description =
          "A command after --, strace log files, or a folder written by learn (its recording.json).")
  List<String> args = new ArrayList<>();

  /** One new thing the checked behaviour did. */
  record Drift(String kind, String what, String detail) {}

  @Override
  public Integer call() {
    try {
      Optional<ProfileObservations> observations = observedFolder();
      if (profileDir == null) {
        Path folder = Path.of(args.get(0)).toAbsolutePath().normalize();
        if (observations.isEmpty() || folder.getParent() == null) {
          throw new CommandException(
              "--profile DIR is missing: name the profile folder to check against",
              Main.EXIT_USAGE);
        }
        profileDir = folder.getParent();
      }
      Recording baseline = readBaseline();
      SeccompProfile seccomp = readSeccomp();
      // Trace logs are plain files; a command is a program (executable, or found on PATH).
      Path first = Path.of(args.get(0));
      boolean traces =
          args.stream().allMatch(a -> Files.isRegularFile(Path.of(a)))
              && (!Files.isExecutable(first) || looksLikeTrace(first));
      boolean recording =
          args.size() == 1 && Files.isRegularFile(first.resolve(RecordingJson.FILE_NAME));
      int exit = 0;
      Recording observed;
      if (recording) {
        try {
          observed = RecordingJson.read(first);
        } catch (IOException e) {
          throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
        }
      } else if (traces) {
        observed =
            GenerateCommand.read(baseline.name(), args.stream().map(Path::of).toList(), cwd, false);
      } else {
        Recorder recorder =
            new Recorder(
                "check",
                "strace",
                new HostPathResolver(false),
                SyscallNames.resolver(),
                Optional.of(Path.of("").toAbsolutePath().toString()));
        StraceBackend backend = StraceBackend.locate();
        try (StatusLine status = StatusLine.start(recorder, spec.commandLine().getErr(), true)) {
          exit = backend.run(args, recorder);
        }
        observed = recorder.toRecording(baseline.name(), Arch.current());
      }
      if (save != null) {
        ProfileOptions o = new ProfileOptions();
        o.out = save;
        o.apparmorMode = "complain";
        o.execMode = "ix";
        ProfileFolder.checkWritable(save);
        ProfileFolder.write(save, observed.withRuntimeBases(baseline.runtimeBases()), o);
      }
      List<String> unchecked = new ArrayList<>();
      List<Drift> drift = compare(baseline, seccomp, observed, unchecked::add);
      // The verdict is a diagnostic: stdout belongs to the checked command (check -- make test >
      // log).
      PrintWriter err = spec.commandLine().getErr();
      for (String u : unchecked) {
        err.println("tailor: warning: not checked: " + u);
      }
      if (drift.isEmpty()) {
        err.printf(
            "tailor: no drift: %d syscalls and %d paths stay inside %s%n",
            observed.syscalls().size(), observed.files().size(), profileDir);
      } else {
        err.printf("tailor: drift from %s: %d new%n", profileDir, drift.size());
        for (Drift d : drift) {
          err.printf(
              "  %-10s %s%s%n",
              d.kind(), d.what(), d.detail().isEmpty() ? "" : "  (" + d.detail() + ")");
        }
        observations.ifPresent(o -> printSeenIn(err, o, drift));
      }
      err.flush();
      if (exit != 0) {
        err.println("tailor: the checked command exited with " + exit);
        err.flush();
        return 1;
      }
      return drift.isEmpty() ? 0 : 1;
    } catch (TraceException e) {
      Main.rethrowOutOfMemory(e);
      return Main.fail(spec, e.getMessage(), debug.trace(e), Main.exitCode(e));
    } catch (CommandException e) {
      return Main.fail(spec, e.getMessage(), debug.trace(e), e.exitCode(Main.EXIT_USAGE));
    } catch (RuntimeException e) {
      Main.rethrowOutOfMemory(e);
      return Main.fail(spec, "internal error: " + e, e, Main.EXIT_TAILOR_FAILED);
    }
  }

  /** The observe agent's tally, when the one argument is an observed folder. */
  private Optional<ProfileObservations> observedFolder() throws CommandException {
    if (args.size() != 1
        || !Files.isRegularFile(Path.of(args.get(0)).resolve(ObservedFolder.STATE_FILE))) {
      return Optional.empty();
    }
    try {
      return ObservedFolder.peek(Path.of(args.get(0)));
    } catch (IOException e) {
      throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  /** For each new syscall of an observed folder: which containers made it, when, how often. */
  private static void printSeenIn(PrintWriter err, ProfileObservations o, List<Drift> drift) {
    for (Drift d : drift) {
      if (!d.kind().equals("syscall")) {
        continue;
      }
      for (ContainerCalls c : o.containers()) {
        long count = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (SeenCall s : c.calls()) {
          if (s.syscall().equals(d.what())) {
            count += s.count();
            first = first == null || s.first().isBefore(first) ? s.first() : first;
            last = last == null || s.last().isAfter(last) ? s.last() : last;
          }
        }
        if (count > 0) {
          err.printf(
              "    %s: %d %s by %s%s, first %s, last %s%n",
              d.what(),
              count,
              count == 1 ? "call" : "calls",
              c.container().name(),
              c.container().name().equals(c.container().id())
                  ? ""
                  : " (" + c.container().id() + ")",
              first,
              last);
        }
      }
    }
  }

  /** Whether a file starts like strace output ("1234 openat(" or "openat(" or "[pid 12] "). */
  static boolean looksLikeTrace(Path file) {
    byte[] head = new byte[64];
    int n;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return false;
    }
    String start = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    return start.matches("(?s)(\\d+ +|\\[pid +\\d+\\] )?([0-9:.]+ +)?[a-z_0-9]+\\(.*");
  }

  private Recording readBaseline() throws CommandException {
    try {
      return RecordingJson.read(profileDir);
    } catch (IOException e) {
      throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  private SeccompProfile readSeccomp() throws CommandException {
    Path file = profileDir.resolve(SeccompJson.FILE_NAME);
    try {
      return SeccompJson.read(file).profile();
    } catch (IOException e) {
      throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  /** Everything {@code observed} did that the profiles of {@code baseline} do not allow, sorted. */
  static List<Drift> compare(Recording baseline, SeccompProfile seccomp, Recording observed) {
    return compare(baseline, seccomp, observed, unchecked -> {});
  }

  /**
   * As {@link #compare(Recording, SeccompProfile, Recording)}; {@code unchecked} hears what could
   * not be checked.
   */
  static List<Drift> compare(
      Recording baseline, SeccompProfile seccomp, Recording observed, Consumer<String> unchecked) {
    List<Drift> drift = new ArrayList<>();
    for (SeccompCoverage.Refusal r : SeccompCoverage.of(seccomp).refusals(observed, unchecked)) {
      drift.add(new Drift(r.kind(), r.what(), r.detail()));
    }
    AppArmorCoverage coverage =
        AppArmorCoverage.of(
            AppArmorGenerator.generate(baseline, AppArmorOptions.draft(baseline.name())).profile());
    for (FileUse f : observed.files().values()) {
      Optional<String> missing = coverage.missing(f);
      if (missing.isPresent()) {
        drift.add(
            new Drift(
                "file",
                f.path() + (f.directory() ? "/" : ""),
                "needs "
                    + missing.get()
                    + " for "
                    + String.join(" ", f.accesses().stream().map(a -> a.label()).toList())));
      }
    }
    for (SocketUse s : observed.sockets().values()) {
      if (!coverage.allows(s)) {
        drift.add(
            new Drift(
                "network",
                s.family() + " " + s.type(),
                (String.join(" ", s.local()) + " " + String.join(" ", s.peers())).trim()));
      }
    }
    for (CapabilityUse c : observed.capabilities().values()) {
      if (!coverage.allowsCapability(c.name())) {
        drift.add(new Drift("capability", c.name(), String.join("; ", c.reasons())));
      }
    }
    return drift;
  }
}
