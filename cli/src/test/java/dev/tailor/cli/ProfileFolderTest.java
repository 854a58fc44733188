package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile folder is always one run's, whole (issue 12, item 1). */
class ProfileFolderTest {
  @TempDir Path tmp;

  /** An strace log that opens {@code files} distinct files, so recording.json grows with it. */
  private Path trace(String name, int files) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < files; i++) {
      s.append("100  openat(AT_FDCWD, \"/srv/data/file")
          .append(i)
          .append(".txt\", O_RDONLY) = 3</srv/data/file")
          .append(i)
          .append(".txt>\n");
    }
    s.append("100  exit_group(0)                     = ?\n100  +++ exited with 0 +++\n");
    Path t = tmp.resolve(name);
    Files.writeString(t, s.toString(), StandardCharsets.UTF_8);
    return t;
  }

  /** Every file below {@code dir}, relative, with its bytes. */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
      }
    }
    return m;
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void write_fileTooLargeHalfway_leavesThePreviousFolderWholeAndNoTemporaryFiles()
      throws Exception {
    Path out = tmp.resolve("out");
    TailorProcess.Result first =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--name",
            "app",
            "--out",
            out.toString(),
            "--no-resolve",
            trace("small.log", 3).toString());
    assertEquals(0, first.exit(), first.err());
    Map<String, String> before = tree(out);

    // A real write failure: the file size limit lets seccomp.json and apparmor.profile through,
    // then stops recording.json (as a full disk would).
    Path big = trace("big.log", 2000);
    List<String> cmd =
        new java.util.ArrayList<>(List.of("bash", "-c", "ulimit -f 24; exec \"$@\"", "bash"));
    // JNA unpacks its 200 KB native part to a temporary file, which the limit would stop: unpack it
    // here.
    Path jna = Files.createDirectories(tmp.resolve("jna"));
    String lib = System.mapLibraryName("jnidispatch");
    try (java.io.InputStream in =
        com.sun.jna.Native.class.getResourceAsStream(
            "/com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + lib)) {
      Files.copy(in, jna.resolve(lib));
    }
    List<String> tailor =
        TailorProcess.tailorCommand(
            List.of("-Djna.boot.library.path=" + jna),
            "generate",
            "--name",
            "app",
            "--out",
            out.toString(),
            "--no-resolve",
            big.toString());
    cmd.addAll(tailor);
    TailorProcess.Result second = TailorProcess.run(cmd, tmp, Map.of());

    assertNotEquals(0, second.exit(), second.err());
    assertTrue(second.err().startsWith("tailor: cannot write profiles to "), second.err());
    assertEquals(1, second.err().lines().count(), second.err());
    assertEquals(before, tree(out), "the folder must still be the first run's, whole");
    assertEquals(List.of("app"), entries(out), "no temporary folder or file may be left");
  }

  @Test
  void write_overAnExistingFolder_replacesEveryProfileFileAndKeepsFilesTailorDidNotWrite()
      throws Exception {
    Path out = tmp.resolve("out");
    TailorProcess.Result first =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--name",
            "app",
            "--out",
            out.toString(),
            "--no-resolve",
            trace("small.log", 3).toString());
    assertEquals(0, first.exit(), first.err());
    Files.writeString(out.resolve("app/NOTES.txt"), "reviewed by ops\n");
    Files.writeString(out.resolve("app/.recording.json.tmp"), "left by an older tailor");

    TailorProcess.Result second =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--name",
            "app",
            "--out",
            out.toString(),
            "--no-resolve",
            trace("other.log", 40).toString());
    assertEquals(0, second.exit(), second.err());

    assertEquals(
        List.of(
            "NOTES.txt",
            "apparmor.profile",
            "recording.json",
            "report.md",
            "seccomp.json",
            "seccomp.observe.json"),
        entries(out.resolve("app")));
    assertEquals("reviewed by ops\n", Files.readString(out.resolve("app/NOTES.txt")));
    assertTrue(Files.readString(out.resolve("app/recording.json")).contains("file39.txt"));
    assertTrue(Files.readString(out.resolve("app/report.md")).contains("file39.txt"));
    assertEquals(List.of("app"), entries(out));
  }
}
