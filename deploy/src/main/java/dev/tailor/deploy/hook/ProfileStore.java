package dev.tailor.deploy.hook;

import dev.tailor.tracer.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The folder the hooks keep profiles in: {@code STORE/NAME/} holds one learned profile; {@code
 * STORE/.tailor/} holds what is in flight (a marker per container being learned) and the logs of
 * the background tracers. Names come from container annotations, so they are checked before they
 * become paths: nothing may escape the store.
 */
public record ProfileStore(Path root) {
  /** The default store. */
  public static final Path DEFAULT = Path.of("/var/lib/tailor/profiles");

  public ProfileStore {
    root = root.toAbsolutePath().normalize();
  }

  /** The folder of profile {@code name}; the name must be a valid profile name. */
  public Path folder(String name) {
    if (!Recording.isValidName(name)) {
      throw new IllegalArgumentException("not a profile name: " + name);
    }
    return root.resolve(name);
  }

  /** Whether {@code id} may be used in a file name (container ids are hex; podman's, CRI-O's, runc's). */
  public static boolean isValidId(String id) {
    return Recording.isValidName(id) && id.length() <= 128;
  }

  /** The marker that says container {@code id} is being learned (it holds the tracer's pid). */
  public Path pending(String id) {
    return internal("learning").resolve(checkedId(id));
  }

  /** The log of the background tracer for container {@code id}. */
  public Path log(String id) {
    return internal("logs").resolve(checkedId(id) + ".log");
  }

  /** The pid written in container {@code id}'s pending marker, if the marker is there. */
  public Optional<Long> pendingPid(String id) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pending(id)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Creates the store's folders (owner-only for the internal ones). */
  public void create() throws IOException {
    Files.createDirectories(root);
    for (String d : new String[] {"learning", "logs"}) {
      Files.createDirectories(internal(d));
    }
  }

  private Path internal(String what) {
    return root.resolve(".tailor").resolve(what);
  }

  private static String checkedId(String id) {
    if (!isValidId(id)) {
      throw new IllegalArgumentException("not a container id: " + id);
    }
    return id;
  }
}
