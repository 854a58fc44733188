package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** learn --pid on a running multi-threaded server while a client talks to it (issue #3). */
class AttachTest {
  @TempDir Path tmp;

  @Test
  void attach_threadedServerUnderLoad_seesWorkerThreadsAndLeavesServerRunning() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    // stdout to a file: Process.destroy() closes pipes, and the server prints its summary on SIGTERM.
    Path serverOut = tmp.resolve("server.out");
    Process server = new ProcessBuilder("python3", TailorProcess.sample("server/server.py").toString(), "0")
        .redirectOutput(serverOut.toFile()).redirectError(tmp.resolve("server.err").toFile()).start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(serverOut).contains("\n") && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      String ready = Files.readString(serverOut).lines().findFirst().orElse("");
      assertTrue(ready.startsWith("listening on "), ready);
      String port = ready.substring("listening on ".length()).trim();
      long pid = server.pid();

      Path out = tmp.resolve("out");
      Process tailor = new ProcessBuilder(TailorProcess.tailorCommand(
          "learn", "--no-status", "--pid", Long.toString(pid), "--duration", "6s", "--out", out.toString(), "--name", "server"))
          .redirectErrorStream(true).redirectOutput(tmp.resolve("tailor.log").toFile()).start();
      waitForTracer(pid);

      TailorProcess.Result client = TailorProcess.run(
          List.of("python3", TailorProcess.sample("server/client.py").toString(), port, "5"), tmp, Map.of());
      assertEquals("ok 5", client.out().trim(), client.err());

      assertTrue(tailor.waitFor(60, TimeUnit.SECONDS), "tailor did not stop after --duration");
      assertEquals(0, tailor.exitValue(), Files.readString(tmp.resolve("tailor.log")));
      assertTrue(server.isAlive(), "the server must survive the detach");

      TailorProcess.Result after = TailorProcess.run(
          List.of("python3", TailorProcess.sample("server/client.py").toString(), port, "3"), tmp, Map.of());
      assertEquals("ok 3", after.out().trim(), "the server still answers after tailor detached");

      Recording r = RecordingJson.read(out.resolve("server"));
      assertTrue(r.syscalls().containsKey("accept4") || r.syscalls().containsKey("accept"), r.syscalls().keySet().toString());
      assertTrue(r.syscalls().containsKey("recvfrom") || r.syscalls().containsKey("read"), r.syscalls().keySet().toString());
      assertTrue(r.syscalls().containsKey("sendto") || r.syscalls().containsKey("write"), r.syscalls().keySet().toString());
      assertTrue(r.syscalls().containsKey("clone3") || r.syscalls().containsKey("clone"), "worker threads were started while attached");
      assertTrue(r.processes() >= 2, "the worker thread's calls were seen: " + r.processes());
      assertEquals(1, r.targets().size());
      assertEquals(pid, r.targets().get(0).pid());
      assertTrue(r.targets().get(0).exe().contains("python"), r.targets().get(0).exe());
      assertTrue(r.sockets().containsKey("inet stream"), r.sockets().keySet().toString());
      String report = Files.readString(out.resolve("server/report.md"));
      assertTrue(report.contains("An attach sees only what happens after it"), report);
    } finally {
      server.destroy();
      assertTrue(server.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, server.exitValue(), "the server exits cleanly on SIGTERM after the attach: " + Files.readString(tmp.resolve("server.err")));
      assertTrue(Files.readString(serverOut).contains("served 2 connections, 8 lines"), Files.readString(serverOut));
    }
  }

  @Test
  void attach_noSuchProcess_isOneClearLine() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    TailorProcess.Result r = TailorProcess.tailor(tmp, "learn", "--pid", "999999999", "--out", tmp.toString());
    assertEquals(125, r.exit());
    assertTrue(r.err().contains("no such process: 999999999"), r.err());
  }

  @Test
  void attach_pidofMatchesNothing_isOneClearLine() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    TailorProcess.Result r = TailorProcess.tailor(tmp, "learn", "--pidof", "no-such-process-name-xyz", "--out", tmp.toString());
    assertEquals(125, r.exit());
    assertTrue(r.err().contains("no running process has that name"), r.err());
  }

  @Test
  void attach_ptraceNotPermitted_explainsWhy() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      // tailor under a seccomp profile that denies ptrace: strace cannot seize the target.
      Path profile = Files.writeString(tmp.resolve("no-ptrace.json"),
          "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
      List<String> cmd = new java.util.ArrayList<>(TailorProcess.tailorCommand("enforce", "--seccomp", profile.toString(), "--"));
      cmd.addAll(TailorProcess.tailorCommand("learn", "--pid", Long.toString(sleeper.pid()), "--out", tmp.toString()));
      TailorProcess.Result r = TailorProcess.run(cmd, tmp, Map.of());
      assertEquals(125, r.exit(), r.err());
      assertTrue(r.err().contains("ptrace not permitted") && r.err().contains("seccomp filter"), r.err());
      assertTrue(sleeper.isAlive(), "the target is unharmed");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  /** Waits until strace has seized the process (TracerPid in /proc/PID/status). */
  private static void waitForTracer(long pid) throws Exception {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("TracerPid:") && !line.substring(10).trim().equals("0")) {
          Thread.sleep(200);
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
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    Process other = new ProcessBuilder("strace", "-o", "/dev/null", "-p", Long.toString(sleeper.pid())).start();
    try {
      waitForTracer(sleeper.pid());
      TailorProcess.Result r = TailorProcess.tailor(tmp, "learn", "--pid", Long.toString(sleeper.pid()), "--duration", "2s",
          "--out", tmp.toString());
      assertEquals(125, r.exit(), r.err());
      assertTrue(r.err().contains("already traced by process " + other.pid() + " (strace)"), r.err());
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
    // Only meaningful where the kernel refuses root too (here: PID 1 of a sandbox holds more capabilities).
    Process probe = new ProcessBuilder("strace", "-o", "/dev/null", "-p", "1").redirectErrorStream(true).start();
    probe.waitFor(1, TimeUnit.SECONDS);
    boolean refused = !probe.isAlive() && probe.exitValue() != 0;
    probe.destroy();
    probe.waitFor();
    assumeTrue(refused, "root may attach to PID 1 here");
    TailorProcess.Result r = TailorProcess.tailor(tmp, "learn", "--pid", "1", "--duration", "2s", "--out", tmp.toString());
    assertEquals(125, r.exit(), r.err());
    assertFalse(r.err().contains("run as root"), r.err());
    assertTrue(r.err().contains("with CAP_SYS_PTRACE, no other tracer holds the process"), r.err());
  }
}
