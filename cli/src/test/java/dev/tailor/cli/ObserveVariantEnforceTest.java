package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The log variant of learned profiles under the real libseccomp, loaded by tailor's loader and by
 * libseccomp's own Python binding: what the learned profile refuses runs, unlearned syscalls and
 * argument values alike, while clone3's ENOSYS (the profile's own answer) stays.
 */
class ObserveVariantEnforceTest {
  @TempDir static Path tmp;
  static Path args;
  static Path observe;

  @BeforeAll
  static void prerequisites() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed (apt-get install strace)");
    args = ArgsWorkload.compile(tmp);
    observe = ObserveWorkload.compile(tmp);
  }

  static Stream<ArgsWorkload.Mode> modes() {
    return ArgsWorkload.MODES.stream();
  }

  private static Path learn(String name, String... command) throws Exception {
    Path out = tmp.resolve("learned");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "learn",
                "--no-status",
                "--runtime",
                "none",
                "--out",
                out.toString(),
                "--name",
                name,
                "--"));
    cmd.addAll(List.of(command));
    TailorProcess.Result r = TailorProcess.tailor(tmp, cmd.toArray(new String[0]));
    assertEquals(0, r.exit(), r.err());
    return out.resolve(name).resolve(SeccompJson.FILE_NAME);
  }

  private static Path logVariant(Path learned) throws Exception {
    Path file = learned.resolveSibling("seccomp.log-variant.json");
    SeccompJson.write(ObserveVariant.logging(SeccompJson.read(learned).profile()), file);
    return file;
  }

  private static List<String> underBothLoaders(Path profile, List<String> command)
      throws Exception {
    List<String> enforce =
        new ArrayList<>(List.of("enforce", "--seccomp", profile.toString(), "--"));
    enforce.addAll(command);
    TailorProcess.Result mine = TailorProcess.tailor(tmp, enforce.toArray(new String[0]));
    assertEquals(0, mine.exit(), mine.err());
    assumeTrue(PlainLoader.MISSING == null, PlainLoader.MISSING);
    TailorProcess.Result plain = PlainLoader.run(profile, command, tmp);
    assertEquals(0, plain.exit(), plain.err());
    assertEquals(mine.out(), plain.out(), "libseccomp's own loader agrees with tailor's");
    return mine.out().lines().toList();
  }

  @Test
  void unlearnedSyscalls_refusedByTheProfile_runUnderItsLogVariant() throws Exception {
    Path learned = learn("observe-plain", observe.toString(), "plain");
    Path dir = Files.createDirectories(tmp.resolve("refused"));
    assertEquals(
        ObserveWorkload.MORE_REFUSED,
        underBothLoaders(learned, List.of(observe.toString(), "more", dir.toString())));
    Path variant = logVariant(learned);
    Path dir2 = Files.createDirectories(tmp.resolve("run-mine"));
    assertEquals(
        ObserveWorkload.MORE_RUN,
        TailorProcess.tailor(
                tmp,
                "enforce",
                "--seccomp",
                variant.toString(),
                "--",
                observe.toString(),
                "more",
                dir2.toString())
            .out()
            .lines()
            .toList());
    assumeTrue(PlainLoader.MISSING == null, PlainLoader.MISSING);
    Path dir3 = Files.createDirectories(tmp.resolve("run-plain"));
    assertEquals(
        ObserveWorkload.MORE_RUN,
        PlainLoader.run(variant, List.of(observe.toString(), "more", dir3.toString()), tmp)
            .out()
            .lines()
            .toList());
  }

  /**
   * Each probe line the learned profile refused now ends as it does without a profile; clone3 stays
   * ENOSYS.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void unlearnedArgumentValues_runUnderTheLogVariant(ArgsWorkload.Mode m) throws Exception {
    Path learned = learn("args-" + m.name(), args.toString(), m.name());
    List<String> probe = List.of(args.toString(), m.name(), "probe");
    TailorProcess.Result bare = TailorProcess.run(probe, tmp, Map.of());
    assertEquals(0, bare.exit(), bare.err());
    List<String> expected = new ArrayList<>();
    List<String> bareLines = bare.out().lines().toList();
    for (int i = 0; i < m.enforced().size(); i++) {
      String enforced = m.enforced().get(i);
      expected.add(enforced.endsWith(": errno 38") ? enforced : bareLines.get(i));
    }
    assertEquals(m.enforced(), underBothLoaders(learned, probe), "the learned profile refuses");
    assertEquals(
        expected,
        underBothLoaders(logVariant(learned), probe),
        "its log variant runs what it refused");
  }
}
