package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.FileTrees;
import java.io.File;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian image for container tests, made without a registry: {@code mmdebstrap
 * --variant=minbase --include=PACKAGES bookworm} once, cached under /var/tmp keyed by its package
 * list (15 s to several minutes to build, so every test run after the first reuses it), and
 * imported into podman, Docker and containerd under a name with the same key (an import already
 * there is reused).
 */
final class RealImage {
  static final String SUITE = "bookworm";
  static final String PACKAGES = "python3,nginx-light";
  static final Path CACHE = Path.of("/var/tmp/tailor-images");

  private RealImage() {}

  /** The cache key: the first 12 hex digits of the SHA-256 of what makes the image. */
  static String key() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((SUITE + " minbase " + PACKAGES).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The name the image is imported as: {@code tailor-bookworm:KEY}. */
  static String name() {
    return "tailor-" + SUITE + ":" + key();
  }

  /**
   * Skips the test, saying why, where mmdebstrap is missing (apt-get install mmdebstrap) or this is
   * not root.
   */
  static void assumeBuildable() {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/mmdebstrap")),
        "mmdebstrap is not installed (apt-get install mmdebstrap)");
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "mmdebstrap and the runtimes need root here");
  }

  /** The image's tar, built once (other test JVMs wait on a lock meanwhile). */
  static Path tar() throws Exception {
    Files.createDirectories(CACHE);
    Path tar = CACHE.resolve(SUITE + "-" + key() + ".tar");
    try (FileChannel lock =
            FileChannel.open(
                CACHE.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = lock.lock()) {
      if (Files.isRegularFile(tar)) {
        return tar;
      }
      Path part = CACHE.resolve(tar.getFileName() + ".part");
      // What an interrupted or older run left: a part, or a folder where the tar belongs.
      FileTrees.delete(part);
      FileTrees.delete(tar);
      Result r =
          run(
              List.of(
                  "mmdebstrap",
                  "--variant=minbase",
                  // the name ends in .part, from which mmdebstrap would guess a folder, not a tar
                  "--format=tar",
                  "--include=" + PACKAGES,
                  SUITE,
                  part.toString()),
              1200);
      assertEquals(0, r.exit(), "mmdebstrap failed: " + r.output());
      Files.move(part, tar, StandardCopyOption.ATOMIC_MOVE);
      return tar;
    }
  }

  /** Imports the image into podman, unless it is there. */
  static String podman() throws Exception {
    if (run(List.of("podman", "image", "exists", "localhost/" + name()), 120).exit() != 0) {
      Result r = run(List.of("podman", "import", tar().toString(), "localhost/" + name()), 600);
      assertEquals(0, r.exit(), r.output());
    }
    return "localhost/" + name();
  }

  /** Imports the image into the Docker daemon at {@code host} (unix:///...), unless it is there. */
  static String docker(String host) throws Exception {
    if (run(List.of(Dockerd.CLIENT, "-H", host, "image", "inspect", name()), 120).exit() != 0) {
      Result r = run(List.of(Dockerd.CLIENT, "-H", host, "import", tar().toString(), name()), 600);
      assertEquals(0, r.exit(), r.output());
    }
    return name();
  }

  /**
   * Copies the image from the Docker daemon at {@code host} into containerd at {@code socket},
   * namespace {@code ns}.
   */
  static String containerd(String host, Path socket, String ns) throws Exception {
    String ref = "docker.io/library/" + name();
    if (run(List.of("ctr", "-a", socket.toString(), "-n", ns, "image", "ls", "-q"), 120)
        .output()
        .lines()
        .noneMatch(ref::equals)) {
      docker(host);
      Result r =
          run(
              List.of(
                  "bash",
                  "-c",
                  "set -o pipefail; \"$0\" -H \"$1\" save \"$2\" | ctr -a \"$3\" -n \"$4\" image import -",
                  Dockerd.CLIENT,
                  host,
                  name(),
                  socket.toString(),
                  ns),
              600);
      assertEquals(0, r.exit(), r.output());
    }
    return ref;
  }

  record Result(int exit, String output) {}

  /** Runs {@code argv} with stdout and stderr together, at most {@code seconds}. */
  static Result run(List<String> argv, int seconds) throws Exception {
    Path out = Files.createTempFile("tailor-image", ".txt");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        TailorProcess.killTree(p);
        throw new AssertionError("timed out after " + seconds + " s: " + argv);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
