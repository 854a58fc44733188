package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload whose stdout its starter redirected to a file: that file says where it was started,
 * not what it does, so it is reported and written as a rule only when asked for.
 */
class InheritedFilesTest {
  @Test
  void stdoutRedirectedToAFile_isReported_andARuleOnlyWithKeepInherited(@TempDir Path dir)
      throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    // TailorProcess runs tailor with its stdout redirected to a temporary file, which the
    // workload inherits; cat writes it with copy_file_range, echo with write.
    List<String> workload = List.of("--", "sh", "-c", "cat /etc/hostname; echo done");
    TailorProcess.Result plain =
        TailorProcess.tailor(
            dir,
            concat(
                List.of(
                    "learn",
                    "--runtime",
                    "none",
                    "--no-status",
                    "--out",
                    dir.toString(),
                    "--name",
                    "plain"),
                workload));
    assertEquals(0, plain.exit(), plain.err());
    assertTrue(plain.out().endsWith("done\n"), plain.out());
    Recording r = RecordingJson.read(dir.resolve("plain"));
    FileUse stdout =
        r.inherited().values().stream()
            .filter(f -> f.path().contains("tailor-test-out"))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("stdout's file not inherited: " + r.inherited().keySet()));
    assertTrue(stdout.accesses().contains(Access.WRITE), stdout.toString());
    assertTrue(
        r.files().keySet().stream().noneMatch(p -> p.contains("tailor-test-out")),
        "no file entry for it");
    assertTrue(
        r.files().get("/etc/hostname").accesses().contains(Access.READ),
        "what the workload opened stays");
    String profile =
        Files.readString(dir.resolve("plain/apparmor.profile"), StandardCharsets.UTF_8);
    assertFalse(profile.contains("tailor-test-out"), profile);
    String report = Files.readString(dir.resolve("plain/report.md"), StandardCharsets.UTF_8);
    assertTrue(
        report.contains("## Inherited files") && report.contains("--keep-inherited"), report);

    TailorProcess.Result kept =
        TailorProcess.tailor(
            dir,
            concat(
                List.of(
                    "learn",
                    "--runtime",
                    "none",
                    "--no-status",
                    "--keep-inherited",
                    "--out",
                    dir.toString(),
                    "--name",
                    "kept"),
                workload));
    assertEquals(0, kept.exit(), kept.err());
    String keptProfile =
        Files.readString(dir.resolve("kept/apparmor.profile"), StandardCharsets.UTF_8);
    assertTrue(
        keptProfile
            .lines()
            .anyMatch(l -> l.contains("tailor-test-out") && l.matches(".*\" [a-z]*w[a-z]*,.*")),
        keptProfile);
    if (TailorProcess.onPath("apparmor_parser")) {
      Process p =
          new ProcessBuilder(
                  "apparmor_parser",
                  "-Q",
                  "-K",
                  "-T",
                  dir.resolve("kept/apparmor.profile").toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
    }
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
