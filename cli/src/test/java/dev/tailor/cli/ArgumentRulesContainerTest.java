package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Learned argument rules as runc loads them: each mode of args.c learned on the host with the
 * default runtime bases, then run in a podman container with runc under that profile and without
 * any filter ({@code seccomp=unconfined}). The container starts, the values the mode used work,
 * unseen ones fail with EPERM, clone3 with ENOSYS while threads start through clone; prctl stays
 * allowed by name (runc's and crun's init call it after loading the filter).
 */
class ArgumentRulesContainerTest {
  @org.junit.jupiter.api.io.TempDir static Path tmp;
  static Path binary;

  @BeforeAll
  static void prerequisites() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed (apt-get install strace)");
    Containers.assumePodmanRunc();
    binary = ArgsWorkload.compile(tmp);
  }

  static Stream<ArgsWorkload.Mode> modes() {
    return ArgsWorkload.MODES.stream();
  }

  private static List<String> inContainer(String name, String seccomp, ArgsWorkload.Mode m)
      throws Exception {
    List<String> options =
        List.of("--security-opt", "seccomp=" + seccomp, "-v", tmp + ":" + tmp + ":ro");
    TailorProcess.Result r =
        Containers.run(
            Containers.podman(
                null,
                Containers.rootfs(tmp.resolve(name)),
                options,
                List.of(binary.toString(), m.name(), "probe")));
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void learnedOnTheHost_underRunc_unseenValuesRefused(ArgsWorkload.Mode m) throws Exception {
    Path out = tmp.resolve("learned");
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--out",
            out.toString(),
            "--name",
            m.name(),
            "--",
            binary.toString(),
            m.name());
    assertEquals(0, learned.exit(), learned.err());
    Path profile = out.resolve(m.name()).resolve(SeccompJson.FILE_NAME);
    SeccompProfile p = SeccompJson.read(profile).profile();
    assertTrue(
        p.syscalls().stream().anyMatch(r -> !r.args().isEmpty()),
        "argument rules in " + SeccompJson.toJson(p));

    List<String> expected = new ArrayList<>(m.enforced());
    if (m.name().equals("prctl")) {
      // The runtime bases hold prctl: allowed by name, whatever the option.
      expected.replaceAll(l -> l.replace(": errno 1", ": ok"));
      assertTrue(
          Files.readString(out.resolve(m.name()).resolve(ProfileFolder.REPORT_FILE))
              .contains("Allowed by name: the crun 1.8.1 and runc 1.1.5+ds1 bases have it"));
    }
    List<String> bare = inContainer(m.name() + "-bare", "unconfined", m);
    List<String> confined = inContainer(m.name() + "-confined", profile.toString(), m);
    assertEquals(expected, confined, "under " + profile);
    for (int i = 0; i < expected.size(); i++) {
      boolean refused =
          expected.get(i).endsWith(": errno 1") || expected.get(i).endsWith(": errno 38");
      // Without CAP_SYS_ADMIN a container may not make a mount namespace, filter or not.
      if (refused && !expected.get(i).startsWith("clone CLONE_NEWNS")) {
        assertNotEquals(
            expected.get(i), bare.get(i), "without a filter the call is not refused that way");
      }
    }
  }
}
