package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * learn --pid / --pidof on running processes (issue #3). Every wait is for an event (a line
 * printed, a tracer attached, a process ended), bounded only against a hang; every process a test
 * starts is killed after it, whatever failed.
 */
class AttachTest {
  @TempDir Path tmp;

  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void needStrace() {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
  }

  @AfterEach
  void killWhatTheTestStarted() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process start(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    started.add(p);
    return p;
  }

  @Test
  void attach_threadedServerUnderLoad_seesWorkerThreadsAndLeavesServerRunning() throws Exception {
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    // stdout to a file: Process.destroy() closes pipes, and the server prints its summary on
    // SIGTERM.
    Path serverOut = tmp.resolve("server.out");
    Process server =
        start(
            new ProcessBuilder("python3", TailorProcess.sample("server/server.py").toString(), "0")
                .redirectOutput(serverOut.toFile())
                .redirectError(tmp.resolve("server.err").toFile()));
    String ready = TailorProcess.awaitLine(serverOut, "listening on ", server);
    String port = ready.substring("listening on ".length()).trim();
    long pid = server.pid();

    Path out = tmp.resolve("out");
    Path log = tmp.resolve("tailor.log");
    // No --duration: tailor stops when told (SIGTERM), after the client is done.
    Process tailor =
        start(
            new ProcessBuilder(
                    TailorProcess.tailorCommand(
                        "learn",
                        "--no-status",
                        "--pid",
                        Long.toString(pid),
                        "--out",
                        out.toString(),
                        "--name",
                        "server"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    TailorProcess.awaitTracer(pid, tailor, log);

    TailorProcess.Result client =
        TailorProcess.run(
            List.of("python3", TailorProcess.sample("server/client.py").toString(), port, "5"),
            tmp,
            Map.of());
    assertEquals("ok 5", client.out().trim(), client.err());

    TailorProcess.kill("TERM", tailor.pid());
    assertTrue(tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not stop on SIGTERM");
    assertEquals(0, tailor.exitValue(), Files.readString(log));
    assertTrue(server.isAlive(), "the server must survive the detach");

    TailorProcess.Result after =
        TailorProcess.run(
            List.of("python3", TailorProcess.sample("server/client.py").toString(), port, "3"),
            tmp,
            Map.of());
    assertEquals("ok 3", after.out().trim(), "the server still answers after tailor detached");

    Recording r = RecordingJson.read(out.resolve("server"));
    assertTrue(
        r.syscalls().containsKey("accept4") || r.syscalls().containsKey("accept"),
        r.syscalls().keySet().toString());
    assertTrue(
        r.syscalls().containsKey("recvfrom") || r.syscalls().containsKey("read"),
        r.syscalls().keySet().toString());
    assertTrue(
        r.syscalls().containsKey("sendto") || r.syscalls().containsKey("write"),
        r.syscalls().keySet().toString());
    assertTrue(
        r.syscalls().containsKey("clone3") || r.syscalls().containsKey("clone"),
        "worker threads were started while attached");
    assertTrue(r.processes() >= 2, "the worker thread's calls were seen: " + r.processes());
    assertEquals(1, r.targets().size());
    assertEquals(pid, r.targets().get(0).pid());
    assertTrue(r.targets().get(0).exe().contains("python"), r.targets().get(0).exe());
    assertTrue(r.sockets().containsKey("inet stream"), r.sockets().keySet().toString());
    String report = Files.readString(out.resolve("server/report.md"));
    assertTrue(report.contains("An attach sees only what happens after it"), report);

    server.destroy();
    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not end on SIGTERM");
    assertEquals(
        0,
        server.exitValue(),
        "the server exits cleanly on SIGTERM after the attach: "
            + Files.readString(tmp.resolve("server.err")));
    assertTrue(
        Files.readString(serverOut).contains("served 2 connections, 8 lines"),
        Files.readString(serverOut));
  }

  /**
   * Two processes that end when their stdin closes; tailor attaches to both (by pid list or by
   * name), stops by itself once both have exited, and the report describes each target as /proc
   * did.
   */
  @ParameterizedTest
  @ValueSource(strings = {"--pid", "--pidof"})
  void attach_twoTargets_stopsWhenBothExit_andReportsEachTarget(String how) throws Exception {
    assumeTrue(TailorProcess.onPath("bash"), "bash is not installed (exec -a names the targets)");
    String name = "tailor-attach-" + ProcessHandle.current().pid();
    List<Process> targets = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      // argv[0] is NAME (what pidof matches); the program is cat, which exits at end of input.
      targets.add(
          start(
              new ProcessBuilder("bash", "-c", "exec -a " + name + " cat")
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD)));
    }
    List<Long> pids = targets.stream().map(Process::pid).sorted().toList();
    for (long pid : pids) {
      TailorProcess.awaitArgv0(pid, name);
    }
    List<Target> before = new ArrayList<>();
    for (long pid : pids) {
      before.add(dev.tailor.tracer.backend.ProcTargets.describe((int) pid));
    }
    Path out = tmp.resolve("out");
    Path log = tmp.resolve("tailor.log");
    String targetArg = how.equals("--pid") ? pids.get(0) + "," + pids.get(1) : name;
    Process tailor =
        start(
            new ProcessBuilder(
                    TailorProcess.tailorCommand(
                        "learn",
                        "--no-status",
                        how,
                        targetArg,
                        "--out",
                        out.toString(),
                        "--name",
                        "cats"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    for (long pid : pids) {
      TailorProcess.awaitTracer(pid, tailor, log);
    }
    for (Process t : targets) {
      t.getOutputStream().close();
    }
    for (Process t : targets) {
      assertTrue(t.waitFor(60, TimeUnit.SECONDS), "a target did not end at end of input");
    }
    // No --duration, no signal: every target has exited, so tailor ends by itself.
    assertTrue(
        tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not stop when every target had exited");
    assertEquals(0, tailor.exitValue(), Files.readString(log));

    Recording r = RecordingJson.read(out.resolve("cats"));
    assertEquals(pids, r.targets().stream().map(t -> (long) t.pid()).toList());
    assertEquals(before, r.targets(), "the targets as /proc described them before the attach");
    // The read each cat was blocked in when strace seized it may or may not be reported (a call in
    // flight at the attach); what each did after its input closed is: close and exit.
    assertTrue(
        r.syscalls().containsKey("close") && r.syscalls().get("exit_group").count() == 2,
        r.syscalls().toString());
    String report = Files.readString(out.resolve("cats/report.md"));
    for (Target t : before) {
      assertTrue(t.exe().endsWith("/cat") && t.cmdline().equals(List.of(name)), t.toString());
      String row =
          "| "
              + t.pid()
              + " | `"
              + t.exe()
              + "` | `"
              + name
              + "` | `"
              + t.uid()
              + "` | `"
              + t.capEff()
              + "` |";
      assertTrue(report.contains(row), row + " not in\n" + report);
    }
  }

  @Test
  void attach_duration_detachesByItselfAndLeavesTheTargetRunning() throws Exception {
    Process sleeper = start(new ProcessBuilder("sleep", "600"));
    Path out = tmp.resolve("out");
    Path log = tmp.resolve("tailor.log");
    Process tailor =
        start(
            new ProcessBuilder(
                    TailorProcess.tailorCommand(
                        "learn",
                        "--no-status",
                        "--pid",
                        Long.toString(sleeper.pid()),
                        "--duration",
                        "1s",
                        "--out",
                        out.toString(),
                        "--name",
                        "sleeper"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    assertTrue(tailor.waitFor(120, TimeUnit.SECONDS), "tailor did not stop after --duration");
    assertEquals(0, tailor.exitValue(), Files.readString(log));
    assertTrue(sleeper.isAlive(), "the target keeps running after the detach");
    assertEquals("0", TailorProcess.tracerPid(sleeper.pid()), "strace detached");
    assertEquals(sleeper.pid(), RecordingJson.read(out.resolve("sleeper")).targets().get(0).pid());
  }

  @Test
  void attach_noSuchProcess_isOneClearLine() throws Exception {
    TailorProcess.Result r =
        TailorProcess.tailor(tmp, "learn", "--pid", "999999999", "--out", tmp.toString());
    assertEquals(125, r.exit());
    assertTrue(r.err().contains("no such process: 999999999"), r.err());
  }

  @Test
  void attach_pidofMatchesNothing_isOneClearLine() throws Exception {
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--pidof", "no-such-process-name-xyz", "--out", tmp.toString());
    assertEquals(125, r.exit());
    assertTrue(r.err().contains("no running process has that name"), r.err());
  }

  @Test
  void attach_ptraceNotPermitted_explainsWhy() throws Exception {
    Process sleeper = start(new ProcessBuilder("sleep", "600"));
    // tailor under a seccomp profile that denies ptrace: strace cannot seize the target.
    Path profile =
        Files.writeString(
            tmp.resolve("no-ptrace.json"),
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
    List<String> cmd =
        new ArrayList<>(
            TailorProcess.tailorCommand("enforce", "--seccomp", profile.toString(), "--"));
    cmd.addAll(
        TailorProcess.tailorCommand(
            "learn", "--pid", Long.toString(sleeper.pid()), "--out", tmp.toString()));
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, Map.of());
    assertEquals(125, r.exit(), r.err());
    assertTrue(
        r.err().contains("ptrace not permitted") && r.err().contains("seccomp filter"), r.err());
    assertTrue(sleeper.isAlive(), "the target is unharmed");
  }

  /**
   * Waits until {@code tracer} has seized the process (its pid is TracerPid in /proc/PID/status).
   */
  private static void waitForTracer(long pid, long tracer) throws Exception {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("TracerPid:")
            && line.substring(10).trim().equals(Long.toString(tracer))) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("strace never attached to " + pid);
  }

  @Test
  void attach_processHeldByAnotherTracer_namesThatTracer() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    Process other =
        new ProcessBuilder("strace", "-o", "/dev/null", "-p", Long.toString(sleeper.pid())).start();
    try {
      waitForTracer(sleeper.pid(), other.pid());
      TailorProcess.Result r =
          TailorProcess.tailor(
              tmp,
              "learn",
              "--pid",
              Long.toString(sleeper.pid()),
              "--duration",
              "2s",
              "--out",
              tmp.toString());
      assertEquals(125, r.exit(), r.err());
      assertTrue(
          r.err().contains("already traced by process " + other.pid() + " (strace)"), r.err());
      assertFalse(r.err().contains("run as root"), r.err());
    } finally {
      other.destroyForcibly();
      sleeper.destroyForcibly();
    }
  }

  @Test
  void attach_refusedAlthoughRoot_doesNotTellRootToBecomeRoot() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root");
    // Only meaningful where the kernel refuses root too (here: PID 1 of a sandbox holds more
    // capabilities).
    // strace says on stderr whether it attached or was refused: its first line decides, however
    // slow.
    Process probe =
        new ProcessBuilder("strace", "-o", "/dev/null", "-p", "1")
            .redirectErrorStream(true)
            .start();
    String first;
    try (var in =
        new java.io.BufferedReader(new java.io.InputStreamReader(probe.getInputStream()))) {
      first = java.util.Objects.requireNonNullElse(in.readLine(), "");
      probe.destroy();
    }
    probe.waitFor();
    boolean refused = !first.contains("attached");
    assumeTrue(refused, "root may attach to PID 1 here");
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--pid", "1", "--duration", "2s", "--out", tmp.toString());
    assertEquals(125, r.exit(), r.err());
    assertFalse(r.err().contains("run as root"), r.err());
    assertTrue(r.err().contains("with CAP_SYS_PTRACE, no other tracer holds the process"), r.err());
  }
}
