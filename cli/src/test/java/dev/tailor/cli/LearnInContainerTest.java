package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.runtime.PodmanRun;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian image (mmdebstrap: python3, nginx-light) is learned IN the container and then
 * confined by what was learned, under each runtime: podman through tailor's hooks.d files,
 * containerd through {@code ctr run --runc-binary tailor-runc} and annotations, Docker through
 * {@code --runtime tailor} (dist/tailor-runc) with the TAILOR_LEARN variable and a binding. In
 * each, the learned program runs as it did, and a call it never made is refused with EPERM.
 */
class LearnInContainerTest {
  /** Reads the image's own files and prints what the runtime left of tailor's variables. */
  private static final List<String> WORKLOAD =
      List.of(
          "python3",
          "-c",
          "import os, json; print(json.dumps(sorted(os.listdir('/etc/apt'))));"
              + " print(open('/etc/debian_version').read().strip()[:2]);"
              + " print(os.environ.get('TAILOR_LEARN'), os.environ.get('TAILOR_PROFILE'))");

  /** A call the workload never made: symlink(at). */
  private static final List<String> UNLEARNED =
      List.of("python3", "-c", "import os; os.symlink('a', '/tmp/link')");

  @TempDir static Path tmp;
  static Path store;
  static Path launcher;
  static Path wrapper;
  static Dockerd dockerd;

