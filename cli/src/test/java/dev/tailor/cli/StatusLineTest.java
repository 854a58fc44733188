package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live status line shows on a terminal (util-linux script gives the run a pty). The workload
 * waits on a FIFO until the test has seen the status line, so no tick has to fit a fixed window.
 */
class StatusLineTest {
  private static final Pattern STATUS =
      Pattern.compile(
          "\r\u001b\\[Ktailor: \\d+:\\d\\d  syscalls [\\d,]+ \\(\\d+ distinct\\)  files [\\d,]+  processes [\\d,]+");

  @TempDir Path tmp;

  private Process script;

  @AfterEach
  void killWhatTheTestStarted() throws InterruptedException {
    TailorProcess.killTree(script);
  }

  @Test
  void learn_onATerminal_showsLiveStatus() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(
        TailorProcess.onPath("script"), "util-linux script is not installed: no pty to test with");
    assumeTrue(TailorProcess.onPath("mkfifo"), "coreutils mkfifo is not installed");
    Path fifo = tmp.resolve("go");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    String tailor =
        TailorProcess.tailorCommand(
                "learn",
                "--out",
                tmp.toString(),
                "--name",
                "tty",
                "--",
                "sh",
                "-c",
                "read line < " + fifo)
            .stream()
            .map(a -> "'" + a.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    Path out = tmp.resolve("pty.out");
    script =
        new ProcessBuilder(List.of("script", "-qec", tailor, "/dev/null"))
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!STATUS.matcher(Files.readString(out, StandardCharsets.ISO_8859_1)).find()) {
      assertTrue(
          script.isAlive(),
          "ended before a status line: " + Files.readString(out, StandardCharsets.ISO_8859_1));
      assertTrue(
          System.nanoTime() < deadline,
          "no status line after 120 s: " + Files.readString(out, StandardCharsets.ISO_8859_1));
      Thread.sleep(50);
    }
    Files.writeString(fifo, "go\n");
    assertTrue(script.waitFor(120, TimeUnit.SECONDS), "tailor did not end after the workload did");
    String text = Files.readString(out, StandardCharsets.ISO_8859_1);
    assertEquals(0, script.exitValue(), text);
    assertTrue(text.contains("tailor: wrote "), text);
    // close() wipes the status line before the summary, so the summary is not glued to it
    assertTrue(text.lastIndexOf("\r\u001b[K") < text.indexOf("tailor: wrote "), text);
  }
}
