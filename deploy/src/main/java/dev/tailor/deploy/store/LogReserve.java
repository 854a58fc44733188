package dev.tailor.deploy.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of zeros beside the hooks' logs that holds disk space for them: when the store's disk is
 * full, an append that found no space gives back part of it and tries again; the reserve grows back
 * once there is space.
 */
public final class LogReserve {
  /** The reserve's file name, in the logs' folder. */
  public static final String NAME = ".reserve";

  /** Its full size: some thousands of lines. */
  static final int SIZE = 256 << 10;

  /** How much one failed append gives back. */
  static final int STEP = 16 << 10;

  private LogReserve() {}

  /**
   * Grows the reserve in {@code logs} back to its full size with written zeros (so its blocks are
   * really taken).
   */
  public static void refill(Path logs) {
    try (FileChannel ch =
        FileChannel.open(
            logs.resolve(NAME),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size >= SIZE) {
        return;
      }
      ByteBuffer zeros = ByteBuffer.allocate((int) (SIZE - size));
      ch.position(size);
      while (zeros.hasRemaining()) {
        ch.write(zeros);
      }
      ch.force(false);
    } catch (IOException | RuntimeException e) {
      // No space for it now: the part written stays, the rest comes with a later line.
    }
  }

  /** Gives back part of the reserve in {@code logs}; false when there is none left. */
  public static boolean release(Path logs) {
    try (FileChannel ch =
        FileChannel.open(logs.resolve(NAME), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ch.truncate(Math.max(0, size - STEP));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
