package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tailor.tracer.Arch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generator module's golden traces through {@code tailor generate} in two separate JVMs (their
 * identity hash codes, thread timing and class-load order differ): both must write the committed
 * golden profiles byte for byte, and the same report.
 */
class GoldenAcrossProcessesTest {
  private static final Path GOLDEN =
      TailorProcess.repo().resolve("generator/src/test/resources/golden");

  @TempDir Path tmp;

  static Stream<String> cases() throws Exception {
    try (Stream<Path> s = Files.list(GOLDEN)) {
      return s
          .filter(p -> Files.exists(p.resolve("trace.strace")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void generate_inTwoProcesses_writesTheCommittedGoldens(String name) throws Exception {
    Path one = generate(name, "one");
    Path two = generate(name, "two");
    for (String f :
        new String[] {"seccomp.json", "apparmor.profile", "recording.json", "report.md"}) {
      assertEquals(
          Files.readString(one.resolve(f)),
          Files.readString(two.resolve(f)),
          name + "/" + f + " differs between processes");
    }
    // The same settings as GoldenFilesTest: lexical paths, the traces' working directory.
    assertEquals(
        golden(name, "expected.apparmor"),
        Files.readString(one.resolve("apparmor.profile"), StandardCharsets.UTF_8));
    if (Arch.current().equals("x86_64")) {
      // The goldens were recorded on x86_64; elsewhere the architectures list is this machine's.
      assertEquals(
          golden(name, "expected.seccomp.json"),
          Files.readString(one.resolve("seccomp.json"), StandardCharsets.UTF_8));
    }
  }

  private Path generate(String name, String run) throws Exception {
    // The same --out for both, relative to a folder of each run's own: report.md names the folder
    // it was written to.
    Path dir = Files.createDirectories(tmp.resolve(run));
    TailorProcess.Result r =
        TailorProcess.tailor(
            dir,
            "generate",
            "--runtime",
            "none",
            "--no-resolve",
            "--cwd",
            "/tmp/tailor-golden",
            "--name",
            name,
            "--out",
            "out",
            GOLDEN.resolve(name).resolve("trace.strace").toString());
    assertEquals(0, r.exit(), r.err());
    return dir.resolve("out").resolve(name);
  }

  private static String golden(String name, String file) throws Exception {
    return Files.readString(GOLDEN.resolve(name).resolve(file), StandardCharsets.UTF_8);
  }
}
