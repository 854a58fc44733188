package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The precreate hook in observe mode under real podman + runc, with no agent listening: the
 * container gets the log variant, starts, and runs what its enforced profile refuses; the hook log
 * names it as on trial and says why the kernel log is used. With a listener there, the notify
 * variant.
 */
class HookApplyObservePodmanTest {
  @TempDir static Path tmp;
  static ContainerHarness h;
  static Path work;

  @BeforeAll
  static void learn() throws Exception {
    ContainerHarness.assumeContainers();
    h = ContainerHarness.create(tmp);
    work = Files.createDirectories(tmp.resolve("work"));
    Path binary = ObserveWorkload.compile(work);
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--out",
            h.store.toString(),
            "--name",
            "obs",
            "--",
            binary.toString(),
            "plain");
    assertEquals(0, learned.exit(), learned.err());
  }

  @BeforeEach
  void clean() throws Exception {
    Files.deleteIfExists(h.rootfs.resolve("tmp/observed.d"));
  }

  private TailorProcess.Result run(String annotation) throws Exception {
    return h.run(
        List.of("--annotation", annotation, "-v", work + ":/w:ro"), "/w/observe", "more", "/tmp");
  }

  @Test
  void enforced_refusesTheUnlearnedCalls() throws Exception {
    TailorProcess.Result r = run("io.tailor.profile=obs");
    assertEquals(0, r.exit(), r.err());
    assertEquals(ObserveWorkload.MORE_REFUSED, r.out().lines().toList());
  }

  @Test
  void observed_agentAbsent_logFallback_containerRunsInFull_andTheHookLogSaysSo() throws Exception {
    assertFalse(Files.exists(h.store.resolve(".tailor/observe.sock")), "no agent in this test");
    TailorProcess.Result r = run("io.tailor.observe=obs");
    assertEquals(0, r.exit(), r.err());
    assertEquals(ObserveWorkload.MORE_RUN, r.out().lines().toList());
    assertTrue(Files.isDirectory(h.rootfs.resolve("tmp/observed.d")), "the mkdir really ran");
    String log = h.logText();
    assertTrue(
        log.contains(
            "(/w/observe more /tmp): tailor: observe mode, SCMP_ACT_LOG (no agent): profile 'obs' "
                + "(annotation io.tailor.observe) on trial, not enforced; calls it lacks run and go to the kernel log"),
        log);
  }

  /**
   * With a listener on the store's socket (a minimal one, {@code loaders/notify_listener.py}), the
   * hook applies the notify variant and runc 1.1.5 accepts it: it sends the notify fd, the listener
   * is asked about exactly the two unlearned calls (learned calls never leave the kernel), answers
   * CONTINUE, and the container runs in full.
   */
  @Test
  void observed_listenerPresent_notifyVariant_runcSendsTheFd_andOnlyTheUnlearnedCallsAreNotified()
      throws Exception {
    assumeTrue(PlainLoader.MISSING == null, PlainLoader.MISSING);
    Path socket = Files.createDirectories(h.store.resolve(".tailor")).resolve("observe.sock");
    Path seen = tmp.resolve("listener.out");
    Process listener =
        new ProcessBuilder(
                "/usr/bin/python3",
                TailorProcess.repo()
                    .resolve("cli/src/test/resources/loaders/notify_listener.py")
                    .toString(),
                socket.toString(),
                seen.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader ready =
          new BufferedReader(
              new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("listening", ready.readLine());
      TailorProcess.Result r = run("io.tailor.observe=obs");
      assertEquals(0, r.exit(), r.err());
      assertEquals(ObserveWorkload.MORE_RUN, r.out().lines().toList());
      List<String> lines = Files.readAllLines(seen);
      assertTrue(lines.contains("probe"), "the hook checked that the agent answers: " + lines);
      assertEquals(
          1, lines.stream().filter(l -> l.startsWith("container ")).count(), lines.toString());
      SyscallTable table = SyscallTable.forNativeArch();
      List<String> calls =
          lines.stream()
              .filter(l -> l.startsWith("call "))
              .map(l -> table.nameOf(Integer.parseInt(l.substring(5))).orElse(l))
              .sorted()
              .toList();
      assertEquals(ObserveWorkload.UNLEARNED, calls, lines.toString());
      assertTrue(
          h.logText().contains("tailor: observe mode, SCMP_ACT_NOTIFY: profile 'obs'"),
          h.logText());
    } finally {
      TailorProcess.killTree(listener);
      Files.deleteIfExists(socket);
    }
  }
}
