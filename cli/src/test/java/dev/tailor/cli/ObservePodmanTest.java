package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.observe.ObservedFolder;
import dev.tailor.deploy.observe.ProfileObservations;
import dev.tailor.deploy.observe.SeenCall;
import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.tracer.ContainerInfo;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observe mode with real podman and runc: a profile learned from one program, on trial as its
 * observe variant ({@code --security-opt seccomp=FILE}, listenerPath at the agent), runs a second
 * program that makes calls it lacks; the agent writes exactly those calls, with the container, to
 * STORE/NAME/observed; merged back they run enforced; the original profile still refuses them.
 */
class ObservePodmanTest {
  @TempDir static Path tmp;
  static Path program;
  static Path rootfs;
  static Path store;
  static Path variant;
  static Path socket;
  Process agent;
  Path agentLog;

  @BeforeAll
  static void learn() throws Exception {
    Containers.assumePodmanRunc();
    program = NotifyWorkload.compile(tmp);
    rootfs = Containers.rootfs(tmp.resolve("bundle"));
    store = tmp.resolve("store");
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--out",
            store.toString(),
            "--name",
            "prog",
            "--",
            program.toString(),
            "learn");
    assertEquals(0, learned.exit(), learned.err());
    socket = store.resolve(".tailor/observe.sock");
    variant = tmp.resolve("prog.observe.json");
    Files.writeString(
        variant,
        SeccompJson.toJson(
            ObserveVariant.notifying(
                SeccompJson.read(store.resolve("prog/seccomp.json")).profile(),
                socket.toString())));
  }

  void startAgent() throws Exception {
    agentLog = Files.createTempFile(tmp, "agent", ".log");
    agent =
        new ProcessBuilder(
                TailorProcess.tailorCommand(
                    "observe", "--store", store.toString(), "--flush", "1s"))
            .redirectErrorStream(true)
            .redirectOutput(agentLog.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertTrue(
        NotifyWorkload.await(() -> log().contains("listening at"), Duration.ofSeconds(120)), log());
  }

  int stopAgent() throws Exception {
    agent.destroy(); // SIGTERM: the agent writes what it saw and ends
    assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), log());
    return agent.exitValue();
  }

  String log() {
    try {
      return Files.readString(agentLog);
    } catch (IOException e) {
      return "";
    }
  }

  @AfterEach
  void killAgent() {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly();
    }
  }

  TailorProcess.Result podman(Path seccomp, List<String> more, String... command) throws Exception {
    List<String> options =
        new ArrayList<>(
            List.of("--security-opt", "seccomp=" + seccomp, "-v", tmp + ":" + tmp + ":ro"));
    options.addAll(more);
    return Containers.run(Containers.podman(null, rootfs, options, List.of(command)));
  }

  @Test
  void observedContainer_runsWhole_andItsUnlearnedCalls_foldBackIntoAnEnforcedProfile()
      throws Exception {
    startAgent();
    Path cid = tmp.resolve("cid1");
    TailorProcess.Result r;
    // Peers that misbehave (one sends nothing and holds the connection, one sends junk) do not
    // stop the agent from serving the container.
    try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        SocketChannel junk = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      junk.write(ByteBuffer.wrap("{\"state\": [1, 2".getBytes(StandardCharsets.UTF_8)));
      junk.shutdownOutput();
      r =
          podman(
              variant,
              List.of("--annotation", "io.tailor.observe=prog", "--cidfile", cid.toString()),
              program.toString(),
              "more",
              "/tmp/observed1");
    }
    assertEquals(0, r.exit(), r.err() + log());
    assertEquals(NotifyWorkload.moreOutput("/tmp/observed1"), r.out());
    String id = Files.readString(cid).trim();

    Path observed = store.resolve("prog/observed");
    assertTrue(NotifyWorkload.await(() -> endedIn(observed, id), Duration.ofSeconds(60)), log());
    Recording rec = RecordingJson.read(observed);
    assertEquals(Set.of("getpgid", "mkdir"), rec.syscalls().keySet(), log());
    assertEquals(List.of(id), rec.containers().stream().map(ContainerInfo::id).toList());
    assertTrue(rec.files().containsKey("/tmp/observed1"), rec.files().toString());
    assertTrue(log().contains("observing container " + id + " against profile prog"), log());
    assertTrue(log().contains("refused a connection"), log());

    // check reads it as drift and says which container made the calls.
    TailorProcess.Result check = TailorProcess.tailor(tmp, "check", observed.toString());
    assertEquals(1, check.exit(), check.err());
    assertTrue(check.err().contains("getpgid: 1 call by " + id), check.err());

    // Merged back, the profile runs the second program enforced...
    TailorProcess.Result merged =
        TailorProcess.tailor(
            tmp,
            "merge",
            "--name",
            "prog2",
            "--out",
            store.toString(),
            store.resolve("prog").toString(),
            observed.toString());
    assertEquals(0, merged.exit(), merged.err());
    TailorProcess.Result enforced =
        podman(
            store.resolve("prog2/seccomp.json"),
            List.of(),
            program.toString(),
            "more",
            "/tmp/observed2");
    assertEquals(0, enforced.exit(), enforced.err());
    assertEquals(NotifyWorkload.moreOutput("/tmp/observed2"), enforced.out());
    // ...and the original, enforced, still refuses those calls.
    TailorProcess.Result refused =
        podman(
            store.resolve("prog/seccomp.json"),
            List.of(),
            program.toString(),
            "more",
            "/tmp/observed3");
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(
        refused.out().contains("mkdir /tmp/observed3: Operation not permitted"), refused.out());
    assertTrue(refused.out().contains("getpgid: Operation not permitted"), refused.out());

    // An agent that restarts keeps what was written, and adds to it.
    assertEquals(0, stopAgent(), log());
    startAgent();
    Path cid2 = tmp.resolve("cid2");
    TailorProcess.Result again =
        podman(
            variant,
            List.of("--annotation", "io.tailor.observe=prog", "--cidfile", cid2.toString()),
            program.toString(),
            "more",
            "/tmp/observed4");
    assertEquals(0, again.exit(), again.err() + log());
    String id2 = Files.readString(cid2).trim();
    assertTrue(NotifyWorkload.await(() -> endedIn(observed, id2), Duration.ofSeconds(60)), log());
    ProfileObservations tally = ObservedFolder.peek(observed).orElseThrow();
    assertEquals(2, tally.containers().size());
    long getpgid =
        tally.containers().stream()
            .flatMap(c -> c.calls().stream())
            .filter(s -> s.syscall().equals("getpgid"))
            .mapToLong(SeenCall::count)
            .sum();
    assertEquals(2, getpgid);
    assertEquals(0, stopAgent(), log());
  }

  /**
   * Whether the observed folder holds container {@code id} as ended: what the agent writes when the
   * container's processes are gone, so with every call it made. A periodic flush can write the
   * container while it still runs, before its calls (CI run o1 counted one getpgid of two).
   */
  static boolean endedIn(Path observed, String id) {
    try {
      return ObservedFolder.peek(observed).stream()
          .flatMap(t -> t.containers().stream())
          .anyMatch(c -> c.container().id().equals(id) && !c.running());
    } catch (IOException e) {
      return false;
    }
  }
}
