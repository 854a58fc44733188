package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, for real with both backends: a set*id call needs its capability only where the kernel
 * checks it, given the ids tailor read from /proc where it started or attached the workload. {@code
 * make} as root calls {@code setresuid(-1, 0, -1)} (seen with strace -f); a program that really
 * drops root to nobody needs setuid and setgid. Root is needed to drop root.
 */
class IdCapabilitiesTest {
  private static final String DROP =
      "import os\nos.setgroups([]); os.setgid(65534); os.setuid(65534)\n";

  @TempDir Path tmp;

  @BeforeAll
  static void needRootAndTools() {
    assumeTrue(Commands.onPath("strace").isPresent(), "strace not installed");
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    assumeTrue(Commands.onPath("make").isPresent(), "make not installed");
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "dropping root to nobody needs root");
  }

  private static List<Backend> backends() throws Exception {
    Optional<String> why = BpfBackend.unavailable();
    // Root with tracefs and BTF, as CI has: a bpf backend that cannot run there is a failure, not a
    // skip.
    assertTrue(why.isEmpty(), () -> "bpf backend unavailable: " + why.orElse(""));
    SyscallTable table = SyscallTable.forNativeArch();
    return List.of(StraceBackend.locate(), BpfBackend.locate(table::nameOf));
  }

  private static Recorder recorder(Backend backend, Path cwd) {
    return new Recorder(
        backend.name(),
        backend.name(),
        new HostPathResolver(false),
        UnaryOperator.identity(),
        Optional.of(cwd.toString()));
  }

  @Test
  void makeAsRoot_noSetuidOrSetgid_aRealDropGetsBoth() throws Exception {
    Files.writeString(tmp.resolve("Makefile"), "all:\n\t@true\n");
    Path drop = Files.writeString(tmp.resolve("drop.py"), DROP);
    for (Backend backend : backends()) {
      Recorder make = recorder(backend, tmp);
      assertEquals(0, backend.run(List.of("make", "-C", tmp.toString()), make));
      Recording m = make.toRecording("make", "x86_64");
      assertTrue(
          m.syscalls().containsKey("setresuid"),
          backend.name() + ": make no longer calls setresuid");
      assertFalse(m.capabilities().containsKey("setuid"), backend.name() + ": " + m.capabilities());
      assertFalse(m.capabilities().containsKey("setgid"), backend.name() + ": " + m.capabilities());

      Recorder dropper = recorder(backend, tmp);
      assertEquals(0, backend.run(List.of("python3", drop.toString()), dropper));
      Recording d = dropper.toRecording("drop", "x86_64");
      assertEquals(
          Set.of("setuid(65534): uid 65534 is not among its real and saved uids (0, 0)"),
          d.capabilities().get("setuid").reasons(),
          backend.name());
      assertTrue(
          d.capabilities().get("setgid").reasons().stream()
              .anyMatch(r -> r.startsWith("setgid(65534)")),
          backend.name() + ": " + d.capabilities());
    }
  }

  @Test
  void attachedProcess_idsReadAsItWasAttached() throws Exception {
    Path go = tmp.resolve("go");
    Path script =
        Files.writeString(
            tmp.resolve("attached.py"),
            "import os, sys, time\n"
                + "while not os.path.exists(sys.argv[1]):\n    time.sleep(0.01)\n"
                + "os.setresuid(-1, 0, -1)\n"
                + DROP);
    for (Backend backend : backends()) {
      Files.deleteIfExists(go);
      Process p =
          new ProcessBuilder("python3", script.toString(), go.toString()).inheritIO().start();
      try {
        Recorder r = recorder(backend, tmp);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread tracing =
            new Thread(
                () -> {
                  try {
                    backend.attach(List.of((int) p.pid()), Optional.of(Duration.ofMinutes(5)), r);
                  } catch (Exception e) {
                    failed.set(e);
                  }
                });
        tracing.start();
        awaitTraced(backend, p, r);
        Files.writeString(go, "");
        tracing.join(Duration.ofMinutes(5).toMillis());
        assertEquals(null, failed.get());
        Recording rec = r.toRecording("attached", "x86_64");
        assertEquals(
            Set.of("setuid(65534): uid 65534 is not among its real and saved uids (0, 0)"),
            rec.capabilities().get("setuid").reasons(),
            backend.name() + ": the no-change setresuid needs nothing");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Waits until the tracer holds the process: strace shows as its tracer, the bpf programs once
   * attached.
   */
  private static void awaitTraced(Backend backend, Process p, Recorder r) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (backend instanceof StraceBackend) {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
          if (line.startsWith("TracerPid:") && !line.substring(10).trim().equals("0")) {
            return;
          }
        }
      } else if (r.progress().calls() > 0 || r.progress().files() > 0) {
        // The waiting loop's own calls (stat, clock_nanosleep) show that tracing is on.
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(backend.name() + " never attached to " + p.pid());
  }
}
