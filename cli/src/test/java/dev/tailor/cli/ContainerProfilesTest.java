package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.oci.Bundle;
import dev.tailor.deploy.runtime.BaseFile;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.runtime.RuntimeBases;
import dev.tailor.deploy.runtime.RuntimeCommand;
import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned profiles confine real containers: podman with runc (and crun run directly) start the
 * workload under them with its own output and exit code, and refuse what was not learned.
 */
class ContainerProfilesTest {
  @TempDir Path tmp;

  private static final List<String> PYTHON =
      List.of("/usr/bin/python3", Containers.samples() + "/python-app/app.py");
  private static final List<String> PIPELINE =
      List.of("/usr/bin/sh", Containers.samples() + "/pipeline/pipeline.sh");

  private Path learnOnHost(String name, List<String> cmd, String... options) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "learn", "--no-status", "--name", name, "--out", tmp.resolve("out").toString()));
    args.addAll(List.of(options));
    args.add("--");
    args.addAll(cmd);
    TailorProcess.Result r = TailorProcess.tailor(tmp, args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        !List.of(options).contains("none"),
        r.err()
            .contains(
                "tailor: note: learned on the host, so for a container "
                    + "this profile is a guess"),
        r.err());
    return tmp.resolve("out").resolve(name);
  }

  private void assertSameUnderPodman(List<String> cmd, Path profile) throws Exception {
    TailorProcess.Result bare =
        Containers.run(
            Containers.podman(null, Containers.rootfs(tmp.resolve("bare")), List.of(), cmd));
    assertEquals(0, bare.exit(), bare.err());
    TailorProcess.Result confined =
        Containers.run(
            Containers.podman(
                null,
                Containers.rootfs(tmp.resolve("confined")),
                List.of("--security-opt", "seccomp=" + profile.resolve("seccomp.json")),
                cmd));
    assertEquals(bare.exit(), confined.exit(), confined.err());
    assertEquals(bare.out(), confined.out());
  }

  @Test
  void hostLearned_pythonApp_startsUnderPodmanRunc_withTheRuntimeBase() throws Exception {
    Containers.assumePodmanRunc();
    Path profile = learnOnHost("py", PYTHON);
    assertSameUnderPodman(PYTHON, profile);
    String report = Files.readString(profile.resolve("report.md"));
    assertTrue(
        report.contains("| `setuid` | runc "),
        "the report names the runtime's calls and why:\n" + report);
    assertTrue(
        report.contains("Learned on the host: in a container this profile is a guess."), report);
  }

  @Test
  void hostLearned_pipeline_multiProcess_startsUnderPodmanRunc() throws Exception {
    Containers.assumePodmanRunc();
    assertSameUnderPodman(PIPELINE, learnOnHost("pipeline", PIPELINE));
  }

  @Test
  void hostLearned_withoutTheRuntimeBase_diesInRuncsInit() throws Exception {
    Containers.assumePodmanRunc();
    Path profile = learnOnHost("ls-none", List.of("/usr/bin/ls", "/"), "--runtime", "none");
    TailorProcess.Result r =
        Containers.run(
            Containers.podman(
                null,
                Containers.rootfs(tmp.resolve("r")),
                List.of("--security-opt", "seccomp=" + profile.resolve("seccomp.json")),
                List.of("/usr/bin/ls", "/")));
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("operation not permitted"), r.err());
  }

  @Test
  void learnedProfile_refusesASyscallItLacks() throws Exception {
    Containers.assumePodmanRunc();
    Path profile = learnOnHost("ls", List.of("/usr/bin/ls", "/"));
    Recording rec = RecordingJson.read(profile);
    assertFalse(rec.syscalls().containsKey("mkdir"), "ls made no mkdir");
    TailorProcess.Result ok =
        Containers.run(
            Containers.podman(
                null,
                Containers.rootfs(tmp.resolve("a")),
                List.of("--security-opt", "seccomp=" + profile.resolve("seccomp.json")),
                List.of("/usr/bin/ls", "/")));
    assertEquals(0, ok.exit(), ok.err());
    TailorProcess.Result refused =
        Containers.run(
            Containers.podman(
                null,
                Containers.rootfs(tmp.resolve("b")),
                List.of("--security-opt", "seccomp=" + profile.resolve("seccomp.json")),
                List.of("/usr/bin/mkdir", "/tmp/new")));
    assertNotEquals(0, refused.exit());
    assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    assertFalse(Files.exists(tmp.resolve("b/rootfs/tmp/new")));
  }

  @Test
  void hostLearned_startsUnderCrun_andNotWithoutItsBase() throws Exception {
    Containers.assumePodmanRunc();
    ContainerRuntime crun = ContainerRuntime.find("crun").orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        crun != null, "crun is not installed (Debian: apt-get install crun)");
    // podman with crun refuses this machine's hybrid cgroups and RLIMIT_MEMLOCK; crun runs the
    // bundle itself.
    List<String> cmd = List.of("/usr/bin/ls", "/");
    Path with = learnOnHost("ls-crun", cmd, "--runtime", "crun");
    Path without = learnOnHost("ls-bare", cmd, "--runtime", "none");
    Bundle b = Bundle.create(tmp.resolve("bundle"), cmd, Bundle.Variant.ALL.get(0));
    b.setSeccomp(Files.readString(with.resolve("seccomp.json")));
    TailorProcess.Result ok =
        Containers.run(
            RuntimeCommand.run(
                crun,
                b.dir(),
                tmp.resolve("state"),
                "tailor-test-" + ProcessHandle.current().pid()));
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("usr\n"), ok.out());
    b.setSeccomp(Files.readString(without.resolve("seccomp.json")));
    TailorProcess.Result dead =
        Containers.run(
            RuntimeCommand.run(
                crun,
                b.dir(),
                tmp.resolve("state"),
                "tailor-test2-" + ProcessHandle.current().pid()));
    assertNotEquals(
        0, dead.exit(), "crun's init needs its own calls after the filter: " + dead.out());
  }

  @Test
  void runtimeBase_remeasured_holdsEveryCallTheShippedBaseSawInEachStart() throws Exception {
    Containers.assumePodmanRunc();
    for (String name : List.of("runc", "crun")) {
      ContainerRuntime rt = ContainerRuntime.find(name).orElse(null);
      org.junit.jupiter.api.Assumptions.assumeTrue(
          rt != null, name + " is not installed (Debian: apt-get install " + name + ")");
      BaseFile shipped =
          RuntimeBases.bundled().stream()
              .filter(b -> b.runtime().equals(name) && b.version().equals(rt.version()))
              .findFirst()
              .orElse(null);
      TailorProcess.Result r = TailorProcess.tailor(tmp, "runtime-base", name, "--runs", "1");
      assertEquals(0, r.exit(), r.err());
      BaseFile measured = BaseFile.parse(r.out().getBytes(StandardCharsets.UTF_8), "stdout");
      assertEquals(3, measured.runs(), "one start per set-up");
      assertTrue(measured.seen().containsKey("execve"));
      if (shipped != null) {
        // A call made in every shipped start of a set-up is not chance; a new start of it makes it
        // too.
        for (Map.Entry<String, Integer> e : shipped.seen().entrySet()) {
          if (e.getValue() == shipped.runs()) {
            assertTrue(
                measured.seen().containsKey(e.getKey()),
                name + ": " + e.getKey() + " missing from " + measured.seen());
          }
        }
      }
    }
  }

  @Test
  void runtimeBase_viaPodman_measuresThroughTheLearnHooks() throws Exception {
    Containers.assumePodmanRunc();
    Path launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    TailorProcess.Result r =
        TailorProcess.run(
            List.of(launcher.toString(), "runtime-base", "runc", "--via", "podman", "--runs", "1"),
            tmp,
            Map.of());
    assertEquals(0, r.exit(), r.err());
    BaseFile viaPodman = BaseFile.parse(r.out().getBytes(StandardCharsets.UTF_8), "stdout");
    assertEquals(3, viaPodman.runs());
    assertTrue(viaPodman.method().contains("--via podman"));
    // What runc's init does in every start (close fds, drop capabilities, set ids, exec) shows
    // either way.
    assertTrue(
        viaPodman
            .seen()
            .keySet()
            .containsAll(List.of("fstatfs", "capset", "setuid", "setgid", "setgroups", "execve")),
        viaPodman.seen().toString());
  }

  @Test
  void hookLearned_pythonApp_andPipeline_rerunUnderTheirProfiles() throws Exception {
    Containers.assumePodmanRunc();
    Path hooks = tmp.resolve("hooks.d");
    Path store = tmp.resolve("store");
    Path launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    TailorProcess.Result inst =
        TailorProcess.run(
            List.of(
                launcher.toString(),
                "hook",
                "install",
                "--hooks-dir",
                hooks.toString(),
                "--store",
                store.toString()),
            tmp,
            Map.of());
    assertEquals(0, inst.exit(), inst.err());
    for (Map.Entry<String, List<String>> w : Map.of("web", PYTHON, "pipe", PIPELINE).entrySet()) {
      Path rootfs = Containers.rootfs(tmp.resolve("learn-" + w.getKey()));
      TailorProcess.Result learned =
          Containers.run(
              Containers.podman(
                  hooks,
                  rootfs,
                  List.of("--annotation", "io.tailor.learn=" + w.getKey()),
                  w.getValue()));
      assertEquals(0, learned.exit(), learned.err());
      Containers.awaitTracers(store, () -> logs(store));
      Path profile = store.resolve(w.getKey());
      for (String f : List.of("seccomp.json", "apparmor.profile", "recording.json", "report.md")) {
        assertTrue(
            Files.isRegularFile(profile.resolve(f)),
            f + " missing; hook log: " + logs(store) + learned.err());
      }
      Recording rec = RecordingJson.read(profile);
      assertEquals(1, rec.containers().size());
      assertEquals(w.getValue(), rec.containers().get(0).args());
      assertTrue(
          rec.containers().get(0).runtime().startsWith("runc "), rec.containers().toString());
      assertTrue(
          rec.runtimeBases().stream()
              .anyMatch(b -> b.source().startsWith("traced in this container's start")),
          rec.runtimeBases().toString());
      // /usr/bin/python3 is a symlink: the exec rule names what the kernel ran, resolved in the
      // container.
      String exe = Path.of(w.getValue().get(0)).toRealPath().toString();
      assertTrue(rec.execs().containsKey(exe), rec.execs().keySet().toString());
      // The AppArmor draft parses and names the container's paths, never the host's root folder or
      // runtime state.
      String aa = Files.readString(profile.resolve("apparmor.profile"));
      ParserCheck.assertParse(List.of(aa));
      assertFalse(aa.contains(tmp.toString()), aa);
      assertFalse(
          aa.contains("/run/runc")
              || aa.contains("overlay-containers")
              || aa.contains("/var/lib/containers"),
          aa);
      assertFalse(
          rec.files().keySet().stream().anyMatch(p -> p.startsWith(rootfs.toString())),
          rec.files().keySet().toString());

      TailorProcess.Result rerun =
          Containers.run(
              Containers.podman(
                  null,
                  Containers.rootfs(tmp.resolve("rerun-" + w.getKey())),
                  List.of("--security-opt", "seccomp=" + profile.resolve("seccomp.json")),
                  w.getValue()));
      assertEquals(0, rerun.exit(), rerun.err());
      assertEquals(learned.out(), rerun.out());

      // The installed precreate hook puts the profile on a container that only names it.
      TailorProcess.Result applied =
          Containers.run(
              Containers.podman(
                  hooks,
                  Containers.rootfs(tmp.resolve("apply-" + w.getKey())),
                  List.of("--annotation", "io.tailor.profile=" + w.getKey()),
                  w.getValue()));
      assertEquals(0, applied.exit(), applied.err());
      assertEquals(learned.out(), applied.out());
      assertFalse(
          rec.syscalls().containsKey("symlinkat") || rec.syscalls().containsKey("symlink"),
          "made no symlink");
      TailorProcess.Result refused =
          Containers.run(
              Containers.podman(
                  hooks,
                  Containers.rootfs(tmp.resolve("refuse-" + w.getKey())),
                  List.of("--annotation", "io.tailor.profile=" + w.getKey()),
                  List.of("/usr/bin/ln", "-s", "a", "/tmp/link")));
      assertNotEquals(
          0, refused.exit(), "ln -s needs symlinkat, which " + w.getKey() + " never made");
      assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    }
  }

  @Test
  void hookLearned_containerThatNeverStarts_keepsTheProfileLearnedBefore() throws Exception {
    Containers.assumePodmanRunc();
    Path hooks = tmp.resolve("hooks.d");
    Path store = tmp.resolve("store");
    Path launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    assertEquals(
        0,
        TailorProcess.run(
                List.of(
                    launcher.toString(),
                    "hook",
                    "install",
                    "--no-apply",
                    "--hooks-dir",
                    hooks.toString(),
                    "--store",
                    store.toString()),
                tmp,
                Map.of())
            .exit());
    TailorProcess.Result first =
        Containers.run(
            Containers.podman(
                hooks,
                Containers.rootfs(tmp.resolve("a")),
                List.of("--annotation", "io.tailor.learn=app"),
                List.of("/usr/bin/ls", "/")));
    assertEquals(0, first.exit(), first.err());
    Containers.awaitTracers(store, () -> logs(store));
    byte[] before = Files.readAllBytes(store.resolve("app/seccomp.json"));
    TailorProcess.Result broken =
        Containers.run(
            Containers.podman(
                hooks,
                Containers.rootfs(tmp.resolve("b")),
                List.of("--annotation", "io.tailor.learn=app"),
                List.of("/usr/bin/no-such-program")));
    assertNotEquals(0, broken.exit());
    // podman runs no poststop hook for a container that failed to start, so nothing waited for the
    // tracer: wait here until it has ended, then look at what it left.
    Containers.awaitTracers(store, () -> logs(store));
    assertEquals(
        new String(before, StandardCharsets.UTF_8),
        Files.readString(store.resolve("app/seccomp.json")),
        "a start that never reached the workload replaced the profile");
    assertTrue(logs(store).contains("never exec'd"), logs(store));
  }

  private static String logs(Path store) throws Exception {
    Path dir = store.resolve(".tailor/logs");
    if (!Files.isDirectory(dir)) {
      return "(no logs)";
    }
    StringBuilder b = new StringBuilder();
    try (var l = Files.list(dir)) {
      for (Path p : l.toList()) {
        b.append(Files.readString(p));
      }
    }
    return b.toString();
  }
}
