package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tailor.tracer.backend.TraceException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profile names from commands, --duration, and the exit code of each tracing failure. */
class NamesAndDurationsTest {
  @Test
  void sanitize_keepsOnlyTheSafeBytes_atTheirBounds() {
    assertEquals("azAZ09._-x", ProfileNames.sanitize("azAZ09._-x"));
    assertEquals("a", ProfileNames.sanitize("a-"), "no trailing -");
    // the bytes just outside each range: ` { @ [ / :
    assertEquals("a-b-c-d-e-f-g", ProfileNames.sanitize("a`b{c@d[e/f:g"));
    assertEquals("a-b", ProfileNames.sanitize("a \n\t b"), "a run of others is one -");
    assertEquals("workload", ProfileNames.sanitize("///"));
    assertEquals("a", ProfileNames.sanitize("/a/"), "no leading or trailing -");
    assertEquals(64, ProfileNames.sanitize("x".repeat(100)).length(), "at most 64");
    assertEquals("x".repeat(63), ProfileNames.sanitize("x".repeat(63)));
  }

  @Test
  void fromCommand_programAndFirstArgument() {
    assertEquals(
        "python3-app",
        ProfileNames.fromCommand(List.of("/usr/bin/python3", "-u", "srv/app.py", "x")));
    assertEquals(
        "sh-.hidden",
        ProfileNames.fromCommand(List.of("sh", ".hidden")),
        "a leading dot is no extension");
    assertEquals("ls", ProfileNames.fromCommand(List.of("ls", "-l", "")));
    assertEquals("b", ProfileNames.baseName("/a/b//"));
    assertEquals(
        "", ProfileNames.baseName("/"), "the root has no name (sanitize makes it workload)");
    assertEquals("b", ProfileNames.baseName("b"));
  }

  @Test
  void duration_unitsAndRefusals() throws Exception {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
    assertEquals(Duration.ofSeconds(30), Durations.parse(" 30s "));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMillis(1), Durations.parse("1ms"));
    for (String bad : List.of("", "s", "5x", "ms", "1.5s", "soon")) {
      CommandException e = assertThrows(CommandException.class, () -> Durations.parse(bad), bad);
      assertEquals("--duration " + bad + ": give a time such as 30s, 5m or 1h", e.getMessage());
      assertEquals(125, e.exitCode(1));
    }
    for (String zero : List.of("0", "0s", "0ms", "-5m")) {
      CommandException e = assertThrows(CommandException.class, () -> Durations.parse(zero), zero);
      assertEquals("--duration " + zero + ": must be more than zero", e.getMessage());
    }
  }

  @Test
  void exitCode_ofEachTracingFailure_isDockerRuns() {
    assertEquals(127, Main.exitCode(new TraceException(TraceException.Kind.NOT_FOUND, "x")));
    assertEquals(126, Main.exitCode(new TraceException(TraceException.Kind.CANNOT_RUN, "x")));
    assertEquals(125, Main.exitCode(new TraceException(TraceException.Kind.FAILED, "x")));
  }
}
