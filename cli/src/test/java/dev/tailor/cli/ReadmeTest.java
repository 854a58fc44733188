package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's set-up stays true to what CI installs. */
class ReadmeTest {
  @Test
  void readme_aptLineNamesEveryPackageCiInstalls() throws Exception {
    String ci = Files.readString(TailorProcess.repo().resolve(".ci/run"));
    Matcher list = Pattern.compile("(?s)packages=\\(([^)]*)\\)").matcher(ci);
    assertTrue(list.find(), ".ci/run has no packages=(...)");
    Set<String> installed = new TreeSet<>(Set.of(list.group(1).trim().split("\\s+")));

    String readme = Files.readString(TailorProcess.repo().resolve("README.md"));
    Matcher apt = Pattern.compile("sudo apt-get install ([a-z0-9 .+-]+)").matcher(readme);
    assertTrue(apt.find(), "README has no apt-get install line");
    Set<String> named = new TreeSet<>(Set.of(apt.group(1).trim().split("\\s+")));
    assertEquals(installed, named, "README's apt line and .ci/run's packages");
  }
}
