package dev.tailor.cli;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tailor merge}: the union of several recordings, with provenance. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "merge",
    description = {
      "Write profiles for the union of several recordings (profile folders or recording.json files).",
      "report.md shows which runs contributed each syscall and path. Exit code: 0 written, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class MergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ProfileOptions profile;

  @Mixin RuntimeOptions runtime;

  @Mixin DebugOption debug;

  @Parameters(
      arity = "1..*",
      paramLabel = "PROFILE_DIR",
      description = "Folders written by learn, generate or merge.")
  List<Path> inputs = new ArrayList<>();

  @Override
  public Integer call() {
    try {
      profile.apparmor(profile.nameOr("merged"));
      List<Recording> read = new ArrayList<>();
      for (Path in : inputs) {
        try {
          read.add(RecordingJson.read(in));
        } catch (IOException e) {
          throw new CommandException(e.getMessage());
        }
      }
      // Two runs learned under one name stay two runs in the provenance, and are compared.
      List<Recording> parts = RunLabels.distinct(read);
      String fallback =
          parts.stream().map(Recording::name).distinct().count() == 1
              ? parts.get(0).name()
              : "merged";
      String name = profile.nameOr(fallback);
      Recording merged;
      try {
        merged = Recording.merge(name, parts);
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage());
      }
      if (runtime.given()) {
        // Without --runtime the merged profile keeps the bases its parts had.
        merged = merged.withRuntimeBases(runtime.bases(spec.commandLine().getErr()));
      }
      ProfileFolder.checkWritable(profile.out);
      ProfileFolder.Written w = ProfileFolder.write(profile.out, merged, profile);
      spec.commandLine()
          .getErr()
          .printf(
              "tailor: merged %d recordings (%d runs) into %s (%d syscalls, %d AppArmor rules)%n",
              parts.size(), merged.runs().size(), w.folder(), w.syscalls(), w.apparmorRules());
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
}
