package dev.tailor.deploy.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One profile folder of a store as it was at one moment: each file read once, through one open
 * directory, so that what is checked is what is applied and the files are all one learn's. A learn
 * replaces a folder by renaming a whole new one into its place, so the files of one directory are
 * always one learn's; the folder is read again when it was replaced while being read (the old one's
 * files are deleted after the swap).
 *
 * @param folder the folder's path in the store (after resolving a link inside the store)
 * @param files file name -> its bytes, for the names asked for that exist as regular files
 */
public record StoredProfile(Path folder, Map<String, byte[]> files) {
  /** How often a folder replaced while it was read is read again before giving up. */
  static final int ATTEMPTS = 50;

  public StoredProfile {
    files = Map.copyOf(files);
  }

  /** The bytes of {@code name}, if the folder had it. */
  public Optional<byte[]> file(String name) {
    return Optional.ofNullable(files.get(name)).map(byte[]::clone);
  }

  /** Where {@code name} of this folder is, for messages. */
  public Path path(String name) {
    return folder.resolve(name);
  }

  /**
   * Reads the files {@code names} of profile {@code name} in {@code store}; a file that is missing
   * is left out of {@link #files}, one that is a link, not a regular file or too large is an error.
   */
  static StoredProfile read(ProfileStore store, String name, String why, List<String> names)
      throws StoreException {
    for (int attempt = 1; ; attempt++) {
      Path folder = store.existingFolder(name, why);
      Optional<StoredProfile> read = readOnce(folder, name, names);
      if (read.isPresent()) {
        return read.get();
      }
      if (attempt == ATTEMPTS) {
        throw new StoreException(
            "profile '"
                + name
                + "' ("
                + why
                + "): "
                + folder
                + " was replaced "
                + ATTEMPTS
                + " times while it was read; try again when the learn writing it has finished");
      }
      Thread.onSpinWait();
    }
  }

  /** The folder's files, or empty when the folder was replaced while they were read. */
  private static Optional<StoredProfile> readOnce(Path folder, String profile, List<String> names)
      throws StoreException {
    Path parent = folder.getParent();
    Path leaf = folder.getFileName();
    try (DirectoryStream<Path> up = Files.newDirectoryStream(parent)) {
      if (!(up instanceof SecureDirectoryStream<Path> secureUp)) {
        throw new StoreException(
            "profile '"
                + profile
                + "': cannot open "
                + parent
                + " as a directory to read from (no openat on this system)");
      }
      try (SecureDirectoryStream<Path> dir =
          secureUp.newDirectoryStream(leaf, LinkOption.NOFOLLOW_LINKS)) {
        Object key =
            dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String n : names) {
          readFile(dir, folder, n, profile).ifPresent(b -> files.put(n, b));
        }
        // Still the folder at that name: nothing replaced it while its files were read.
        Object now =
            Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
        return key != null && key.equals(now)
            ? Optional.of(new StoredProfile(folder, files))
            : Optional.empty();
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("symbolic link")) {
        throw new StoreException(
            "profile '" + profile + "': " + folder + " became a link while it was read", e);
      }
      throw new StoreException(
          "profile '" + profile + "': cannot read " + folder + " (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new StoreException(
          "profile '" + profile + "': cannot read " + folder + " (" + e.getMessage() + ")", e);
    }
  }

  private static Optional<byte[]> readFile(
      SecureDirectoryStream<Path> dir, Path folder, String name, String profile)
      throws IOException, StoreException {
    Path rel = Path.of(name);
    BasicFileAttributes a;
    try {
      a =
          dir.getFileAttributeView(rel, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!a.isRegularFile()) {
      throw new StoreException(
          "profile '" + profile + "': " + folder.resolve(name) + " is not a regular file");
    }
    try (SeekableByteChannel ch =
        dir.newByteChannel(
            rel, java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      if (ch.size() > ProfileStore.MAX_FILE) {
        throw new StoreException(
            "profile '"
                + profile
                + "': "
                + folder.resolve(name)
                + " is larger than "
                + (ProfileStore.MAX_FILE >> 20)
                + " MB");
      }
      long size = ch.size();
      ByteBuffer b = ByteBuffer.allocate((int) size + 1);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // read to the end, or one byte past the size it had
      }
      if (b.position() > size) {
        // A learn never writes into a folder in place: this file is being changed by someone else.
        throw new StoreException(
            "profile '" + profile + "': " + folder.resolve(name) + " grew while it was read");
      }
      byte[] out = new byte[b.position()];
      b.flip().get(out);
      return Optional.of(out);
    }
  }
}
