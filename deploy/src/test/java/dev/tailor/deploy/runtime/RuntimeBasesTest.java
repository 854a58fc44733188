package dev.tailor.deploy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.oci.OciException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RuntimeBasesTest {
  private static BaseFile base(String runtime, String version, String... names) {
    TreeMap<String, Integer> seen = new TreeMap<>();
    for (String n : names) {
      seen.put(n, 1);
    }
    return new BaseFile(
        runtime, version, "2026-12-01", "test machine", "by hand in a test", 1, seen);
  }

  @Test
  void bundled_runcBase_holdsTheCallsRuncNeedsToStartAContainer() throws OciException {
    // The smallest set that let a host-learned `ls` start under podman+runc, found by removing one
    // syscall at a time (issue 9); the shipped measurement must hold every one of them.
    Set<String> needed =
        Set.of(
            "capget",
            "capset",
            "chdir",
            "faccessat2",
            "fstat",
            "fstatfs",
            "getcwd",
            "getppid",
            "prctl",
            "setgid",
            "setgroups",
            "setuid");
    BaseFile runc =
        RuntimeBases.bundled().stream()
            .filter(b -> b.runtime().equals("runc"))
            .findFirst()
            .orElseThrow();
    assertTrue(runc.seen().keySet().containsAll(needed), runc.seen().keySet().toString());
    assertTrue(runc.runs() >= 10);
    assertTrue(RuntimeBases.bundled().stream().anyMatch(b -> b.runtime().equals("crun")));
  }

  @Test
  void choose_exactVersionFirst_thenTheSameUpstream_localBeforeShipped() throws OciException {
    BaseFile shipped = base("runc", "1.1.5+ds1", "capset");
    BaseFile local = base("runc", "1.1.5+ds1", "capset", "futex");
    RuntimeBases.Choice c =
        RuntimeBases.choose("runc", Optional.of("1.1.5+ds1"), List.of(local), List.of(shipped));
    assertEquals(Set.of("capset", "futex"), c.base().syscalls());
    assertTrue(c.note().isEmpty());
    RuntimeBases.Choice up =
        RuntimeBases.choose("runc", Optional.of("1.1.5"), List.of(), List.of(shipped));
    assertEquals("1.1.5+ds1", up.base().version());
    assertTrue(up.note().isEmpty());
  }

  @Test
  void choose_otherVersion_takesTheNewestAndSaysSo() throws OciException {
    List<BaseFile> shipped =
        List.of(
            base("crun", "1.9.0", "a"), base("crun", "1.10.2", "b"), base("crun", "1.8.1", "c"));
    RuntimeBases.Choice c = RuntimeBases.choose("crun", Optional.of("1.21"), List.of(), shipped);
    assertEquals("1.10.2", c.base().version(), "1.10.2 is newer than 1.9.0");
    assertTrue(
        c.note()
            .orElseThrow()
            .contains("crun 1.21 is installed here, but no base was measured for it"));
    RuntimeBases.Choice missing = RuntimeBases.choose("crun", Optional.empty(), List.of(), shipped);
    assertTrue(missing.note().orElseThrow().startsWith("crun is not installed here"));
  }

  @Test
  void choose_noBaseAtAll_saysHowToMeasure() {
    OciException e =
        assertThrows(
            OciException.class,
            () ->
                RuntimeBases.choose(
                    "crun", Optional.empty(), List.of(), List.of(base("runc", "1", "a"))));
    assertTrue(e.getMessage().contains("tailor runtime-base crun --save"));
  }

  @Test
  void baseFile_roundTrips_andRejectsWhatIsNotASyscallName() throws OciException {
    BaseFile b = base("runc", "1.1.5", "capset", "setuid");
    assertEquals(b, BaseFile.parse(b.toJson().getBytes(StandardCharsets.UTF_8), "test"));
    String bad = b.toJson().replace("\"setuid\"", "\"setuid\\\"]}\"");
    assertThrows(
        OciException.class, () -> BaseFile.parse(bad.getBytes(StandardCharsets.UTF_8), "test"));
    assertThrows(
        OciException.class, () -> BaseFile.parse("[]".getBytes(StandardCharsets.UTF_8), "test"));
  }

  @Test
  void parseVersion_readsWhatRuncAndCrunPrint() {
    assertEquals(
        "1.1.5+ds1",
        ContainerRuntime.parseVersion("runc version 1.1.5+ds1\ncommit: x\n").orElseThrow());
    assertEquals(
        "1.8.1", ContainerRuntime.parseVersion("crun version 1.8.1\ncommit: f8a0\n").orElseThrow());
    assertTrue(ContainerRuntime.parseVersion("usage: runc").isEmpty());
    assertEquals("1.1.5", ContainerRuntime.upstream("1.1.5+ds1"));
  }
}
