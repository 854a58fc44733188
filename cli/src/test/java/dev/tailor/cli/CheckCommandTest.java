package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  @TempDir Path tmp;

  @Test
  void looksLikeTrace_tellsStraceLogsFromPrograms() throws Exception {
    assertTrue(
        CheckCommand.looksLikeTrace(
            Files.writeString(
                tmp.resolve("a.log"),
                "1234  execve(\"/bin/true\", [\"true\"], 0x7ffd /* 1 var */) = 0\n")));
    assertTrue(
        CheckCommand.looksLikeTrace(
            Files.writeString(tmp.resolve("b.log"), "[pid  42] 12:00:01.123456 close(3) = 0\n")));
    assertTrue(
        CheckCommand.looksLikeTrace(
            Files.writeString(
                tmp.resolve("c.1234"), "execve(\"/bin/true\", [\"true\"], 0x7ffd) = 0\n")));
    assertFalse(
        CheckCommand.looksLikeTrace(
            Files.writeString(tmp.resolve("run.sh"), "#!/bin/sh\nmake test\n")));
    assertFalse(
        CheckCommand.looksLikeTrace(
            Files.write(tmp.resolve("bin"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1})));
  }
}
