package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tailor hook apply} as podman 4 runs it (precreate, from a hooks dir) with runc: a profile
 * learned on the host (with the runtime base) confines the container by annotation or by a bindings
 * rule; what the profile lacks is refused; a missing profile stops the container.
 */
class HookApplyPodmanTest {
  @TempDir static Path tmp;
  static ContainerHarness h;
  static String bareLs;

  @BeforeAll
  static void learn() throws Exception {
    ContainerHarness.assumeContainers();
    h = ContainerHarness.create(tmp);
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--out",
            h.store.toString(),
            "--name",
            "ls",
            "--",
            "/usr/bin/ls",
            "/");
    assertEquals(0, learned.exit(), learned.err());
    // The same command without any profile: what the confined runs must print.
    TailorProcess.Result bare =
        h.run(List.of("--annotation", "io.tailor.none=1"), "/usr/bin/ls", "/");
    assertEquals(0, bare.exit(), bare.err());
    bareLs = bare.out();
    assertTrue(bareLs.contains("usr"), bareLs);
  }

  @BeforeEach
  void noBindings() throws Exception {
    Files.deleteIfExists(h.store.resolve("bindings.json"));
    // The root folder outlives each container: what a free mkdir made would make the next one fail.
    Files.deleteIfExists(h.rootfs.resolve("tmp/made"));
  }

  @Test
  void annotation_appliesTheLearnedProfile_andTheLearnedCommandRuns() throws Exception {
    TailorProcess.Result r =
        h.run(List.of("--annotation", "io.tailor.profile=ls"), "/usr/bin/ls", "/");
    assertEquals(0, r.exit(), r.err());
    assertEquals(bareLs, r.out());
    assertTrue(
        h.logText().contains("tailor: applied profile 'ls' (annotation io.tailor.profile)"),
        h.logText());
  }

  @Test
  void annotation_commandNeedingAnUnlearnedSyscall_isRefused() throws Exception {
    // Without a profile mkdir works; under ls's profile the mkdir syscall gets EPERM.
    TailorProcess.Result free = h.run(List.of(), "/usr/bin/mkdir", "/tmp/made");
    assertEquals(0, free.exit(), free.err());
    TailorProcess.Result r =
        h.run(List.of("--annotation", "io.tailor.profile=ls"), "/usr/bin/mkdir", "/tmp/made");
    assertNotEquals(0, r.exit(), r.out());
    assertTrue(
        r.err().contains("cannot create directory '/tmp/made': Operation not permitted"), r.err());
  }

  @Test
  void bindingOnTheCommandLine_appliesWithoutAnnotation() throws Exception {
    Files.writeString(
        h.store.resolve("bindings.json"),
        "{\"bindings\": [\n"
            + "  {\"profile\": \"ls\", \"command\": \"/usr/bin/ls /\"},\n"
            + "  {\"profile\": \"ls\", \"arg0\": \"/usr/bin/mkdir\", \"command\": \"\\\\S+ /tmp/made\"}\n]}\n");
    TailorProcess.Result ok = h.run(List.of(), "/usr/bin/ls", "/");
    assertEquals(0, ok.exit(), ok.err());
    assertEquals(bareLs, ok.out());
    TailorProcess.Result refused = h.run(List.of(), "/usr/bin/mkdir", "/tmp/made");
    assertNotEquals(0, refused.exit());
    assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    assertTrue(
        h.logText().contains("applied profile 'ls' (rule 2 of " + h.store.resolve("bindings.json")),
        h.logText());
    // A command no rule names passes through as podman proposed it.
    TailorProcess.Result other = h.run(List.of(), "/usr/bin/mkdir", "-p", "/tmp/made");
    assertEquals(0, other.exit(), other.err());
  }

  @Test
  void missingProfile_stopsTheContainer_withTailorsLine() throws Exception {
    TailorProcess.Result r =
        h.run(List.of("--annotation", "io.tailor.profile=nope"), "/usr/bin/echo", "RAN");
    assertNotEquals(0, r.exit());
    assertFalse(r.out().contains("RAN"), r.out());
    assertTrue(r.err().contains("setting up OCI Hooks"), r.err());
    // podman 4.3 drops a precreate hook's stderr: tailor's line is in the hook log.
    assertTrue(
        h.logText()
            .contains(
                "tailor: hook apply: profile 'nope' (annotation io.tailor.profile) is not in the "
                    + "store"),
        h.logText());
  }

  @Test
  void nameThatWouldEscapeTheStore_stopsTheContainer() throws Exception {
    TailorProcess.Result r =
        h.run(List.of("--annotation", "io.tailor.profile=../store/ls"), "/usr/bin/echo", "RAN");
    assertNotEquals(0, r.exit());
    assertFalse(r.out().contains("RAN"), r.out());
    assertTrue(h.logText().contains("is not a valid name"), h.logText());
  }
}
