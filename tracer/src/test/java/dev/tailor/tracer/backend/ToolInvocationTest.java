package dev.tailor.tracer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolInvocationTest {
  @Test
  void run_capturesOutputAndExitCode_argumentsPassedAsIs() throws Exception {
    ToolInvocation r = ToolInvocation.run(List.of("sh", "-c", "echo \"$1\"; echo err >&2; exit 3", "sh", "a \"b\" c"), Duration.ofSeconds(20));
    assertEquals(3, r.exitCode());
    assertTrue(r.output().contains("a \"b\" c\n"), r.output());
    assertTrue(r.output().contains("err"), r.output());
    assertFalse(r.timedOut());
  }

  @Test
  void run_toolThatHangs_isKilledAtTheLimit() throws Exception {
    long start = System.nanoTime();
    ToolInvocation r = ToolInvocation.run(List.of("sleep", "30"), Duration.ofMillis(300));
    assertTrue(r.timedOut());
    assertTrue(System.nanoTime() - start < 20_000_000_000L, "returned long before the tool would have ended");
  }
}
