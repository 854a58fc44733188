package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promise of issue #2 on every sample: learn with the real strace, then run the workload under
 * the learned seccomp profile with the real libseccomp; same stdout, same exit code. The AppArmor
 * draft of each passes the real apparmor_parser.
 */
class SamplesRoundTripTest {
  @TempDir static Path tmp;
  static Path threadsBinary;

  @BeforeAll
  static void prerequisites() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed (apt-get install strace)");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    if (TailorProcess.onPath("cc")) {
      threadsBinary = tmp.resolve("threads");
      TailorProcess.Result cc =
          TailorProcess.run(
              List.of(
                  "cc",
                  "-O2",
                  "-pthread",
                  "-o",
                  threadsBinary.toString(),
                  TailorProcess.sample("threads/threads.c").toString()),
              tmp,
              Map.of());
      assertEquals(0, cc.exit(), cc.err());
    }
  }

  /** A sample: a name and its command line for a given fresh work folder. */
  record Sample(String name, Function<Path, List<String>> command) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> samples() {
    return Stream.of(
            new Sample(
                "python-app",
                w ->
                    List.of(
                        "python3",
                        TailorProcess.sample("python-app/app.py").toString(),
                        w.toString())),
            new Sample(
                "pipeline",
                w -> List.of("sh", TailorProcess.sample("pipeline/pipeline.sh").toString())),
            new Sample(
                "threads-py",
                w ->
                    List.of(
                        "python3",
                        TailorProcess.sample("threads/threads.py").toString(),
                        w.toString())),
            new Sample(
                "threads-c",
                w ->
                    List.of(
                        threadsBinary == null
                            ? "/nonexistent-cc-missing"
                            : threadsBinary.toString())),
            new Sample(
                "hostile-names",
                w ->
                    List.of(
                        "python3",
                        TailorProcess.sample("hostile-names/make_names.py").toString(),
                        w.toString())))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void learnThenEnforce_reproducesOutputAndExitCode(Sample sample) throws Exception {
    if (sample.name().equals("threads-c")) {
      assumeTrue(threadsBinary != null, "no C compiler (apt-get install gcc)");
    }
    Path out = tmp.resolve("profiles-" + sample.name());
    Path learnWork = Files.createDirectories(tmp.resolve("learn-" + sample.name())).resolve("work");
    List<String> learnArgs =
        new ArrayList<>(
            List.of(
                "learn", "--no-status", "--out", out.toString(), "--name", sample.name(), "--"));
    learnArgs.addAll(sample.command().apply(learnWork));
    TailorProcess.Result learned =
        TailorProcess.tailor(TailorProcess.repo(), learnArgs.toArray(String[]::new));
    assertEquals(0, learned.exit(), learned.err());
    assertTrue(learned.err().contains("tailor: wrote "), learned.err());

    Path profile = out.resolve(sample.name());
    for (String f : List.of("seccomp.json", "apparmor.profile", "recording.json", "report.md")) {
      assertTrue(Files.isRegularFile(profile.resolve(f)), f);
    }

    Path enforceWork =
        Files.createDirectories(tmp.resolve("enforce-" + sample.name())).resolve("work");
    List<String> enforceArgs =
        new ArrayList<>(
            List.of("enforce", "--seccomp", profile.resolve("seccomp.json").toString(), "--"));
    enforceArgs.addAll(sample.command().apply(enforceWork));
    TailorProcess.Result enforced =
        TailorProcess.tailor(TailorProcess.repo(), enforceArgs.toArray(String[]::new));
    assertEquals(
        learned.out(),
        enforced.out(),
        "stdout under the learned profile; stderr: " + enforced.err());
    assertEquals(learned.exit(), enforced.exit(), enforced.err());

    assumeTrue(
        TailorProcess.onPath("apparmor_parser"),
        "apparmor_parser is not installed (Debian package apparmor): the learned AppArmor profile is not checked");
    TailorProcess.Result parsed =
        TailorProcess.run(
            List.of(
                "apparmor_parser",
                "-Q",
                "-K",
                "-T",
                profile.resolve("apparmor.profile").toString()),
            tmp,
            Map.of());
    assertEquals(0, parsed.exit(), parsed.err());
  }
}
