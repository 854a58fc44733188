package dev.tailor.deploy.store;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import dev.tailor.tracer.FileTrees;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Replaces a folder's files by a new set written aside first, then switched in with one rename, so
 * that the folder is always one run's, whole: a write that fails (a full disk) leaves the old
 * folder as it was and nothing else behind.
 */
public final class FolderSwap {
  private FolderSwap() {}

  /** What writes a file's bytes. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** One file of the new folder. */
  public record File(String name, Content content) {
    public File {
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("not a file name: " + name);
      }
    }
  }

  /** What a profile folder that is a symbolic link gets. */
  public enum Links {
    /** The folder it points to is replaced (learn --out into a linked folder). */
    FOLLOW,
    /** Nothing is written: the hooks write only real folders inside their store. */
    REFUSE
  }

  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 2;

  /**
   * Makes {@code folder} hold exactly {@code files}, plus whatever else it held that is not one of
   * them (a reviewer's notes stay), never a mix of old and new {@code files}.
   */
  public static void replace(Path folder, List<File> files) throws IOException {
    replace(folder, files, Links.FOLLOW);
  }

  /** As {@link #replace(Path, List)}; {@code links} says what a folder that is a link gets. */
  public static void replace(Path folder, List<File> files, Links links) throws IOException {
    if (links == Links.REFUSE && Files.isSymbolicLink(folder)) {
      throw new FileAlreadyExistsException(
          folder.toString(),
          null,
          "is a symbolic link (to "
              + Files.readSymbolicLink(folder)
              + "), not a folder of its own: nothing is written through it");
    }
    // A symlinked profile folder stays a link: the folder it points to is the one replaced.
    Path target = (Files.isSymbolicLink(folder) ? folder.toRealPath() : folder).toAbsolutePath();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path stage = createAside(parent, target.getFileName() + ".new");
    try {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(stage, Files.getPosixFilePermissions(target));
      }
      for (File f : files) {
        try (OutputStream out =
            new BufferedOutputStream(
                Files.newOutputStream(stage.resolve(f.name()), StandardOpenOption.CREATE_NEW),
                1 << 16)) {
          f.content().writeTo(out);
        }
      }
      Path old = swap(stage, target);
      if (old != null) {
        carryOver(old, target, files.stream().map(File::name).collect(Collectors.toSet()));
        FileTrees.deleteQuietly(old);
      }
    } catch (IOException | RuntimeException e) {
      FileTrees.deleteQuietly(stage);
      throw e;
    }
  }

  /**
   * Puts {@code stage} where {@code target} is; returns where the old folder now is (to be
   * deleted), or null when there was none.
   */
  private static Path swap(Path stage, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
      return null;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a folder");
    }
    if (exchange(stage, target)) {
      return stage;
    }
    // No atomic exchange here: move the old folder away, and back if the new one cannot take its
    // place.
    Path old = createAside(target.getParent(), target.getFileName() + ".old");
    Files.delete(old);
    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
    return old;
  }

  /**
   * Swaps two folders in one step with Linux's renameat2(RENAME_EXCHANGE); false where unsupported.
   */
  private static boolean exchange(Path a, Path b) {
    try {
      Function f = Function.getFunction("c", "renameat2", Function.THROW_LAST_ERROR);
      return f.invokeInt(
              new Object[] {AT_FDCWD, a.toString(), AT_FDCWD, b.toString(), RENAME_EXCHANGE})
          == 0;
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      return false;
    }
  }

  /**
   * Moves what the old folder held besides the profile files (and tailor's temporary files) into
   * the new one.
   */
  private static void carryOver(Path old, Path target, Set<String> replaced) throws IOException {
    if (Files.isSymbolicLink(old)) {
      // A link was swapped in after the checks: what it points to is not ours to move.
      return;
    }
    List<Path> keep = new ArrayList<>();
    try (Stream<Path> s = Files.list(old)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        boolean temporary = n.startsWith(".") && n.endsWith(".tmp");
        if (!replaced.contains(n) && !temporary) {
          keep.add(p);
        }
      }
    }
    for (Path p : keep) {
      Files.move(p, target.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** A new, empty folder {@code .NAME-RANDOM} in {@code parent}, with the default permissions. */
  private static Path createAside(Path parent, String name) throws IOException {
    while (true) {
      Path p =
          parent.resolve(
              "." + name + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      try {
        return Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        // try another name
      }
    }
  }
}
