package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The C workload of the observe-mode tests ({@code workloads/trial.c}): {@code plain} prints two
 * lines, {@code more} also makes a mkdir and a getpgid and prints what they returned.
 */
final class ObserveWorkload {
  private ObserveWorkload() {}

  /** What {@code more} prints when its two extra calls run. */
  static final List<String> MORE_RUN =
      List.of("hello from observe", "mkdir: ok", "getpgid: ok", "done");

  /**
   * What {@code more} prints under the profile learned from {@code plain}: both refused with EPERM.
   */
  static final List<String> MORE_REFUSED =
      List.of(
          "hello from observe",
          "mkdir: Operation not permitted",
          "getpgid: Operation not permitted",
          "done");

  /** The calls {@code more} makes that {@code plain} does not. */
  static final List<String> UNLEARNED = List.of("getpgid", "mkdir");

  /**
   * Compiles trial.c into {@code dir} (static, so it runs in any root folder); skips without a
   * compiler.
   */
  static Path compile(Path dir) throws Exception {
    assumeTrue(TailorProcess.onPath("cc"), "no C compiler (apt-get install gcc)");
    Path source = dir.resolve("trial.c");
    try (InputStream in = ObserveWorkload.class.getResourceAsStream("/workloads/trial.c")) {
      Files.write(source, in.readAllBytes());
    }
    Path binary = dir.resolve("observe");
    TailorProcess.Result cc =
        TailorProcess.run(
            List.of("cc", "-O2", "-static", "-o", binary.toString(), source.toString()),
            dir,
            Map.of());
    assertEquals(0, cc.exit(), cc.err());
    return binary;
  }
}