  @BeforeAll
  static void setUp() throws Exception {
    store = tmp.resolve("store");
    launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    // The runtime path a daemon is given: tailor-runc from the checkout, told which launcher and
    // store to use.
    wrapper = tmp.resolve("bin/tailor-runc-test");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nexport TAILOR='"
            + launcher
            + "' TAILOR_STORE='"
            + store
            + "' TAILOR_ENV_KEYS=profile,learn\nexec '"
            + TailorProcess.repo().resolve("dist/tailor-runc")
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void stopDockerd() throws Exception {
    if (dockerd != null) {
      dockerd.close();
    }
  }

  private static Dockerd dockerd() throws Exception {
    Dockerd.assumeDocker();
    RealImage.assumeBuildable();
    if (dockerd == null) {
      dockerd = Dockerd.start(wrapper, tmp);
    }
    return dockerd;
  }

  private static String id(String what) {
    return "tailor-"
        + what
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + System.nanoTime() % 100000;
  }

  /** The profile NAME in the store, learned from one container of WORKLOAD run by runc. */
  private static Recording assertLearned(String name, String log) throws Exception {
    Containers.awaitTracers(store, LearnInContainerTest::logs);
    Path profile = store.resolve(name);
    for (String f : List.of("seccomp.json", "apparmor.profile", "recording.json", "report.md")) {
      assertTrue(Files.isRegularFile(profile.resolve(f)), f + " missing; " + log + logs());
    }
    Recording rec = RecordingJson.read(profile);
    assertEquals(1, rec.containers().size(), rec.containers().toString());
    assertEquals(WORKLOAD, rec.containers().get(0).args());
    assertTrue(rec.containers().get(0).runtime().startsWith("runc "), rec.containers().toString());
    assertFalse(
        rec.syscalls().containsKey("symlink") || rec.syscalls().containsKey("symlinkat"),
        "made no symlink");
    String report = Files.readString(profile.resolve("report.md"));
    assertFalse(report.contains("is a guess"), "learned in the container: " + report);
    return rec;
  }

  private static String logs() throws Exception {
    Path dir = store.resolve(".tailor/logs");
    StringBuilder b = new StringBuilder();
    if (Files.isDirectory(dir)) {
      try (var list = Files.list(dir)) {
        for (Path f : list.toList()) {
          b.append("\n== ").append(f).append('\n').append(Files.readString(f));
        }
      }
    }
    return b.toString();
  }

  /** What the workload prints outside any container runtime of tailor's: the reference output. */
  private static void assertWorkloadOutput(String out) {
    assertTrue(out.contains("[\"apt.conf.d\"") && out.contains("None None"), out);
  }

  @Test
  void containerd_learnsInTheContainer_thenConfinesByAnnotation() throws Exception {
    // The test's dockerd runs the containerd that ctr talks to.
    dockerd();
    String image = RealImage.containerd(Dockerd.HOST, Dockerd.containerdSocket(), "tailor-test");
    TailorProcess.Result learned =
        Containers.run(
            ctr(List.of("--annotation", "io.tailor.learn=ctr-py"), image, id("learn"), WORKLOAD));
    assertEquals(0, learned.exit(), learned.err() + logs());
    assertWorkloadOutput(learned.out());
    assertLearned("ctr-py", learned.err());

    TailorProcess.Result confined =
        Containers.run(
            ctr(List.of("--annotation", "io.tailor.profile=ctr-py"), image, id("apply"), WORKLOAD));
    assertEquals(0, confined.exit(), confined.err() + logs());
    assertEquals(learned.out(), confined.out());
    assertTrue(logs().contains("applied profile 'ctr-py' (annotation io.tailor.profile)"), logs());

    TailorProcess.Result refused =
        Containers.run(
            ctr(
                List.of("--annotation", "io.tailor.profile=ctr-py"),
                image,
                id("refuse"),
                UNLEARNED));
    assertNotEquals(0, refused.exit(), refused.out());
    assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    // Unconfined, the same call works: the refusal is the profile's.
    TailorProcess.Result free = Containers.run(ctr(List.of(), image, id("free"), UNLEARNED));
    assertEquals(0, free.exit(), free.err());

    TailorProcess.Result missing =
        Containers.run(
            ctr(
                List.of("--annotation", "io.tailor.profile=nope"),
                image,
                id("nope"),
                List.of("echo", "RAN")));
    assertNotEquals(0, missing.exit());
    assertFalse(missing.out().contains("RAN"), missing.out());
    assertTrue(
        missing
            .err()
            .contains(
                "tailor-runc: profile 'nope' (annotation io.tailor.profile) is not in the store"),
        missing.err());
  }

  private static List<String> ctr(
      List<String> options, String image, String id, List<String> command) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "ctr",
                "-a",
                Dockerd.containerdSocket().toString(),
                "-n",
                "tailor-test",
                "run",
                "--rm",
                "--runc-binary",
                wrapper.toString()));
    argv.addAll(options);
    argv.add(image);
    argv.add(id);
    argv.addAll(command);
    return argv;
  }

  @Test
  void docker_learnsWithTheVariable_thenConfinesByABinding() throws Exception {
    Dockerd d = dockerd();
    String image = RealImage.docker(Dockerd.HOST);
    TailorProcess.Result learned =
        d.docker(dockerRun(List.of("-e", "TAILOR_LEARN=docker-py"), image, WORKLOAD));
    assertEquals(0, learned.exit(), learned.err() + logs());
    // tailor-runc took the variable out before the runtime saw it.
    assertWorkloadOutput(learned.out());
    Recording rec = assertLearned("docker-py", learned.err());
    // Learned under Docker's own default filter, whose calls after loading it were traced in this
    // start.
    assertTrue(
        rec.runtimeBases().stream()
            .anyMatch(b -> b.source().startsWith("traced in this container's start")),
        rec.runtimeBases().toString());

    // Docker 20.10 has no annotations: a binding on the command picks the profile.
    Files.writeString(
        store.resolve("bindings.json"),
        "{\"bindings\": [\n"
            + "  {\"profile\": \"docker-py\", \"arg0\": \"python3\", \"command\": \"python3 -c .*\"}\n]}\n");
    try {
      TailorProcess.Result confined = d.docker(dockerRun(List.of(), image, WORKLOAD));
      assertEquals(0, confined.exit(), confined.err() + logs());
      assertEquals(learned.out(), confined.out());
      assertTrue(
          logs()
              .contains("applied profile 'docker-py' (rule 1 of " + store.resolve("bindings.json")),
          logs());
      TailorProcess.Result refused = d.docker(dockerRun(List.of(), image, UNLEARNED));
      assertNotEquals(0, refused.exit(), refused.out());
      assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    } finally {
      Files.delete(store.resolve("bindings.json"));
    }
    // The variable names a profile too, and a missing one stops the container with tailor's line.
    TailorProcess.Result byVariable =
        d.docker(dockerRun(List.of("-e", "TAILOR_PROFILE=docker-py"), image, UNLEARNED));
    assertNotEquals(0, byVariable.exit());
    assertTrue(byVariable.err().contains("Operation not permitted"), byVariable.err());
    TailorProcess.Result free = d.docker(dockerRun(List.of(), image, UNLEARNED));
    assertEquals(0, free.exit(), "Docker's default filter allows symlink: " + free.err());
    TailorProcess.Result missing =
        d.docker(dockerRun(List.of("-e", "TAILOR_PROFILE=nope"), image, List.of("echo", "RAN")));
    assertEquals(125, missing.exit(), missing.err());
    assertFalse(missing.out().contains("RAN"), missing.out());
    assertTrue(
        missing.err().contains("tailor-runc: profile 'nope'")
            && missing.err().contains("TAILOR_PROFILE in process.env"),
        missing.err());
  }

  private static String[] dockerRun(List<String> options, String image, List<String> command) {
    List<String> argv =
        new ArrayList<>(List.of("run", "--rm", "--runtime", "tailor", "--network", "none"));
    argv.addAll(options);
    argv.add(image);
    argv.addAll(command);
    return argv.toArray(String[]::new);
  }

  @Test
  void podman_learnsInTheContainer_throughHooksDir_thenConfinesByAnnotation() throws Exception {
    Containers.assumePodmanRunc();
    RealImage.assumeBuildable();
    String image = RealImage.podman();
    Path hooks = tmp.resolve("hooks.d");
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
    TailorProcess.Result learned =
        Containers.run(
            podman(hooks, List.of("--annotation", "io.tailor.learn=podman-py"), image, WORKLOAD));
    assertEquals(0, learned.exit(), learned.err() + logs());
    assertWorkloadOutput(learned.out());
    assertLearned("podman-py", learned.err());

    TailorProcess.Result confined =
        Containers.run(
            podman(hooks, List.of("--annotation", "io.tailor.profile=podman-py"), image, WORKLOAD));
    assertEquals(0, confined.exit(), confined.err() + logs());
    assertEquals(learned.out(), confined.out());
    TailorProcess.Result refused =
        Containers.run(
            podman(
                hooks, List.of("--annotation", "io.tailor.profile=podman-py"), image, UNLEARNED));
    assertNotEquals(0, refused.exit(), refused.out());
    assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    TailorProcess.Result free = Containers.run(podman(hooks, List.of(), image, UNLEARNED));
    assertEquals(0, free.exit(), free.err());
  }

  private static List<String> podman(
      Path hooks, List<String> options, String image, List<String> command) {
    List<String> argv = new PodmanRun(Optional.of(hooks), "runc", false).argv();
    argv.addAll(options);
    argv.add(image);
    argv.addAll(command);
    return argv;
  }
}
