package dev.tailor.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorWriter;
import dev.tailor.generator.report.ArgumentSection;
import dev.tailor.generator.report.Report;
import dev.tailor.generator.seccomp.SeccompGenerator;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompResult;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.strace.TraceParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each {@code golden/<case>/trace.strace} (real strace 6.1 output) goes through the
 * real path, parser, recorder, generators and writers, and must give the {@code expected.*} files
 * byte for byte. {@code -Dtailor.updateGolden=true} rewrites them instead.
 */
class GoldenFilesTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  // Where the traces were recorded; fixed so relative paths resolve the same on every machine.
  private static final String CWD = "/tmp/tailor-golden";

  // Fixed, not this machine's: the seccomp architectures follow the recording's arch.
  private static final String ARCH = "x86_64";

  private static final boolean UPDATE = Boolean.getBoolean("tailor.updateGolden");

  static Stream<String> cases() throws IOException {
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
  void trace_givesTheExpectedProfiles_byteForByte_everyTime(String name) throws Exception {
    Path dir = GOLDEN.resolve(name);
    Map<String, String> first = generate(dir.resolve("trace.strace"), name);
    Map<String, String> second = generate(dir.resolve("trace.strace"), name);
    assertEquals(first, second, "generating twice from one trace must give the same bytes");
    for (Map.Entry<String, String> e : first.entrySet()) {
      Path expected = dir.resolve(e.getKey());
      if (UPDATE) {
        Files.writeString(expected, e.getValue(), StandardCharsets.UTF_8);
        continue;
      }
      if (!Files.exists(expected)) {
        fail(expected + " is missing; run mvn test -Dtailor.updateGolden=true and review the diff");
      }
      assertEquals(
          Files.readString(expected, StandardCharsets.UTF_8),
          e.getValue(),
          () ->
              name
                  + "/"
                  + e.getKey()
                  + " changed; if on purpose, rerun with -Dtailor.updateGolden=true");
    }
  }

  /** The files one trace gives, by name: the same calls the CLI makes, minus the file system. */
  private static Map<String, String> generate(Path trace, String name) throws Exception {
    Recorder recorder =
        new Recorder(
            name, "trace", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of(CWD));
    recorder.setSource("trace.strace");
    TraceParser parser = new TraceParser(recorder);
    try (InputStream in = Files.newInputStream(trace)) {
      parser.parse(in);
    }
    assertTrue(parser.syscalls() > 0, trace + " holds no syscalls");
    Recording recording = recorder.toRecording(name, ARCH);
    Map<String, String> out = new TreeMap<>();
    SeccompResult seccomp = SeccompGenerator.generate(recording);
    out.put("expected.seccomp.json", SeccompJson.toJson(seccomp.profile()));
    out.put(
        "expected.apparmor",
        AppArmorWriter.write(
            AppArmorGenerator.generate(recording, AppArmorOptions.draft(name)).profile()));
    out.put(
        "expected.report.md",
        new Report(recording, List.of(ArgumentSection.of(seccomp.arguments(), true))).render());
    return out;
  }
}
