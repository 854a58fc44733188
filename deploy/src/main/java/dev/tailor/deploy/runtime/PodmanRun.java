package dev.tailor.deploy.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The start of the {@code podman run} command line of a throwaway container as tailor runs one to
 * measure a runtime base (and its tests run theirs): cgroupfs (no systemd scope), removed at exit,
 * no network, fixed limits on open files and processes, and optionally the host's {@code /usr} and
 * {@code /etc} mounted read-only over a minimal root. The caller adds its options, then the image
 * or {@code --rootfs}, then the command.
 *
 * @param hooksDir an OCI hooks folder podman reads in place of its own, if any
 * @param runtime the OCI runtime podman runs: a name on PATH or a path
 * @param hostSystem whether the host's {@code /usr} and {@code /etc} are mounted read-only
 */
public record PodmanRun(Optional<Path> hooksDir, String runtime, boolean hostSystem) {
  /** {@code podman [--hooks-dir H] --runtime R ... run ...}, up to the caller's own options. */
  public List<String> argv() {
    List<String> argv = new ArrayList<>(List.of("podman"));
    hooksDir.ifPresent(h -> argv.addAll(List.of("--hooks-dir", h.toString())));
    argv.addAll(
        List.of(
            "--runtime",
            runtime,
            "--cgroup-manager",
            "cgroupfs",
            "run",
            "--rm",
            "--network",
            "none",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=1024:1024"));
    if (hostSystem) {
      argv.addAll(List.of("-v", "/usr:/usr:ro", "-v", "/etc:/etc:ro"));
    }
    return argv;
  }
}
