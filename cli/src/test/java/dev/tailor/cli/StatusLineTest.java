package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live status line shows on a terminal (util-linux script gives the run a pty). */
class StatusLineTest {
  @TempDir Path tmp;

  @Test
  void learn_onATerminal_showsLiveStatus() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("script"), "util-linux script is not installed: no pty to test with");
    String tailor = TailorProcess.tailorCommand("learn", "--out", tmp.toString(), "--name", "tty", "--", "sh", "-c", "sleep 1.6")
        .stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    TailorProcess.Result r = TailorProcess.run(List.of("script", "-qec", tailor, "/dev/null"), tmp, Map.of());
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().matches("(?s).*\r\u001b\\[Ktailor: 0:0\\d  syscalls \\d+ \\(\\d+ distinct\\)  files \\d+  processes \\d+.*"), r.out());
  }
}
