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
 *
 * <p>The containerd is started first and waited for, then given to dockerd ({@code --containerd}):
 * a dockerd that starts its own containerd gives it 15 s and exits with "timeout waiting for
 * containerd to start", which a loaded CI machine has missed.
 */
final class Dockerd implements AutoCloseable {
  /** Debian's docker.io client (20.10); /usr/local/bin/docker may be another one. */
  static final String CLIENT = "/usr/bin/docker";

  static final Path DATA = Path.of("/var/tmp/tailor-dockerd/data");
  static final Path EXEC = Path.of("/run/tailor-test-dockerd");
  static final Path PIDFILE = Path.of("/run/tailor-test-dockerd.pid");
  static final String HOST = "unix:///run/tailor-test-dockerd.sock";

  /** containerd's configuration; its command line names it, which finds a leftover. */
  static final Path CONTAINERD_CONFIG = Path.of("/run/tailor-test-containerd.toml");

  /** How long each daemon may take to answer: a loaded 2-core machine needs far more than ~2 s. */
  private static final long READY_SECONDS = 180;

  private final Process containerd;
  private final Process process;
  final Path log;

  private Dockerd(Process containerd, Process process, Path log) {
    this.containerd = containerd;
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
   * Starts containerd, then the daemon with the runtime {@code tailor} = {@code runtime}; waits
   * until each answers.
   */
  static Dockerd start(Path runtime, Path logDir) throws Exception {
    stopLeftover();
    Files.createDirectories(DATA);
    Process containerd = startContainerd(logDir.resolve("containerd.log"));
    Path log = logDir.resolve("dockerd.log");
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "/usr/sbin/dockerd",
                  "--containerd",
                  containerdSocket().toString(),
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
    } catch (Exception | Error e) {
      stop(containerd);
      throw e;
    }
    Dockerd d = new Dockerd(containerd, p, log);
    try {
      awaitAnswer(p, "dockerd", log, List.of(CLIENT, "-H", HOST, "version"));
    } catch (Exception | Error e) {
      d.close();
      throw e;
    }
    return d;
  }

  /**
   * containerd with dockerd's own settings (no CRI plugin) and the paths dockerd would give it: its
   * content (an imported image) under the data root, its socket where {@link #containerdSocket()}
   * says.
   */
  private static Process startContainerd(Path log) throws Exception {
    Files.writeString(
        CONTAINERD_CONFIG,
        String.join(
            "\n",
            "version = 2",
            "root = \"" + DATA.resolve("containerd/daemon") + "\"",
            "state = \"" + EXEC.resolve("containerd/daemon") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + containerdSocket() + "\"",
            ""));
    Files.createDirectories(containerdSocket().getParent());
    Process c =
        new ProcessBuilder("/usr/bin/containerd", "--config", CONTAINERD_CONFIG.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      awaitAnswer(
          c,
          "containerd",
          log,
          List.of(
              ctr(),
              "--address",
              containerdSocket().toString(),
              "--connect-timeout",
              "2s",
              "version"));
    } catch (Exception | Error e) {
      stop(c);
      throw e;
    }
    return c;
  }

  private static String ctr() {
    return Files.isExecutable(Path.of("/usr/bin/ctr")) ? "/usr/bin/ctr" : "ctr";
  }

  /** Waits until {@code probe} exits 0, failing with the daemon's log if it ends or never does. */
  private static void awaitAnswer(Process daemon, String name, Path log, List<String> probe)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) {
        throw new AssertionError(
            name
                + " ended (exit "
                + daemon.exitValue()
                + "): "
                + Files.readString(log, StandardCharsets.ISO_8859_1));
      }
      if (RealImage.run(probe, 30).exit() == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        name
            + " did not answer within "
            + READY_SECONDS
            + " s: "
            + Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  /**
   * A daemon or containerd of an earlier run that died with its JVM: it holds the data root, so it
   * goes first.
   */
  private static void stopLeftover() throws Exception {
    if (Files.exists(PIDFILE)) {
      long pid = Long.parseLong(Files.readString(PIDFILE).trim());
      var h = ProcessHandle.of(pid).filter(ph -> commandLineHas(ph, PIDFILE.toString()));
      if (h.isPresent()) {
        h.get().destroy();
        h.get().onExit().get(60, TimeUnit.SECONDS);
      }
    }
    for (ProcessHandle h :
        ProcessHandle.allProcesses()
            .filter(ph -> commandLineHas(ph, CONTAINERD_CONFIG.toString()))
            .toList()) {
      h.destroy();
      h.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  private static boolean commandLineHas(ProcessHandle ph, String word) {
    return ph.info().commandLine().map(c -> c.contains(word)).orElse(false);
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      TailorProcess.killTree(p);
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
    // SIGTERM: dockerd stops its containers, then exits; then its containerd.
    try {
      stop(process);
    } finally {
      stop(containerd);
    }
  }
}
