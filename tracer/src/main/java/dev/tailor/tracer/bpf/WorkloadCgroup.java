package dev.tailor.tracer.bpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A cgroup v2 of the workload's own, a child of tailor's: the bpf program recognises the workload's
 * processes by it with one helper call instead of a hash lookup on every syscall. Created empty;
 * the workload's first process is moved in once it has become the workload (after its exec), so
 * nothing the wrapper did before is counted, and its later children are born inside. Optional:
 * without cgroup v2, or where it cannot be written, the program tracks by process alone.
 */
final class WorkloadCgroup implements AutoCloseable {
  private final Path dir;
  private final long id;

  private WorkloadCgroup(Path dir, long id) {
    this.dir = dir;
    this.id = id;
  }

  /** A new cgroup below tailor's own, or empty when there is no writable cgroup v2 here. */
  static Optional<WorkloadCgroup> create() {
    try {
      Optional<Path> mount =
          mountPoint(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
      Optional<String> own =
          ownPath(Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8));
      if (mount.isEmpty() || own.isEmpty()) {
        return Optional.empty();
      }
      Path parent = mount.get().resolve(own.get().substring(1));
      Path dir =
          parent.resolve(
              "tailor-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + Long.toHexString(System.nanoTime()));
      Files.createDirectory(dir);
      Object ino = Files.getAttribute(dir, "unix:ino");
      return Optional.of(new WorkloadCgroup(dir, ((Number) ino).longValue()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The cgroup's folder in the cgroup v2 hierarchy (tests look there for what close() leaves). */
  Path dir() {
    return dir;
  }

  /**
   * The cgroup id the kernel's {@code bpf_get_current_cgroup_id} gives for processes inside (the
   * folder's inode).
   */
  long id() {
    return id;
  }

  /** Moves a process (all its threads) in; false when it has gone or cannot be moved. */
  boolean add(int pid) {
    try {
      Files.writeString(
          dir.resolve("cgroup.procs"), Integer.toString(pid), StandardCharsets.US_ASCII);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Moves processes still inside back to tailor's cgroup and removes this one. */
  @Override
  public void close() {
    try {
      for (String pid :
          Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
        try {
          Files.writeString(
              dir.getParent().resolve("cgroup.procs"), pid.trim(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          // gone meanwhile
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover empty cgroup is harmless
    }
  }

  /** Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo lines. */
  static Optional<Path> mountPoint(List<String> mountinfo) {
    for (String line : mountinfo) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] after = line.substring(dash + 3).split(" ");
      String[] before = line.substring(0, dash).split(" ");
      if (after.length > 0
          && after[0].equals("cgroup2")
          && before.length > 4
          && before[3].equals("/")) {
        return Optional.of(Path.of(before[4].replace("\\040", " ")));
      }
    }
    return Optional.empty();
  }

  /** This process's cgroup v2 path (the "0::" line of /proc/self/cgroup). */
  static Optional<String> ownPath(List<String> cgroup) {
    return cgroup.stream().filter(l -> l.startsWith("0::/")).map(l -> l.substring(3)).findFirst();
  }
}
