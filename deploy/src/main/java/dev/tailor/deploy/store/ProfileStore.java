package dev.tailor.deploy.store;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.strace.StraceText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The folder the OCI hooks keep learned profiles in: {@code STORE/NAME/} holds one profile ({@code
 * seccomp.json, apparmor.profile, recording.json, report.md}), {@code STORE/bindings.json} the
 * rules that pick a profile for containers that name none, and {@code STORE/.tailor/} what is in
 * flight (a marker per container being learned) and the hooks' logs. Names and ids come from
 * container annotations and configs, so they are untrusted: only {@link Recording#isValidName}
 * names not starting with a dot, and a profile folder that resolves outside the store (through a
 * link) is refused.
 */
public record ProfileStore(Path root) {
  /** The default store the hooks use. */
  public static final Path DEFAULT = Path.of("/var/lib/tailor/profiles");

  /** The rules that pick a profile for containers that name none. */
  public static final String BINDINGS = "bindings.json";

  /** Profile files larger than this are not a learned profile (and not read into memory). */
  static final long MAX_FILE = 4L << 20;

  public ProfileStore {
    root = root.toAbsolutePath().normalize();
  }

  /** Whether {@code name} may name a profile here (dot names are the store's own folders). */
  public static boolean isValidProfileName(String name) {
    return Recording.isValidName(name) && !name.startsWith(".");
  }

  /**
   * Whether {@code id} may be used in a file name (container ids are hex; podman's, CRI-O's,
   * runc's).
   */
  public static boolean isValidId(String id) {
    return Recording.isValidName(id) && id.length() <= 128;
  }

  /** The folder profile {@code name} is written to; the name must be a valid profile name. */
  public Path folder(String name) {
    if (!isValidProfileName(name)) {
      throw new IllegalArgumentException("not a profile name: " + name);
    }
    return root.resolve(name);
  }

  /** The bindings file of this store (it may not exist). */
  public Path bindingsFile() {
    return root.resolve(BINDINGS);
  }

  /**
   * The folder of profile {@code name}, which must exist inside the store; {@code why} says who
   * asked.
   */
  public Path existingFolder(String name, String why) throws StoreException {
    if (!isValidProfileName(name)) {
      throw new StoreException(
          "profile name '"
              + printable(name)
              + "' ("
              + why
              + ") is not a valid name: use only "
              + "[A-Za-z0-9._-], not starting with a dot");
    }
    Path folder = root.resolve(name);
    if (!Files.isDirectory(folder)) {
      throw new StoreException(
          "profile '"
              + name
              + "' ("
              + why
              + ") is not in the store: no folder "
              + folder
              + "; learn it first (tailor learn --out "
              + root
              + " --name "
              + name
              + " -- CMD)");
    }
    try {
      Path real = folder.toRealPath();
      if (!real.getParent().equals(root.toRealPath())) {
        throw new StoreException(
            "profile '"
                + name
                + "' ("
                + why
                + "): "
                + folder
                + " leads outside the store ("
                + real
                + ")");
      }
      return real;
    } catch (IOException e) {
      throw new StoreException(
          "profile '" + name + "' (" + why + "): cannot read " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * The files {@code names} of profile {@code name}, each read once through one open directory (see
   * {@link StoredProfile}); {@code why} says who asked.
   */
  public StoredProfile readProfile(String name, String why, java.util.List<String> names)
      throws StoreException {
    return StoredProfile.read(this, name, why, names);
  }

  /** A regular file of a profile folder, read whole; missing, linked or oversized is an error. */
  public static byte[] read(Path file, String profile) throws StoreException {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException(
            "profile '"
                + profile
                + "': "
                + file
                + (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? " is not a regular file"
                    : " is missing"));
      }
      if (Files.size(file) > MAX_FILE) {
        throw new StoreException(
            "profile '" + profile + "': " + file + " is larger than " + (MAX_FILE >> 20) + " MB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException("profile '" + profile + "': " + file + " is missing", e);
    } catch (IOException e) {
      throw new StoreException(
          "profile '" + profile + "': cannot read " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The folder a learn of {@code name} may write: inside the store, itself and every folder on the
   * way from the store's root a folder of its own, not a link (the root itself may be one).
   */
  public Path learnFolder(String name) throws StoreException {
    if (!isValidProfileName(name)) {
      throw new StoreException(
          "'"
              + printable(name)
              + "' is not a profile name (only letters, digits, '.', '_', '-', "
              + "not starting with '.')");
    }
    Path folder = root.resolve(name);
    notALink(folder);
    return folder;
  }

  /**
   * Checks that the store's own folders ({@code .tailor}, its logs and markers) are not links out
   * of it.
   */
  public void checkOwnFolders() throws StoreException {
    for (Path p :
        new Path[] {
          root.resolve(".tailor"), internal("learning"), internal("logs"), internal("locks")
        }) {
      notALink(p);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException(
            p + " is not a folder; the hooks keep their markers and logs there");
      }
    }
  }

  private static void notALink(Path p) throws StoreException {
    if (Files.isSymbolicLink(p)) {
      String to;
      try {
        to = Files.readSymbolicLink(p).toString();
      } catch (IOException e) {
        to = "?";
      }
      throw new StoreException(
          p
              + " is a symbolic link (to "
              + printable(to)
              + "): the hooks write only folders of "
              + "the store's own; remove the link or learn under another name");
    }
  }

  /** The marker that says container {@code id} is being learned (it holds the tracer's pid). */
  public Path pending(String id) {
    return internal("learning").resolve(checkedId(id));
  }

  /** The log of the background tracer for container {@code id}. */
  public Path log(String id) {
    return internal("logs").resolve(checkedId(id) + ".log");
  }

  /** The lock file that lets one learn at a time write profile {@code name}. */
  public Path lockFile(String name) {
    if (!isValidProfileName(name)) {
      throw new IllegalArgumentException("not a profile name: " + name);
    }
    return internal("locks").resolve(name + ".lock");
  }

  /**
   * The log every learn hook outcome is appended to (one line each: traced or not, written or not).
   */
  public Path learnLog() {
    return internal("logs").resolve("learn.log");
  }

  /** The log the precreate hook appends its refusals to. */
  public Path applyLog() {
    return internal("logs").resolve("apply.log");
  }

  /** The pid written in container {@code id}'s pending marker, if the marker is there. */
  public Optional<Long> pendingPid(String id) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pending(id)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Creates the store's folders; its own folders must not be links out of it. */
  public void create() throws IOException {
    Files.createDirectories(root);
    try {
      checkOwnFolders();
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
    for (Path d : internalFolders()) {
      Files.createDirectories(d);
    }
    // Disk space held for the hooks' log lines, for when the store's disk is full.
    LogReserve.refill(internal("logs"));
  }

  /** The store's own folders that {@link #create} makes (its learn markers, logs and locks). */
  public List<Path> internalFolders() {
    return List.of(internal("learning"), internal("logs"), internal("locks"));
  }

  /** A value from a container's config or annotations, made safe for one line of text. */
  public static String printable(String s) {
    return StraceText.printable(s, 200);
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
