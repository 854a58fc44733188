package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadCgroupTest {
  @Test
  void mountPoint_hybridHierarchy_findsTheUnifiedMount() {
    List<String> mountinfo =
        List.of(
            "30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw",
            "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:6 - cgroup cgroup rw,name=systemd");
    assertEquals(
        Optional.of(Path.of("/sys/fs/cgroup/unified")), WorkloadCgroup.mountPoint(mountinfo));
  }

  @Test
  void mountPoint_bindMountedSubtree_isNotUsed() {
    List<String> mountinfo =
        List.of("31 30 0:27 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw");
    assertEquals(Optional.empty(), WorkloadCgroup.mountPoint(mountinfo));
  }

  @Test
  void ownPath_readsTheV2Line() {
    assertEquals(
        Optional.of("/user.slice/a.scope"),
        WorkloadCgroup.ownPath(List.of("1:name=systemd:/user.slice", "0::/user.slice/a.scope")));
    assertEquals(Optional.empty(), WorkloadCgroup.ownPath(List.of("4:memory:/x")));
  }

  /**
   * Real cgroup v2: skipped where tailor cannot create one (no cgroup2 mount, not root, read-only).
   */
  @Test
  void create_addAndClose_leavesNothingBehind() throws Exception {
    Optional<WorkloadCgroup> created = WorkloadCgroup.create();
    assumeTrue(created.isPresent(), "no writable cgroup v2 here");
    Path dir = created.get().dir();
    // Where create() writes: below this JVM's own cgroup v2, not the hierarchy's root.
    Path mount =
        WorkloadCgroup.mountPoint(Files.readAllLines(Path.of("/proc/self/mountinfo")))
            .orElseThrow();
    String own =
        WorkloadCgroup.ownPath(Files.readAllLines(Path.of("/proc/self/cgroup"))).orElseThrow();
    assertEquals(mount.resolve(own.substring(1)), dir.getParent());
    assertTrue(Files.isDirectory(dir), dir + " was not created");
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try (WorkloadCgroup cgroup = created.get()) {
      assertTrue(cgroup.id() > 0);
      assertEquals(((Number) Files.getAttribute(dir, "unix:ino")).longValue(), cgroup.id());
      assertTrue(cgroup.add((int) sleeper.pid()));
      assertEquals("/" + mount.relativize(dir), v2Path(sleeper.pid()));
      assertEquals(
          List.of(Long.toString(sleeper.pid())), Files.readAllLines(dir.resolve("cgroup.procs")));
      // close() with the process still inside moves it back out before removing the cgroup
      cgroup.close();
      assertEquals(own, v2Path(sleeper.pid()), "the process is back in tailor's own cgroup");
      assertFalse(Files.exists(dir), dir + " is left behind");
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
    assertFalse(Files.exists(dir), dir + " is left behind");
  }

  private static String v2Path(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
        .filter(l -> l.startsWith("0::"))
        .map(l -> l.substring(3))
        .findFirst()
        .orElse("");
  }
}
