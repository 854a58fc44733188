package dev.tailor.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A seccomp loader that shares no code with tailor: {@code loaders/oci_seccomp_exec.py} builds the
 * filter of an OCI profile with libseccomp's own Python binding (Debian's python3-seccomp), as runc
 * and crun build theirs with libseccomp, and execs the command under it.
 */
final class PlainLoader {
  /** Debian's python3, where python3-seccomp installs libseccomp's binding. */
  private static final String SYSTEM_PYTHON = "/usr/bin/python3";

  private static final Path SCRIPT =
      TailorProcess.repo().resolve("cli/src/test/resources/loaders/oci_seccomp_exec.py");

  /** Why the loader cannot run here, or null when it can. */
  static final String MISSING = missing();

  private PlainLoader() {}

  private static String missing() {
    try {
      Process p =
          new ProcessBuilder(SYSTEM_PYTHON, "-c", "import seccomp")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor() == 0
          ? null
          : "libseccomp's Python binding is missing (apt-get install python3-seccomp)";
    } catch (IOException e) {
      return SYSTEM_PYTHON + " is missing (apt-get install python3 python3-seccomp)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Runs {@code command} under {@code seccompJson}, loaded by libseccomp's binding. */
  static TailorProcess.Result run(Path seccompJson, List<String> command, Path workDir)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(SYSTEM_PYTHON, SCRIPT.toString(), seccompJson.toString()));
    cmd.addAll(command);
    return TailorProcess.run(cmd, workDir, Map.of());
  }
}
