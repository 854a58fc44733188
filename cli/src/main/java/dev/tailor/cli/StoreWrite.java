package dev.tailor.cli;

import dev.tailor.deploy.store.FolderSwap;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * How the learn hook writes a container's profile into the store: one writer per name at a time (a
 * lock file in the store's {@code .tailor/locks}), and a profile that another container learned
 * under the same name while this one ran is merged with this one (as {@code tailor merge} does:
 * each container stays a run of its own), never replaced. A profile written before this container
 * started is replaced, as learning a name again always does.
 */
final class StoreWrite {
  private StoreWrite() {}

  /** What was written, and whether it was merged with a profile learned at the same time. */
  record Result(ProfileFolder.Written written, int mergedWith) {}

  static Result write(
      ProfileStore store, Recording learned, Instant started, ProfileOptions options)
      throws CommandException {
    Path folder;
    Path lock;
    try {
      folder = store.learnFolder(learned.name());
      store.checkOwnFolders();
      lock = store.lockFile(learned.name());
      Files.createDirectories(lock.getParent());
    } catch (StoreException e) {
      throw new CommandException(e.getMessage() + "; no profile written");
    } catch (IOException e) {
      throw new CommandException(
          "cannot lock profile '"
              + learned.name()
              + "' in "
              + store.root()
              + ": "
              + ProfileFolder.reason(e)
              + "; no profile written");
    }
    try (FileChannel ch =
            FileChannel.open(
                lock,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock held = ch.lock()) {
      Recording r = learned;
      int mergedWith = 0;
      Path previous = folder.resolve(RecordingJson.FILE_NAME);
      if (writtenSince(previous, started)) {
        Recording other = RecordingJson.read(folder);
        // Two containers learned at once under one name: the union, each container a run of its
        // own.
        r = Recording.merge(learned.name(), RunLabels.distinct(List.of(other, learned)));
        mergedWith = other.containers().size();
      }
      return new Result(
          ProfileFolder.write(store.root(), r, options, FolderSwap.Links.REFUSE), mergedWith);
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandException(
          "cannot write profile '"
              + learned.name()
              + "' in "
              + store.root()
              + ": "
              + (e instanceof IOException io ? ProfileFolder.reason(io) : e.getMessage())
              + "; no profile written");
    }
  }

  /**
   * Whether {@code file} was written after {@code started} (by a container learned while this one
   * ran).
   */
  private static boolean writtenSince(Path file, Instant started) throws IOException {
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
          .toInstant()
          .isAfter(started);
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
