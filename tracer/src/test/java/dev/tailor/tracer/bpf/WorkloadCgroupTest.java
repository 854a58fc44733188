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
    List<String> mountinfo = List.of(
        "30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755",
        "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw",
        "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:6 - cgroup cgroup rw,name=systemd");
    assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), WorkloadCgroup.mountPoint(mountinfo));
  }

  @Test
  void mountPoint_bindMountedSubtree_isNotUsed() {
    List<String> mountinfo = List.of("31 30 0:27 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw");
    assertEquals(Optional.empty(), WorkloadCgroup.mountPoint(mountinfo));
  }

  @Test
  void ownPath_readsTheV2Line() {
    assertEquals(Optional.of("/user.slice/a.scope"),
        WorkloadCgroup.ownPath(List.of("1:name=systemd:/user.slice", "0::/user.slice/a.scope")));
    assertEquals(Optional.empty(), WorkloadCgroup.ownPath(List.of("4:memory:/x")));
  }

  /** Real cgroup v2: skipped where tailor cannot create one (no cgroup2 mount, not root, read-only). */
  @Test
  void create_addAndClose_leavesNothingBehind() throws Exception {
    Optional<WorkloadCgroup> created = WorkloadCgroup.create();
    assumeTrue(created.isPresent(), "no writable cgroup v2 here");
    try (WorkloadCgroup cgroup = created.get()) {
      assertTrue(cgroup.id() > 0);
      Process sleeper = new ProcessBuilder("sleep", "30").start();
      try {
        assertTrue(cgroup.add((int) sleeper.pid()));
        String line = Files.readAllLines(Path.of("/proc", Long.toString(sleeper.pid()), "cgroup")).stream()
            .filter(l -> l.startsWith("0::")).findFirst().orElse("");
        assertTrue(line.contains("/tailor-"), line);
        // close() with the process still inside moves it back out before removing the cgroup
        cgroup.close();
        String after = Files.readAllLines(Path.of("/proc", Long.toString(sleeper.pid()), "cgroup")).stream()
            .filter(l -> l.startsWith("0::")).findFirst().orElse("");
        assertFalse(after.contains("/tailor-"), after);
      } finally {
        sleeper.destroyForcibly();
      }
    }
    assertFalse(cgroup(created.get()));
  }

  private static boolean cgroup(WorkloadCgroup c) throws Exception {
    try (var s = Files.list(WorkloadCgroup.mountPoint(Files.readAllLines(Path.of("/proc/self/mountinfo"))).orElseThrow())) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("tailor-" + ProcessHandle.current().pid() + "-"));
    }
  }
}
