package dev.tailor.tracer.record;

import dev.tailor.tracer.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A file's owner and mode bits, as a stat by tailor saw them. */
public record FileStat(long uid, long gid, int mode) {
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;

  /** STATX_MODE, STATX_UID, STATX_GID. */
  private static final int MASK = 0x2 | 0x8 | 0x10;

  /**
   * A stat of a file on this machine, byte for byte its name (one char per byte), not following a
   * last symlink; empty when it cannot be had.
   */
  public static Optional<FileStat> of(String path) {
    byte[] name = (path + "\0").getBytes(StandardCharsets.ISO_8859_1);
    // struct statx is the same on every architecture: uid at 20, gid at 24, mode at 28.
    byte[] buf = new byte[256];
    try {
      if (LibC.INSTANCE.statx(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW, MASK, buf) != 0) {
        return Optional.empty();
      }
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    if ((b.getInt(0) & MASK) != MASK) {
      return Optional.empty();
    }
    return Optional.of(
        new FileStat(
            b.getInt(20) & 0xffffffffL, b.getInt(24) & 0xffffffffL, b.getShort(28) & 0xffff));
  }
}
