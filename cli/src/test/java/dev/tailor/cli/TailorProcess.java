package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs tailor (or any command) as a real process, for tests where the workload replaces the JVM or owns stdout. */
final class TailorProcess {
  private TailorProcess() {}

  /** What a process printed and returned. */
  record Result(int exit, String out, String err) {}

  /** The repository root (samples/ lives there). */
  static Path repo() {
    String root = System.getProperty("tailor.repoRoot");
    Path p = root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
    if (!Files.isDirectory(p.resolve("samples"))) {
      p = Path.of("..").toAbsolutePath().normalize();
    }
    return p;
  }

  static Path sample(String relative) {
    return repo().resolve("samples").resolve(relative);
  }

  /** The java command line that runs tailor's Main from the test class path. */
  static List<String> tailorCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  static Result tailor(Path workDir, String... args) throws Exception {
    return run(tailorCommand(args), workDir, Map.of());
  }

  static Result run(List<String> cmd, Path workDir, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("tailor-test-out", ".txt");
    Path err = Files.createTempFile("tailor-test-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(workDir.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean done = p.waitFor(300, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      assertTrue(done, "timed out: " + cmd);
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
          Files.readString(err, StandardCharsets.ISO_8859_1));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
