package dev.tailor.tracer;

/** One kind of access a workload made to a path; the report and the generators key rules on it. */
public enum Access {
  /** Opened for reading, listed, or read through a link. */
  READ,
  /** Opened for writing, truncated. */
  WRITE,
  /** Opened with O_APPEND only. */
  APPEND,
  /** Created (O_CREAT that made the file, mknod, symlink target name, rename target). */
  CREATE,
  /** Unlinked or removed. */
  DELETE,
  /** Renamed away (the source of a rename). */
  RENAME,
  /** Executed with execve/execveat. */
  EXEC,
  /** Mapped with PROT_EXEC (shared libraries, the loader). */
  MMAP_EXEC,
  /** flock/fcntl locks. */
  LOCK,
  /** The new name of a hard link. */
  LINK,
  /** A directory made with mkdir. */
  MKDIR,
  /** Metadata changed: chmod, chown, utimes. */
  SETATTR,
  /** Metadata read only: stat, access, readlink. Needs no AppArmor rule. */
  STAT;

  private final String label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

  /** The lower-case name used in reports and recording.json. */
  public String label() {
    return label;
  }
}
