package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The C workload of the observe-mode tests ({@code workloads/observe.c}): {@code learn} prints and
 * exits; {@code more DIR} also makes a mkdir and a getpgid, which a profile learned from {@code
 * learn} lacks.
 */
final class NotifyWorkload {
  private NotifyWorkload() {}

  /** What {@code more DIR} prints when both unlearned calls succeed. */
  static String moreOutput(String dir) {
    return "start more\nmkdir " + dir + ": ok\ngetpgid: ok\ndone\n";
  }

  /** Compiles observe.c into {@code dir}; skips when there is no C compiler. */
  static Path compile(Path dir) throws Exception {
    assumeTrue(TailorProcess.onPath("cc"), "no C compiler (apt-get install gcc)");
    Path source = dir.resolve("observe.c");
    try (InputStream in = NotifyWorkload.class.getResourceAsStream("/workloads/observe.c")) {
      Files.write(source, in.readAllBytes());
    }
    Path binary = dir.resolve("observe");
    TailorProcess.Result cc =
        TailorProcess.run(
            List.of("cc", "-O2", "-o", binary.toString(), source.toString()), dir, Map.of());
    assertEquals(0, cc.exit(), cc.err());
    return binary;
  }

  /**
   * Waits for {@code condition}, polling, up to a deadline generous enough for a loaded 2-core
   * machine.
   */
  static boolean await(BooleanSupplier condition, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
