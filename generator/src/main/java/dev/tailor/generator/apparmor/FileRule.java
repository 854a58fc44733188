package dev.tailor.generator.apparmor;

import dev.tailor.tracer.Recording;
import java.util.regex.Pattern;

/**
 * One file rule: {@code [owner] "PATH" PERMS [-> CHILD],} with a short comment saying why.
 *
 * @param perms the permission letters, e.g. {@code r}, {@code rw}, {@code mr}, {@code ix}
 * @param execTarget the child profile of a {@code cx} rule, or empty
 * @param comment fixed text from the generator, never text from the workload; may be empty
 */
public record FileRule(
    boolean owner, PathPattern path, String perms, String execTarget, Kind kind, String comment) {

  /** What a rule is for; the writer groups rules by it. */
  public enum Kind {
    PROGRAM("Programs the workload ran"),
    LIBRARY("Code mapped executable (libraries)"),
    PROC("The workload's own /proc entries"),
    TEMP("Temporary files"),
    SOCKET("Unix sockets bound to paths"),
    FILE("Files and directories");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    /** The heading comment the writer puts above the group. */
    public String title() {
      return title;
    }
  }

  private static final Pattern PERMS = Pattern.compile("m?r?w?a?l?k?(?:ix|px|cx)?");
  private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9 ,.:()/_@{}*-]*");

  public FileRule {
    if (perms.isEmpty() || !PERMS.matcher(perms).matches()) {
      throw new IllegalArgumentException("bad permissions: " + perms);
    }
    if (perms.contains("w") && perms.contains("a")) {
      throw new IllegalArgumentException("'w' and 'a' exclude each other: " + perms);
    }
    if (!execTarget.isEmpty() && (!perms.endsWith("cx") || !Recording.isValidName(execTarget))) {
      throw new IllegalArgumentException("bad exec target: " + execTarget);
    }
    if (!COMMENT.matcher(comment).matches()) {
      throw new IllegalArgumentException("comment holds characters a profile must not: " + comment);
    }
  }
}
