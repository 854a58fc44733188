package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.seccomp.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * enforce loads the real default profile of the container tools, in Docker's format (archMap,
 * includes/excludes by caps, arches and minKernel, errnoRet), as installed on this machine by
 * containers-common (Podman's copy of Docker's default): the filter is really in force in the
 * command (seccomp mode 2, no_new_privs), denies what the profile leaves out with the profile's
 * errno, and the command runs and exits as without it.
 */
class EnforceContainersDefaultTest {
  private static final Path DEFAULT = Path.of("/usr/share/containers/seccomp.json");

  @TempDir Path tmp;

  @Test
  void enforce_containersDefaultProfile_isLoadedAndInForce() throws Exception {
    assumeTrue(
        Files.isRegularFile(DEFAULT),
        DEFAULT + " is missing (Debian package golang-github-containers-common)");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    // add_key is not in the profile: the default action answers it with defaultErrnoRet.
    int addKey = SyscallTable.forNativeArch().numberOf("add_key").orElseThrow();
    String errnoRet =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(DEFAULT.toFile())
            .get("defaultErrnoRet")
            .asText();
    String script =
        "import ctypes, sys\n"
            + "libc = ctypes.CDLL(None, use_errno=True)\n"
            + "r = libc.syscall("
            + addKey
            + ", 0, 0, 0, 0, 0)\n"
            + "status = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
            + "print(r, ctypes.get_errno(), status['Seccomp'].strip(), status['NoNewPrivs'].strip())\n"
            + "sys.exit(7)\n";
    TailorProcess.Result bare = TailorProcess.run(List.of("python3", "-c", script), tmp, Map.of());
    assertEquals(7, bare.exit(), bare.err());
    assertTrue(
        !bare.out().startsWith("-1 " + errnoRet + " "),
        "without the profile add_key is not refused that way: " + bare.out());

    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "enforce", "--seccomp", DEFAULT.toString(), "--", "python3", "-c", script);
    assertEquals(7, r.exit(), "the command's own exit code: " + r.err());
    assertEquals(
        "-1 " + errnoRet + " 2 1\n",
        r.out(),
        "add_key refused with the profile's errno, seccomp filter mode, no_new_privs; " + r.err());
    assertTrue(
        r.err()
            .lines()
            .allMatch(l -> l.startsWith("tailor: note: ") || l.startsWith("tailor: warning: ")),
        r.err());
  }
}
