package dev.tailor.deploy.apply;

import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompResult;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SeccompFilter;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a seccomp.json can confine a container on this machine: an OCI profile whose
 * architectures include this machine's, that libseccomp builds into a filter. A profile learned on
 * an aarch64 host names no x86_64 call numbers; runc would skip what it cannot resolve and start
 * the container with a filter nobody reviewed.
 */
final class SeccompCheck {
  private SeccompCheck() {}

  /**
   * Checks the profile {@code json} (read from {@code file}, which is not read again); returns what
   * libseccomp skipped (unknown names), one line each.
   */
  static List<String> check(byte[] json, Path file, String profile) throws ApplyException {
    SeccompResult read;
    try {
      read = SeccompJson.read(json, file.toString());
    } catch (IOException e) {
      throw new ApplyException("profile '" + profile + "': " + oneLine(e.getMessage()), e);
    }
    String machine = SyscallTable.nativeArch();
    List<String> mine = SyscallTable.ociArchitectures(machine);
    List<String> theirs = read.profile().architectures();
    if (mine.isEmpty()) {
      throw new ApplyException(
          "profile '"
              + profile
              + "': this machine's architecture "
              + machine
              + " has no OCI seccomp name tailor knows");
    }
    if (!theirs.isEmpty() && !theirs.contains(mine.get(0))) {
      throw new ApplyException(
          "profile '"
              + profile
              + "' is for "
              + String.join(", ", theirs)
              + ", not for this "
              + machine
              + " machine ("
              + mine.get(0)
              + "): learn it on this architecture");
    }
    try (SeccompFilter filter = read.profile().filter().build()) {
      return filter.warnings();
    } catch (SeccompException e) {
      throw new ApplyException(
          "profile '"
              + profile
              + "': "
              + file
              + " is not a valid seccomp profile here: "
              + oneLine(e.getMessage()),
          e);
    }
  }

  private static String oneLine(String s) {
    String t = s == null ? "" : s;
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
