package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.backend.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the workload starts (issue 18 items 2 and 3): a slow program on the way to the command (a
 * fake setsid or setpriv earlier on PATH) must neither add the wrapper's calls to the profile nor
 * open a window in which a signal to tailor kills tailor and orphans the workload.
 */
class WorkloadStartTest {
  @TempDir Path tmp;

  private static void needBpf() {
    java.util.Optional<String> why = dev.tailor.tracer.bpf.BpfBackend.unavailable();
    assumeTrue(why.isEmpty(), () -> "bpf backend: " + why.orElse(""));
  }

  /** A folder holding {@code name}: a sh script that runs {@code before}, then the real program. */
  private Path slowOnPath(String name, String before) throws Exception {
    Path real =
        Commands.onPath(name).orElseThrow(() -> new AssertionError(name + " is not installed"));
    Path dir = tmp.resolve("fake-" + name);
    Files.createDirectories(dir);
    Path fake = dir.resolve(name);
    Files.writeString(fake, "#!/bin/sh\n" + before + "\nexec " + real + " \"$@\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static Map<String, String> pathFirst(Path dir) {
    return Map.of("PATH", dir + ":" + System.getenv("PATH"));
  }

  @Test
  void bpf_setsidSlowToExecTheWrapper_noneOfTheWrappersCallsOrExecsAreLearned() throws Exception {
    needBpf();
    // setsid execs bash only once tailor has attached its programs and is releasing the wrapper
    // (its thread tailor-bpf-release runs), or after 5 s: where tailor waits for the wrapper
    // itself, it waits in vain and setsid goes on.
    Path fake =
        slowOnPath(
            "setsid",
            "i=0; while [ $i -lt 100 ] && ! grep -qs '^tailor-bpf-rel' /proc/$PPID/task/*/comm; do "
                + "sleep 0.05; i=$((i+1)); done");
    Path out = tmp.resolve("out");
    List<String> cmd =
        TailorProcess.tailorCommand(
            "learn",
            "--no-status",
            "--backend",
            "bpf",
            "--name",
            "t",
            "--out",
            out.toString(),
            "--",
            "/usr/bin/true");
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, pathFirst(fake));
    assertEquals(0, r.exit(), r.err());
    Recording rec = RecordingJson.read(out.resolve("t"));
    assertEquals(
        List.of("/usr/bin/true"), List.copyOf(rec.execs().keySet()), "only the command's own exec");
    Set<String> wrapperOnly = new TreeSet<>(rec.syscalls().keySet());
    wrapperOnly.retainAll(
        Set.of("getpeername", "getppid", "getpgrp", "dup2", "getpid", "rt_sigaction", "wait4"));
    assertEquals(
        Set.of(), wrapperOnly, "calls of bash and setsid, not of true: " + rec.syscalls().keySet());
  }

  /** A sleep whose argv no other process has, so that a workload tailor left running is found. */
  private final String marker = "617." + ProcessHandle.current().pid() + System.nanoTime() % 1000;

  /** Workloads left running (the bug these tests guard against), found by their marker. */
  private List<ProcessHandle> leftOver() {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
        .toList();
  }

  @AfterEach
  void killLeftOvers() {
    leftOver().forEach(ProcessHandle::destroyForcibly);
  }

  private static void needBackend(String backend) {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    if (backend.equals("bpf")) {
      needBpf();
    }
  }

