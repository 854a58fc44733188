package dev.tailor.deploy.apply;

import dev.tailor.tracer.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The folder of learned profiles, {@code STORE/NAME/{seccomp.json,apparmor.profile,...}}, as the
 * precreate hook reads it. Names come from annotations a container's creator chose, so they are
 * untrusted: only {@link Recording#isValidName} names, and a folder that resolves outside the
 * store (through a link) is refused.
 */
public record ProfileStore(Path dir) {
  /** The default store the hooks use. */
  public static final Path DEFAULT = Path.of("/var/lib/tailor/profiles");
  /** The rules that pick a profile for containers that name none. */
  public static final String BINDINGS = "bindings.json";
  /** Profile files larger than this are not a learned profile (and not read into memory). */
  static final long MAX_FILE = 4L << 20;

  public ProfileStore {
    dir = dir.toAbsolutePath().normalize();
  }

  /** The bindings file of this store (it may not exist). */
  public Path bindingsFile() {
    return dir.resolve(BINDINGS);
  }

  /** The folder of profile {@code name}, which must exist inside the store. */
  Path folder(String name, String why) throws ApplyException {
    // Names starting with a dot are the store's own folders (.tailor holds the hooks' state), never a profile.
    if (!Recording.isValidName(name) || name.startsWith(".")) {
      throw new ApplyException("profile name '" + printable(name) + "' (" + why + ") is not a valid name: use only "
          + "[A-Za-z0-9._-], not starting with a dot");
    }
    Path folder = dir.resolve(name);
    if (!Files.isDirectory(folder)) {
      throw new ApplyException("profile '" + name + "' (" + why + ") is not in the store: no folder " + folder
          + "; learn it first (tailor learn --out " + dir + " --name " + name + " -- CMD)");
    }
    try {
      Path real = folder.toRealPath();
      Path store = dir.toRealPath();
      if (!real.getParent().equals(store)) {
        throw new ApplyException("profile '" + name + "' (" + why + "): " + folder + " leads outside the store ("
            + real + ")");
      }
      return real;
    } catch (IOException e) {
      throw new ApplyException("profile '" + name + "' (" + why + "): cannot read " + folder + ": " + e.getMessage(), e);
    }
  }

  /** A regular file of a profile folder, read whole; missing or unreadable is an error. */
  static byte[] read(Path file, String profile) throws ApplyException {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new ApplyException("profile '" + profile + "': " + file
            + (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? " is not a regular file" : " is missing"));
      }
      if (Files.size(file) > MAX_FILE) {
        throw new ApplyException("profile '" + profile + "': " + file + " is larger than " + (MAX_FILE >> 20) + " MB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ApplyException("profile '" + profile + "': " + file + " is missing", e);
    } catch (IOException e) {
      throw new ApplyException("profile '" + profile + "': cannot read " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** A name as it can be shown on one line of stderr. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
