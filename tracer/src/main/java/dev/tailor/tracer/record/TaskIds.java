package dev.tailor.tracer.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The credentials of one task as the kernel keeps them: real, effective, saved and filesystem uid
 * and gid, the supplementary groups, and what is known of its capabilities. {@link #UNKNOWN}
 * ({@code -1}, which is no valid id) stands for an id that is not known.
 *
 * @param groupsKnown whether {@code groups} are the task's supplementary groups
 */
public record TaskIds(
    long ruid,
    long euid,
    long suid,
    long fsuid,
    long rgid,
    long egid,
    long sgid,
    long fsgid,
    List<Long> groups,
    boolean groupsKnown,
    Privilege privilege) {
  /** An id that is not known. */
  public static final long UNKNOWN = -1;

  private static final long[] FOUR_UNKNOWN = {UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN};

  /** Nothing known. */
  public static final TaskIds NONE_KNOWN =
      of(FOUR_UNKNOWN, FOUR_UNKNOWN, List.of(), false, Privilege.UNKNOWN);

  /** What is known of a task's capabilities. */
  public enum Privilege {
    /**
     * Root's rules: CAP_SETUID and CAP_SETGID held exactly while the effective uid is 0, CAP_CHOWN
     * while the filesystem uid is 0 too (the kernel's set*id capability fix-ups, without keep-caps
     * or secure bits).
     */
    ROOT,
    /** Not known (changed by capset, prctl, an exec of a set-id or file-capability program). */
    UNKNOWN
  }

  public TaskIds {
    groups = List.copyOf(groups);
  }

  /** Real, effective, saved and fs uids {@code u}, gids {@code g}. */
  private static TaskIds of(long[] u, long[] g, List<Long> groups, boolean known, Privilege p) {
    return new TaskIds(u[0], u[1], u[2], u[3], g[0], g[1], g[2], g[3], groups, known, p);
  }

  /** These ids with the real, effective, saved and fs uids ({@code gids}: gids) replaced. */
  TaskIds withIds(boolean gids, long r, long e, long s, long f) {
    return gids
        ? new TaskIds(ruid, euid, suid, fsuid, r, e, s, f, groups, groupsKnown, privilege)
        : new TaskIds(r, e, s, f, rgid, egid, sgid, fsgid, groups, groupsKnown, privilege);
  }

  /** These ids with other supplementary groups; {@code known}: whether they are the task's. */
  TaskIds withGroups(List<Long> list, boolean known) {
    return new TaskIds(ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid, list, known, privilege);
  }

  TaskIds withPrivilege(Privilege p) {
    return new TaskIds(ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid, groups, groupsKnown, p);
  }

  /** Whether the task holds CAP_SETUID and CAP_SETGID, if that is known. */
  Optional<Boolean> mayChangeIds() {
    return privilege == Privilege.ROOT && euid != UNKNOWN
        ? Optional.of(euid == 0)
        : Optional.empty();
  }

  /**
   * The ids of process {@code pid} (or thread) as {@code /proc/PID/status} lists them now; empty
   * when the process is gone, or lives in a user namespace whose ids differ from the ones it passes
   * to its calls.
   */
  public static Optional<TaskIds> ofProcess(int pid) {
    Path proc = Path.of("/proc", Integer.toString(pid));
    try {
      for (String map : List.of("uid_map", "gid_map")) {
        String m = Files.readString(proc.resolve(map), StandardCharsets.ISO_8859_1).trim();
        if (!m.matches("0\\s+0\\s+4294967295")) {
          return Optional.empty();
        }
      }
      return parse(Files.readAllLines(proc.resolve("status"), StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The ids in the lines of a {@code /proc/PID/status}, if they are all there. */
  static Optional<TaskIds> parse(List<String> status) {
    long[] uid = null;
    long[] gid = null;
    List<Long> groups = null;
    long capEff = -1;
    long capPrm = -1;
    for (String line : status) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String value = line.substring(colon + 1).trim();
      switch (line.substring(0, colon)) {
        case "Uid" -> uid = numbers(value, 4);
        case "Gid" -> gid = numbers(value, 4);
        case "Groups" -> groups = LongStream.of(numbers(value, -1)).boxed().toList();
        case "CapEff" -> capEff = Long.parseUnsignedLong(value, 16);
        case "CapPrm" -> capPrm = Long.parseUnsignedLong(value, 16);
        default -> {
          // not needed
        }
      }
    }
    if (uid == null || gid == null || groups == null || capEff == -1 || capPrm == -1) {
      return Optional.empty();
    }
    return Optional.of(of(uid, gid, groups, true, privilege(uid, capEff, capPrm)));
  }

  /** CAP_CHOWN, CAP_SETGID and CAP_SETUID. */
  private static final long ID_CAPS = 1L | (1L << 6) | (1L << 7);

  /**
   * Root's rules hold where the masks are what they would make of these ids: the capabilities in
   * effect exactly when the effective uid is 0, permitted while any uid is 0.
   */
  private static Privilege privilege(long[] uid, long capEff, long capPrm) {
    long effective = uid[1] == 0 && uid[3] == 0 ? ID_CAPS : 0;
    long permitted = uid[0] == 0 || uid[1] == 0 || uid[2] == 0 ? ID_CAPS : 0;
    boolean rootRules = (capEff & ID_CAPS) == effective && (capPrm & ID_CAPS) == permitted;
    return rootRules ? Privilege.ROOT : Privilege.UNKNOWN;
  }

  /** The numbers of a status line: {@code count} of them, any number when negative. */
  private static long[] numbers(String value, int count) {
    long[] out =
        value.isEmpty()
            ? new long[0]
            : Stream.of(value.split("\\s+")).mapToLong(Long::parseLong).toArray();
    if (count >= 0 && out.length != count) {
      throw new IllegalArgumentException("expected " + count + " ids: " + value);
    }
    return out;
  }
}
