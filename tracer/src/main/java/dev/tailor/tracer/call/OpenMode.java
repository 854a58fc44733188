package dev.tailor.tracer.call;

import dev.tailor.tracer.Access;
import java.util.EnumSet;
import java.util.Set;

/**
 * What an open's flags ask of the file, read once for every backend: the kernel's numbers (bpf,
 * observe) as they are, strace's flag names through {@link #named}.
 *
 * @param kinds the accesses: STAT for O_PATH; else READ, WRITE or APPEND as the access mode and
 *     O_APPEND say (O_TRUNC turns an append into a write and adds WRITE to a read-only open), and
 *     CREATE for O_CREAT or O_TMPFILE
 * @param directory O_DIRECTORY, without O_TMPFILE (which includes its bit)
 * @param exclusive O_CREAT with O_EXCL: when the open succeeded, it made the file
 */
public record OpenMode(Set<Access> kinds, boolean directory, boolean exclusive) {
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_PATH = 010000000;

  /** O_DIRECTORY on x86 and most architectures; arm's is {@link #ARM_O_DIRECTORY}. */
  public static final int O_DIRECTORY = 0200000;

  public static final int ARM_O_DIRECTORY = 040000;

  /** O_TMPFILE without the O_DIRECTORY bit it includes. */
  private static final int TMPFILE_BIT = 020000000;

  /** What creat(2) opens with. */
  public static final int CREAT = O_WRONLY | O_CREAT | O_TRUNC;

  public OpenMode {
    kinds = kinds.isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(kinds);
  }

  /** The mode of {@code flags} as x86 numbers them. */
  public static OpenMode of(long flags) {
    return of(flags, O_DIRECTORY);
  }

  /** The mode of {@code flags}, where the architecture's O_DIRECTORY is {@code oDirectory}. */
  public static OpenMode of(long flags, int oDirectory) {
    boolean tmpfile = (flags & TMPFILE_BIT) != 0 && (flags & oDirectory) != 0;
    boolean create = (flags & O_CREAT) != 0;
    return new OpenMode(
        kinds(flags, create || tmpfile),
        !tmpfile && (flags & oDirectory) != 0,
        create && (flags & O_EXCL) != 0);
  }

  private static EnumSet<Access> kinds(long flags, boolean create) {
    if ((flags & O_PATH) != 0) {
      return EnumSet.of(Access.STAT);
    }
    Access write = (flags & O_APPEND) != 0 && (flags & O_TRUNC) == 0 ? Access.APPEND : Access.WRITE;
    EnumSet<Access> k =
        switch ((int) (flags & 3)) {
          case O_RDWR -> EnumSet.of(Access.READ, write);
          case O_WRONLY -> EnumSet.of(write);
          default ->
              (flags & O_TRUNC) != 0
                  ? EnumSet.of(Access.READ, Access.WRITE)
                  : EnumSet.of(Access.READ);
        };
    if (create) {
      k.add(Access.CREATE);
    }
    return k;
  }

  /**
   * The mode of flags as strace names them ({@code O_WRONLY|O_CREAT|O_CLOEXEC}); names that do not
   * change the mode, and numbers strace could not name, are ignored.
   */
  public static OpenMode named(String flags) {
    long bits = 0;
    int start = 0;
    while (start <= flags.length()) {
      int end = flags.indexOf('|', start);
      if (end < 0) {
        end = flags.length();
      }
      bits |= bit(flags.substring(start, end).strip());
      start = end + 1;
    }
    return of(bits);
  }

  private static long bit(String name) {
    return switch (name) {
      case "O_WRONLY" -> O_WRONLY;
      case "O_RDWR" -> O_RDWR;
      case "O_CREAT" -> O_CREAT;
      case "O_EXCL" -> O_EXCL;
      case "O_TRUNC" -> O_TRUNC;
      case "O_APPEND" -> O_APPEND;
      case "O_PATH" -> O_PATH;
      case "O_DIRECTORY" -> O_DIRECTORY;
      case "O_TMPFILE" -> TMPFILE_BIT | O_DIRECTORY;
      case "__O_TMPFILE" -> TMPFILE_BIT; // older strace: __O_TMPFILE|O_DIRECTORY
      default -> 0;
    };
  }
}
