package dev.tailor.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker daemon of the test's own, beside the host's (which it never touches): its own data root
 * (kept under /var/tmp, so an imported image outlives the run), exec root, socket and containerd,
 * started with {@code --add-runtime tailor=PATH}. Measured here: ready in ~2 s.
 */
final class Dockerd implements AutoCloseable {
  /** Debian's docker.io client (20.10); /usr/local/bin/docker may be another one. */
  static final String CLIENT = "/usr/bin/docker";

  static final Path DATA = Path.of("/var/tmp/tailor-dockerd/data");
  static final Path EXEC = Path.of("/run/tailor-test-dockerd");
  static final Path PIDFILE = Path.of("/run/tailor-test-dockerd.pid");
  static final String HOST = "unix:///run/tailor-test-dockerd.sock";

  private final Process process;
  final Path log;

  private Dockerd(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Skips the test, saying why, where dockerd, its client, ctr or runc is missing, or this is not
   * root.
   */
  static void assumeDocker() {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/dockerd")),
        "dockerd is not installed (apt-get install docker.io)");
    assumeTrue(
        Files.isExecutable(Path.of(CLIENT)),
        CLIENT + " is not installed (apt-get install docker.io)");
    assumeTrue(
        TailorProcess.onPath("ctr") || Files.isExecutable(Path.of("/usr/bin/ctr")),
        "ctr is not installed (apt-get install containerd)");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/runc")) || TailorProcess.onPath("runc"),
        "runc is not installed");
    assumeTrue("root".equals(System.getProperty("user.name")), "dockerd needs root");
  }

  /** containerd of this daemon (what {@code ctr -a} takes). */
  static Path containerdSocket() {
    return EXEC.resolve("containerd/containerd.sock");
  }

  /**
   * Starts the daemon with the runtime {@code tailor} = {@code runtime}; waits until it answers.
   */
  static Dockerd start(Path runtime, Path logDir) throws Exception {
    stopLeftover();
    Files.createDirectories(DATA);
    Path log = logDir.resolve("dockerd.log");
    Process p =
        new ProcessBuilder(
                "/usr/sbin/dockerd",
                "--data-root",
                DATA.toString(),
                "--exec-root",
                EXEC.toString(),
                "--pidfile",
                PIDFILE.toString(),
                "-H",
                HOST,
                "--iptables=false",
                "--bridge=none",
                "--ip-forward=false",
                "--ip-masq=false",
                "--add-runtime",
                "tailor=" + runtime)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Dockerd d = new Dockerd(p, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "dockerd ended (exit "
                + p.exitValue()
                + "): "
                + Files.readString(log, StandardCharsets.ISO_8859_1));
      }
      if (RealImage.run(List.of(CLIENT, "-H", HOST, "version"), 30).exit() == 0) {
        return d;
      }
      Thread.sleep(100);
    }
    d.close();
    throw new AssertionError(
        "dockerd did not answer on "
            + HOST
            + " within 120 s: "
            + Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  /**
   * A daemon of an earlier run that died with its JVM: it holds the data root, so it goes first.
   */
  private static void stopLeftover() throws Exception {
    if (!Files.exists(PIDFILE)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(PIDFILE).trim());
    var h =
        ProcessHandle.of(pid)
            .filter(
                ph ->
                    ph.info().commandLine().map(c -> c.contains(PIDFILE.toString())).orElse(false));
    if (h.isPresent()) {
      h.get().destroy();
      h.get().onExit().get(60, TimeUnit.SECONDS);
    }
  }

  /** {@code docker -H HOST ARGS...}. */
  TailorProcess.Result docker(String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(CLIENT, "-H", HOST));
    argv.addAll(List.of(args));
    return TailorProcess.run(argv, Path.of("/"), java.util.Map.of());
  }

  @Override
  public void close() throws Exception {
    // SIGTERM: dockerd stops its containers and its containerd, then exits.
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      TailorProcess.killTree(process);
    }
  }
}
