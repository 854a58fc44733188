package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learn hooks under podman + runc where things go wrong: names that are not profile names, a
 * profile folder that links out of the store, four containers learned into one name at once, a
 * tracer killed while it traces, a full store. The container always runs; the store's learn.log
 * always says what happened; nothing is written outside the store.
 */
class HookLearnPodmanTest {
  @TempDir Path tmp;
  Path hooks;
  Path store;

  /** The names of the containers this test started, removed after it whatever happened. */
  final List<String> names = new ArrayList<>();

  @BeforeEach
  void install() throws Exception {
    Containers.assumePodmanRunc();
    hooks = tmp.resolve("hooks.d");
    store = tmp.resolve("store");
    installInto(store);
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (String n : names) {
      Containers.run(List.of("podman", "rm", "-f", "--ignore", n));
    }
  }

  /**
   * A name for a container of this test, so that it is removed after it even if podman's client was
   * killed.
   */
  private List<String> named(List<String> options) {
    String n = "tailor-hlp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    names.add(n);
    List<String> o = new ArrayList<>(List.of("--name", n));
    o.addAll(options);
    return o;
  }

  private void installInto(Path s) throws Exception {
    Path launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    TailorProcess.Result r =
        TailorProcess.run(
            List.of(
                launcher.toString(),
                "hook",
                "install",
                "--no-apply",
                "--hooks-dir",
                hooks.toString(),
                "--store",
                s.toString()),
            tmp,
            Map.of());
    assertEquals(0, r.exit(), r.err());
  }

  private TailorProcess.Result learn(String name, List<String> options, String... command)
      throws Exception {
    List<String> o = new ArrayList<>(List.of("--annotation", "io.tailor.learn=" + name));
    o.addAll(options);
    return Containers.run(
        Containers.podman(
            hooks,
            Containers.rootfs(Files.createTempDirectory(tmp, "root")),
            named(o),
            List.of(command)));
  }

