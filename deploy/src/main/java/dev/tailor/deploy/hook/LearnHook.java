package dev.tailor.deploy.hook;

import dev.tailor.deploy.oci.OciState;
import dev.tailor.deploy.runtime.ContainerRuntime;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The prestart hook of a container to learn: starts tailor's tracer in the background, detached
 * from the runtime (its own session, its output in the store's log), and returns once the tracer
 * has attached to every thread of the container's init, which is then still waiting to load its
 * filter and exec the workload. Whatever goes wrong, the container is not held up: the hook says
 * why and the container runs untraced.
 */
public final class LearnHook {
  /** What the hook did: whether the container is being traced, and the line to print. */
  public record Outcome(boolean traced, String message) {}

  private LearnHook() {}

  /** Starts learning the container {@code state} describes. */
  public static Outcome start(OciState state, ProfileStore store, Path launcher, Duration timeout) {
    Optional<String> name = state.annotation(HookFiles.LEARN_ANNOTATION);
    if (name.isEmpty()) {
      return new Outcome(
          false,
          "container "
              + state.id()
              + " has no "
              + HookFiles.LEARN_ANNOTATION
              + " annotation; not learning it");
    }
    if (!ProfileStore.isValidProfileName(name.get())) {
      return new Outcome(
          false,
          HookFiles.LEARN_ANNOTATION
              + "="
              + ProfileStore.printable(name.get())
              + " is not a profile name (only letters, digits, '.', '_', '-', not starting with '.'); container "
              + ProfileStore.printable(state.id())
              + " runs without being learned");
    }
    if (!ProfileStore.isValidId(state.id())) {
      return new Outcome(
          false,
          "container id "
              + ProfileStore.printable(state.id())
              + " is not usable as a file name; not learning it");
    }
    try {
      store.learnFolder(name.get());
      store.checkOwnFolders();
    } catch (StoreException e) {
      return new Outcome(
          false, e.getMessage() + "; container " + state.id() + " runs without being learned");
    }
    if (state.pid() <= 0 || !Files.isDirectory(Path.of("/proc", Integer.toString(state.pid())))) {
      return new Outcome(
          false,
          "the OCI state names no running init process (pid "
              + state.pid()
              + "); is this hook in the prestart stage? Container "
              + state.id()
              + " runs without being learned");
    }
    String runtime =
        ProcessHandle.current()
            .parent()
            .flatMap(p -> ContainerRuntime.ofProcess(p.pid()))
            .map(ContainerRuntime::label)
            .orElse("");
    Process tracer;
    try {
      store.create();
      Files.writeString(
          store.pending(state.id()),
          "0\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      if (Files.isSymbolicLink(store.log(state.id()))) {
        throw new IOException(
            store.log(state.id())
                + " is a symbolic link; the tracer's log is not written through it");
      }
      List<String> argv =
          new ArrayList<>(
              List.of(
                  "setsid",
                  launcher.toString(),
                  "hook",
                  "trace",
                  "--store",
                  store.root().toString(),
                  "--name",
                  name.get(),
                  "--pid",
                  Integer.toString(state.pid()),
                  "--bundle",
                  state.bundle(),
                  "--id",
                  state.id()));
      if (!runtime.isEmpty()) {
        argv.add("--runtime");
        argv.add(runtime);
      }
      tracer =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(store.log(state.id()).toFile()))
              .redirectErrorStream(true)
              .start();
      Files.writeString(
          store.pending(state.id()),
          tracer.pid() + "\n",
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      clear(store, state.id());
      return new Outcome(
          false,
          "cannot start tailor's tracer ("
              + e.getMessage()
              + "); container "
              + state.id()
              + " runs without being learned");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (allTraced(state.pid())) {
        return new Outcome(
            true,
            "learning container "
                + state.id().substring(0, Math.min(12, state.id().length()))
                + " as "
                + store.folder(name.get()));
      }
      if (!tracer.isAlive()) {
        clear(store, state.id());
        return new Outcome(
            false,
            "tailor's tracer stopped before it attached: "
                + lastLine(store.log(state.id()))
                + "; container "
                + state.id()
                + " runs without being learned");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    tracer.destroy();
    clear(store, state.id());
    return new Outcome(
        false,
        "tailor's tracer did not attach within "
            + timeout.toSeconds()
            + " s (see "
            + store.log(state.id())
            + "); container "
            + state.id()
            + " runs without being learned");
  }

  /** Whether every thread of {@code pid} has a tracer ({@code TracerPid} in /proc). */
  static boolean allTraced(int pid) {
    Path tasks = Path.of("/proc", Integer.toString(pid), "task");
    try (var list = Files.list(tasks)) {
      List<Path> all = list.toList();
      if (all.isEmpty()) {
        return false;
      }
      for (Path t : all) {
        if (tracerPid(t.resolve("status")) == 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long tracerPid(Path status) throws IOException {
    for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("TracerPid:")) {
        return Long.parseLong(line.substring("TracerPid:".length()).trim());
      }
    }
    return 0;
  }

  private static Duration markerAge(Path marker) {
    try {
      return Duration.between(
          Files.getLastModifiedTime(marker).toInstant(), java.time.Instant.now());
    } catch (IOException e) {
      return Duration.ZERO;
    }
  }

  private static void clear(ProfileStore store, String id) {
    try {
      Files.deleteIfExists(store.pending(id));
    } catch (IOException e) {
      // the wait hook gives up on a marker whose tracer is gone
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          String l = lines.get(i).trim();
          return l.startsWith("tailor: ") ? l.substring(8) : l;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "no output (" + log + ")";
  }

  /**
   * The poststop hook: waits until the tracer of container {@code id} has written its profile (its
   * marker is gone, or its process is), at most {@code timeout}. Returns a line when it gave up.
   */
  public static Optional<String> awaitProfile(ProfileStore store, String id, Duration timeout) {
    if (!ProfileStore.isValidId(id)) {
      return Optional.of(
          "container id " + ProfileStore.printable(id) + " is not usable as a file name");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Files.exists(store.pending(id))) {
      Optional<Long> pid = store.pendingPid(id);
      if (pid.orElse(-1L) == 0 && markerAge(store.pending(id)).toSeconds() > 30) {
        // The learn hook was stopped between writing its marker and starting the tracer.
        clear(store, id);
        return Optional.of(
            "tailor's tracer of container " + id + " never started; see " + store.log(id));
      }
      if (pid.isPresent()
          && pid.get() > 0
          && !ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
        clear(store, id);
        return Optional.of(
            "tailor's tracer of container "
                + id
                + " ended without writing a profile; see "
                + store.log(id));
      }
      if (System.nanoTime() > deadline) {
        return Optional.of(
            "tailor's tracer of container "
                + id
                + " is still writing after "
                + timeout.toSeconds()
                + " s; the profile appears in "
                + store.root()
                + " when it is done");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while waiting for container " + id + "'s profile");
      }
    }
    return Optional.empty();
  }
}