  /**
   * Runs learn with {@code path} first on PATH; at most 120 s (a workload that never got the signal
   * sleeps 617 s).
   */
  private TailorProcess.Result learnSignalled(
      String backend, Map<String, String> env, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("--backend", backend, "--"));
    args.addAll(List.of(command));
    return learnSignalled(args, env);
  }

  private TailorProcess.Result learnSignalled(List<String> learnArgs, Map<String, String> env)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("learn", "--no-status", "--name", "w", "--out", tmp.resolve("out").toString()));
    args.addAll(learnArgs);
    Path out = tmp.resolve("stdout");
    Path err = tmp.resolve("stderr");
    ProcessBuilder pb =
        new ProcessBuilder(TailorProcess.tailorCommand(args.toArray(String[]::new)))
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      assertTrue(
          done,
          "tailor did not end: the signal never reached the workload; " + Files.readString(err));
      return new TailorProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      TailorProcess.killTree(p);
    }
  }

  private void assertCutShortBySigint(TailorProcess.Result r) throws Exception {
    assertEquals(List.of(), leftOver(), "the workload outlived tailor");
    assertEquals(128 + 2, r.exit(), "the workload's death by the forwarded SIGINT: " + r.err());
    Recording rec = RecordingJson.read(tmp.resolve("out/w"));
    assertTrue(
        rec.warnings().stream()
            .anyMatch(w -> w.startsWith("the run was cut short: tailor got SIGINT")),
        rec.warnings().toString());
  }

  /** The program tailor starts first: setsid under bpf (no terminal here), setpriv under strace. */
  private static String firstProgram(String backend) {
    return backend.equals("bpf") ? "setsid" : "setpriv";
  }

  /**
   * SIGINT to tailor from the program that starts the workload, before the workload runs: tailor
   * must already relay it (the JVM's default would end tailor and leave the workload running), and
   * pass it on once the workload runs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"strace", "bpf"})
  void learn_sigintBeforeTheWorkloadRuns_reachesTheWorkload_andTheProfileIsWritten(String backend)
      throws Exception {
    needBackend(backend);
    Path fake = slowOnPath(firstProgram(backend), "kill -INT $PPID");
    assertCutShortBySigint(learnSignalled(backend, pathFirst(fake), "sleep", marker));
  }

  /** SIGINT to tailor from the workload itself, the moment it runs. */
  @ParameterizedTest
  @ValueSource(strings = {"strace", "bpf"})
  void learn_sigintAsTheWorkloadStarts_reachesTheWorkload_andTheProfileIsWritten(String backend)
      throws Exception {
    needBackend(backend);
    assertCutShortBySigint(
        learnSignalled(
            backend, Map.of(), "sh", "-c", SIGNAL_TAILOR + "kill -INT $p; exec sleep " + marker));
  }

  /** Finds tailor (the first java above the shell) as $p. */
  private static final String SIGNAL_TAILOR =
      "p=$PPID; while [ \"$(cat /proc/$p/comm)\" != java ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done; ";

  /**
   * Issue 18 item 7: Ctrl-C on a terminal reaches tailor and run 1's workload at once; the workload
   * dies at once, and the JVM hands the signal to tailor some time later, maybe after run 1 ended.
   * The signal must still stop the runs: no third run, and a warning says so.
   */
  @Test
  void learnRuns3_signalToTailorAndRun1sWorkloadAtOnce_noRunAfterTheNext_andTheMergeSaysSo()
      throws Exception {
    needBackend("strace");
    Path first = tmp.resolve("first");
    Path runs = tmp.resolve("runs");
    String script =
        "echo x >> "
            + runs
            + "; if [ ! -e "
            + first
            + " ]; then : > "
            + first
            + "; "
            + SIGNAL_TAILOR
            + "kill -INT $p $$; fi; exec sleep "
            + marker;
    TailorProcess.Result r =
        learnSignalled(List.of("--runs", "3", "--", "sh", "-c", script), Map.of());
    assertEquals(List.of(), leftOver(), "a workload outlived tailor");
    long started = Files.readAllLines(runs).size();
    assertTrue(started <= 2, "runs started: " + started + "; " + r.err());
    assertEquals(128 + 2, r.exit(), r.err());
    Recording rec = RecordingJson.read(tmp.resolve("out/w"));
    assertTrue(
        rec.warnings().stream().anyMatch(w -> w.startsWith("learned " + started + " of 3 runs: ")),
        rec.warnings().toString());
  }
}