  private String learnLog() throws IOException {
    Path l = store.resolve(".tailor/logs/learn.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }

  @Test
  void invalidNames_containerRunsUntraced_andTheLogSaysWhy() throws Exception {
    for (String bad : List.of("bad/name", ".hidden", "my app")) {
      TailorProcess.Result r = learn(bad, List.of(), "/usr/bin/echo", "RAN");
      assertEquals(0, r.exit(), r.err());
      assertEquals("RAN\n", r.out());
      assertTrue(
          learnLog().contains("io.tailor.learn=" + bad + " is not a profile name"),
          bad + ": " + learnLog());
    }
    try (Stream<Path> s = Files.list(store)) {
      assertEquals(List.of(".tailor"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void stdioReopenedByName_isReportedInherited_andTheReportGivesNoAdviceTheHookAlreadyFollows()
      throws Exception {
    TailorProcess.Result r =
        learn(
            "stdio",
            List.of(),
            "/usr/bin/sh",
            "-c",
            "echo out > /dev/stdout; echo err > /dev/stderr; echo plain");
    assertEquals(0, r.exit(), r.err());
    assertEquals("out\nplain\n", r.out());
    // podman may run poststop hooks (tailor's wait for the profile) after 'podman run' has
    // returned.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!learnLog().contains(": tailor: wrote ")) {
      assertTrue(System.nanoTime() < deadline, "no profile written: " + learnLog());
      Thread.sleep(50);
    }
    Path profile = store.resolve("stdio");
    Recording rec = RecordingJson.read(profile);
    assertTrue(
        rec.inherited().keySet().containsAll(List.of("/dev/stdout", "/dev/stderr")),
        rec.inherited().keySet().toString());
    assertFalse(
        rec.files().containsKey("/dev/stdout") || rec.files().containsKey("/dev/stderr"),
        rec.files().keySet().toString());
    String aa = Files.readString(profile.resolve("apparmor.profile"));
    assertFalse(aa.contains("/dev/stdout") || aa.contains("/dev/stderr"), aa);
    String report = Files.readString(profile.resolve("report.md"));
    assertTrue(report.contains("## Inherited files"), report);
    assertFalse(
        report.contains("record with strace"),
        "the hook traces with strace -f -yy already:\n" + report);
  }

  @Test
  void profileFolderLinkedOutOfTheStore_isNotWrittenThrough() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("keep.txt"), "mine\n");
    Files.createSymbolicLink(store.resolve("evil"), elsewhere);
    TailorProcess.Result r = learn("evil", List.of(), "/usr/bin/echo", "RAN");
    assertEquals(0, r.exit(), r.err());
    assertEquals("RAN\n", r.out());
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertEquals(List.of("keep.txt"), s.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals("mine\n", Files.readString(elsewhere.resolve("keep.txt")));
    assertTrue(learnLog().contains(store.resolve("evil") + " is a symbolic link"), learnLog());

    // The store's own logs' folder linked elsewhere: nothing is written there either.
    Path store2 = tmp.resolve("store2");
    installInto(store2);
    Path logsElsewhere = Files.createDirectories(tmp.resolve("logs-elsewhere"));
    Path logs = store2.resolve(".tailor/logs");
    try (Stream<Path> s = Files.list(logs)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(logs);
    Files.createSymbolicLink(logs, logsElsewhere);
    TailorProcess.Result r2 = learn("web", List.of(), "/usr/bin/echo", "RAN");
    assertEquals(0, r2.exit(), r2.err());
    try (Stream<Path> s = Files.list(logsElsewhere)) {
      assertEquals(List.of(), s.toList());
    }
    assertFalse(Files.exists(store2.resolve("web")));
  }

  @Test
  void fourContainersLearnedAsOneNameAtOnce_areMerged() throws Exception {
    // Each container waits until all four have started, so their learns overlap for certain; they
    // are
    // started one after another (each once the one before is traced), so that four hooks' JVM
    // starts
    // at once on a loaded machine do not run past podman's hook timeout.
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    List<String> commands =
        List.of("/usr/bin/ls /", "/usr/bin/cat /etc/hostname", "/usr/bin/id", "/usr/bin/uname -a");
    List<Process> running = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    try {
      for (int i = 0; i < commands.size(); i++) {
        // The shell's own test and one sleep a second: little for the tracers to follow while they
        // wait.
        String script =
            "/usr/bin/touch /shared/"
                + i
                + "; until [ -e /shared/0 ] && [ -e /shared/1 ] && [ -e /shared/2 ] "
                + "&& [ -e /shared/3 ]; do /usr/bin/sleep 1; done; exec "
                + commands.get(i);
        List<String> argv =
            Containers.podman(
                hooks,
                Containers.rootfs(tmp.resolve("root" + i)),
                named(List.of("--annotation", "io.tailor.learn=app", "-v", shared + ":/shared")),
                List.of("/usr/bin/sh", "-c", script));
        Path out = tmp.resolve("out" + i);
        outs.add(out);
        running.add(
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (learnLog().split("learning container", -1).length - 1 < i + 1) {
          assertTrue(
              System.nanoTime() < deadline,
              "container " + i + " was not traced: " + learnLog() + Files.readString(out));
          assertTrue(running.get(i).isAlive(), Files.readString(out));
          Thread.sleep(50);
        }
      }
      for (int i = 0; i < running.size(); i++) {
        assertTrue(
            running.get(i).waitFor(300, TimeUnit.SECONDS), "container " + i + " did not end");
        assertEquals(0, running.get(i).exitValue(), Files.readString(outs.get(i)));
      }
    } finally {
      for (Process p : running) {
        TailorProcess.killTree(p);
      }
    }
    // podman runs poststop hooks (tailor's wait for the profile) in its cleanup, which may end
    // after
    // 'podman run' has returned: wait for the four tracers' own lines.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (learnLog().split(": tailor: wrote ", -1).length - 1 < 4) {
      assertTrue(System.nanoTime() < deadline, "not every tracer wrote its profile: " + learnLog());
      Thread.sleep(50);
    }
    Recording rec = RecordingJson.read(store.resolve("app"));
    assertEquals(
        4, rec.containers().size(), "containers kept: " + rec.containers() + "\n" + learnLog());
    assertEquals(4, rec.runs().size(), rec.runs().toString());
    for (String c : commands) {
      String exe = Path.of(c.split(" ")[0]).toRealPath().toString();
      assertTrue(rec.execs().containsKey(exe), exe + " not in " + rec.execs().keySet());
    }
    assertTrue(
        learnLog()
            .contains(
                "merged with the profile of 3 container(s) learned as 'app' while this one ran"),
        learnLog());
  }

  @Test
  void tracerKilled_containerRuns_andTheLogSaysSo() throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    List<String> argv =
        Containers.podman(
            hooks,
            Containers.rootfs(tmp.resolve("root")),
            named(List.of("--annotation", "io.tailor.learn=victim", "-v", shared + ":/shared")),
            List.of(
                "/usr/bin/sh",
                "-c",
                "while [ ! -e /shared/go ]; do /usr/bin/sleep 0.05; done; echo RAN"));
    Path out = tmp.resolve("out");
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      Optional<Long> tracer = Optional.empty();
      while (tracer.isEmpty()) {
        assertTrue(
            System.nanoTime() < deadline,
            "the learn hook never attached: " + learnLog() + Files.readString(out));
        if (learnLog().contains("learning container")) {
          tracer = markerPid();
        }
        Thread.sleep(20);
      }
      ProcessHandle.of(tracer.get()).ifPresent(ProcessHandle::destroyForcibly);
      Files.writeString(shared.resolve("go"), "");
      assertTrue(p.waitFor(300, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), Files.readString(out));
      assertTrue(Files.readString(out).contains("RAN"), Files.readString(out));
      // The wait hook's line: podman may run poststop hooks after 'podman run' has returned.
      long written = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!learnLog().contains("ended without writing a profile")) {
        assertTrue(System.nanoTime() < written, learnLog());
        Thread.sleep(50);
      }
      assertFalse(Files.exists(store.resolve("victim")));
    } finally {
      TailorProcess.killTree(p);
    }
  }

  private Optional<Long> markerPid() throws IOException {
    try (Stream<Path> s = Files.list(store.resolve(".tailor/learning"))) {
      for (Path m : s.toList()) {
        long pid = Long.parseLong(Files.readString(m).trim());
        if (pid > 0) {
          return Optional.of(pid);
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void fullStore_containerRuns_andTheLogSaysWhy() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    TailorProcess.Result m =
        TailorProcess.run(
            List.of("mount", "-t", "tmpfs", "-o", "size=2m", "tailor-test", disk.toString()),
            tmp,
            Map.of());
    assertEquals(0, m.exit(), m.err());
    try {
      store = disk.resolve("store");
      installInto(store);
      byte[] block = new byte[4096];
      try (OutputStream o = Files.newOutputStream(disk.resolve("filler"))) {
        while (true) {
          o.write(block);
        }
      } catch (IOException e) {
        assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
      }
      TailorProcess.Result r = learn("full", List.of(), "/usr/bin/echo", "RAN");
      assertEquals(0, r.exit(), r.err());
      assertEquals("RAN\n", r.out());
      assertTrue(
          learnLog().toLowerCase(Locale.ROOT).contains("no space left on device"), learnLog());
      assertTrue(
          learnLog().contains("runs without being learned")
              || learnLog().contains("no profile written"),
          learnLog());
    } finally {
      TailorProcess.run(List.of("umount", disk.toString()), tmp, Map.of());
    }
  }
}
