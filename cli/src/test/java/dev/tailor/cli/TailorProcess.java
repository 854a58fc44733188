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

/**
 * Runs tailor (or any command) as a real process, for tests where the workload replaces the JVM or
 * owns stdout.
 */
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
    return tailorCommand(List.of(), args);
  }

  /** As {@link #tailorCommand(String...)}, with {@code jvmOptions} given to the JVM. */
  static List<String> tailorCommand(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    // A suite started in the background of a shell (as CI may start it) inherits SIGINT ignored,
    // and
    // so would tailor and its workload: a test that interrupts a workload would wait forever. env
    // execs java, so the process is tailor's all the same (its pid, its signals).
    cmd.add("/usr/bin/env");
    cmd.add("--default-signal=INT");
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
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
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
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
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.ISO_8859_1),
          Files.readString(err, StandardCharsets.ISO_8859_1));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Kills a process a test started and everything below it, by pid (a process group would be
   * broader than what the test started), and waits for it; nothing when it is null.
   */
  static void killTree(Process p) throws InterruptedException {
    if (p == null) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** How long a wait for an event may take before the test is taken to hang. */
  private static final long HANG_SECONDS = 120;

  /**
   * Waits until {@code file} holds a line starting with {@code prefix}; fails if {@code writer}
   * ends first.
   */
  static String awaitLine(Path file, String prefix, Process writer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        for (String line : Files.readString(file, StandardCharsets.ISO_8859_1).split("\n", -1)) {
          if (line.startsWith(prefix)
              && Files.readString(file, StandardCharsets.ISO_8859_1).contains(line + "\n")) {
            return line;
          }
        }
      }
      if (!writer.isAlive()) {
        throw new AssertionError(
            "ended (exit " + writer.exitValue() + ") before printing '" + prefix + "' to " + file);
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "no line '" + prefix + "' in " + file + " after " + HANG_SECONDS + " s");
  }

  /** The TracerPid of a process (its main thread), "" when it is gone. */
  static String tracerPid(long pid) throws Exception {
    return tracerPid(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static String tracerPid(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("TracerPid:")) {
          return line.substring(10).trim();
        }
      }
    } catch (java.io.IOException e) {
      // gone
    }
    return "";
  }

  /**
   * Waits until a tracer has seized every thread of {@code pid} (TracerPid in each task's status);
   * fails at once if {@code tailor} ended first, with its log.
   */
  static void awaitTracer(long pid, Process tailor, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          String t = tracerPid(task.resolve("status"));
          all &= !t.isEmpty() && !t.equals("0");
        }
      }
      if (all) {
        return;
      }
      if (!tailor.isAlive()) {
        throw new AssertionError(
            "tailor ended (exit "
                + tailor.exitValue()
                + ") before attaching: "
                + Files.readString(log));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("strace never attached to every thread of " + pid);
  }

  /** Waits until {@code pid} runs with argv[0] {@code name} (its exec is done). */
  static void awaitArgv0(long pid, String name) throws Exception {
    Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_SECONDS);
    while (System.nanoTime() < deadline) {
      if (new String(Files.readAllBytes(cmdline), StandardCharsets.ISO_8859_1)
          .equals(name + "\0")) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(pid + " never ran as " + name);
  }

  /** Sends a signal with kill(1), as a user would. */
  static void kill(String signal, long pid) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertTrue(
        k.waitFor(60, TimeUnit.SECONDS) && k.exitValue() == 0,
        "kill -" + signal + " " + pid + " failed");
  }
}
