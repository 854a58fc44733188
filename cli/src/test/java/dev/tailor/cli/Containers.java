package dev.tailor.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.deploy.oci.Bundle;
import dev.tailor.deploy.runtime.PodmanRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Real containers for tests: podman with runc, run from a folder root (no image can be pulled here)
 * that sees the host's /usr and /etc read-only, in the form that works on this machine kind.
 */
final class Containers {
  private Containers() {}

  /** Skips the test, saying why, when podman or runc is not installed. */
  static void assumePodmanRunc() {
    assumeTrue(
        TailorProcess.onPath("podman") || Files.isExecutable(Path.of("/usr/bin/podman")),
        "podman is not installed (Debian: apt-get install podman runc)");
    assumeTrue(
        TailorProcess.onPath("runc") || Files.isExecutable(Path.of("/usr/sbin/runc")),
        "runc is not installed (Debian: apt-get install runc)");
    assumeTrue(
        ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "podman here runs containers as root only (no subuid set-up for other users)");
  }

  /** A fresh root folder for containers. */
  static Path rootfs(Path dir) throws IOException {
    Bundle.create(dir, List.of("/usr/bin/true"), Bundle.Variant.ALL.get(0));
    return dir.resolve("rootfs");
  }

  /**
   * {@code podman [--hooks-dir H] --runtime runc ... run OPTIONS... --rootfs ROOT CMD...}; the
   * samples folder is mounted read-only at its host path, so commands and paths are the host's.
   */
  static List<String> podman(
      Path hooksDir, Path rootfs, List<String> options, List<String> command) {
    List<String> argv = new PodmanRun(Optional.ofNullable(hooksDir), "runc", true).argv();
    argv.addAll(List.of("-v", samples() + ":" + samples() + ":ro"));
    argv.addAll(options);
    argv.addAll(List.of("--rootfs", rootfs.toString()));
    argv.addAll(command);
    return argv;
  }

  static String samples() {
    return TailorProcess.repo().resolve("samples").toString();
  }

  static TailorProcess.Result run(List<String> argv) throws Exception {
    return TailorProcess.run(argv, Path.of("/"), Map.of());
  }

  /**
   * Waits until no background tracer of the learn hook runs for {@code store}: each one's marker
   * ({@code .tailor/learning/ID}, made by the hook before the container starts) is removed only
   * after its profile was written or its failure logged. Needed after {@code podman run} returns:
   * podman may run the poststop hook that waits for the tracer in its cleanup, after the client has
   * returned, and a failed start runs none.
   */
  static void awaitTracers(Path store, Callable<String> logs) throws Exception {
    Path learning = store.resolve(".tailor/learning");
    if (!NotifyWorkload.await(() -> noMarkers(learning), Duration.ofSeconds(180))) {
      throw new AssertionError("the learn hook's tracer never ended: " + logs.call());
    }
  }

  private static boolean noMarkers(Path learning) {
    try (var markers = Files.list(learning)) {
      return markers.findAny().isEmpty();
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A launcher script like ./tailor that runs tailor from the test class path, for the hooks podman
   * runs (they need an executable file, and tailor's background tracer starts it again).
   */
  static Path launcher(Path dir) throws IOException {
    List<String> java = TailorProcess.tailorCommand();
    StringBuilder s = new StringBuilder("#!/bin/sh\nexport TAILOR_LAUNCHER=\"$0\"\nexec");
    for (String w : java) {
      s.append(" '").append(w.replace("'", "'\\''")).append('\'');
    }
    s.append(" \"$@\"\n");
    Path f = dir.resolve("tailor");
    Files.writeString(f, s.toString());
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }
}
