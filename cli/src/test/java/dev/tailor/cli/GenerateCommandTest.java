package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate on logs that are not whole. */
class GenerateCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private Run generate(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void generate_truncatedLog_saysOnStderrHowManyLinesWereNotUsedAndPointsAtStrict()
      throws Exception {
    Path log = tmp.resolve("cut.log");
    Files.writeString(
        log,
        "7 getpid() = 7\n7 <... read resumed>\"x\", 10) = 1\nnot strace at all\n7 openat(AT_FDCWD, \"/etc/ho");
    Run r =
        generate(
            "generate", "--out", tmp.resolve("out").toString(), "--no-resolve", log.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("tailor: warning: 3 trace lines were not used"), r.err());
    assertTrue(r.err().contains(log + ":2"), "where the first one is: " + r.err());
    assertTrue(r.err().contains("--strict"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void generate_wholeLog_saysNothingAboutUnusedLines() throws Exception {
    Path log = tmp.resolve("whole.log");
    Files.writeString(log, "7 getpid() = 7\n7 exit_group(0) = ?\n7 +++ exited with 0 +++\n");
    Run r =
        generate(
            "generate", "--out", tmp.resolve("out").toString(), "--no-resolve", log.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}
