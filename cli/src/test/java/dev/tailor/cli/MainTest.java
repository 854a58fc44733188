package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  @ParameterizedTest
  @ValueSource(strings = {"learn", "generate", "merge", "check", "enforce", "export"})
  void help_ofEverySubcommand_printsUsageAndExitsZero(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {command, "--help"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().startsWith("Usage: tailor " + command), out.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"generate", "merge"})
  void unknownOption_isAUsageError(String command) {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {command, "--bogus", "x"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(Main.EXIT_USAGE, code);
    assertTrue(err.toString().startsWith("tailor: Unknown option: '--bogus'"), err.toString());
  }
}
