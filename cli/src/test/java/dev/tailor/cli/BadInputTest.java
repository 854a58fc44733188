package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input gets one clear line: what, where, what to do; never a Java exception's name (issue 12
 * item 13).
 */
class BadInputTest {
  @TempDir static Path tmp;

  /** What Java, not a user, would say. */
  private static final Pattern JAVA =
      Pattern.compile(
          "[A-Z]\\w*(Exception|Error)\\b|java\\.|dev\\.tailor|Input length|Cannot construct|No content to map|`");

  @BeforeAll
  static void files() throws Exception {
    Files.write(
        Files.createDirectories(tmp.resolve("latin1")).resolve("recording.json"),
        new byte[] {(byte) 0xff, '{'});
    Files.writeString(
        Files.createDirectories(tmp.resolve("shape")).resolve("recording.json"),
        "{\"version\":1,\"name\":3}");
    Files.writeString(Files.createDirectories(tmp.resolve("empty")).resolve("recording.json"), "");
    Files.createDirectories(tmp.resolve("folder/recording.json"));
    Files.createDirectories(tmp.resolve("nothing"));
    Files.write(tmp.resolve("latin1.json"), new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
    Files.writeString(tmp.resolve("array.json"), "[1, 2]");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "125 | latin1.json | enforce --seccomp T/latin1.json -- true",
        "125 | array.json  | enforce --seccomp T/array.json -- true",
        "125 | nothing     | enforce --seccomp T/nothing -- true",
        "125 | missing     | enforce --seccomp T/missing.json -- true",
        "1   | latin1      | merge --out T/o T/latin1",
        "1   | shape       | merge --out T/o T/shape",
        "1   | empty       | merge --out T/o T/empty",
        "1   | folder      | merge --out T/o T/folder",
        "1   | nothing     | merge --out T/o T/nothing",
        "1   | missing     | merge --out T/o T/missing",
        "1   | nothing     | generate --out T/o T/nothing",
        "1   | missing     | generate --out T/o T/missing.log",
        "2   | latin1      | check --profile T/latin1 T/latin1",
        "2   | shape       | check --profile T/shape -- true",
      })
  void badInput_isOneClearLineNamingTheFile(int exit, String named, String command) {
    String[] args = command.replace("T/", tmp + "/").split(" ");
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    String text = err.toString();
    assertEquals(exit, code, text);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("tailor: "), text);
    assertTrue(text.contains(named), "says where: " + text);
    assertFalse(JAVA.matcher(text).find(), "no Java in: " + text);
  }
}
