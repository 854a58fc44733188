package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.apparmor.AppArmorCoverage;
import dev.tailor.generator.apparmor.AppArmorProfile;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A learned profile against another run of its command: what that run used that the profile does
 * not grant.
 */
final class RunCoverage {
  /** Files a run of a sample uses at the least: fewer means the run did not do its work. */
  static final int ENOUGH_FILES = 11;

  private RunCoverage() {}

  /**
   * Runs {@code cmd} again under plain {@code strace -f -yy -o DIR/LABEL.strace}, asserts it exits
   * 0, and reads its trace.
   */
  static Recording traceAgain(List<String> cmd, Path dir, String label) throws Exception {
    Path log = dir.resolve(label + ".strace");
    List<String> strace =
        new ArrayList<>(List.of("strace", "-f", "-yy", "-qq", "-o", log.toString()));
    strace.addAll(cmd);
    Process p =
        new ProcessBuilder(strace)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve(label + ".stderr").toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), label + " did not finish");
    assertEquals(0, p.exitValue(), label + " failed");
    return GenerateCommand.read(
        label, List.of(log), Path.of("").toAbsolutePath().toString(), false);
  }

  /**
   * Each file use of {@code run} the profile does not grant, as "PATH[/] LETTERS", and asserts the
   * run used enough.
   */
  static List<String> missing(AppArmorProfile profile, Recording run) {
    return missing(profile, run, ENOUGH_FILES);
  }

  /**
   * As {@link #missing(AppArmorProfile, Recording)}, for a run that uses at least {@code least}
   * files.
   */
  static List<String> missing(AppArmorProfile profile, Recording run, int least) {
    AppArmorCoverage coverage = AppArmorCoverage.of(profile);
    List<String> missing = new ArrayList<>();
    int used = 0;
    for (FileUse f : run.files().values()) {
      if (f.succeeded()) {
        used++;
      }
      coverage.missing(f).ifPresent(m -> missing.add(f.path() + (f.directory() ? "/ " : " ") + m));
    }
    assertTrue(used >= least, "the run used only " + used + " files");
    return missing;
  }
}
