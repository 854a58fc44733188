package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@link Recorder}'s file accesses, keyed by escaped resolved path, and their assembly into
 * {@link FileUse}s at the end: named ones apart from those only used through an fd.
 */
final class FileTally {
  private final Map<String, FileAcc> files = new HashMap<>();
  private final PathResolver resolver;
  private final Progress progress;

  static final class FileAcc {
    final EnumSet<Access> ok = EnumSet.noneOf(Access.class);

    /** The failed accesses by errno (labelled for the recording by {@link #toUses}). */
    final Map<String, EnumSet<Access>> failures = new HashMap<>(2);

    boolean directory;

    /**
     * Whether a call named the file (an open, a stat, an exec), rather than only used an fd on it.
     */
    boolean named;

    long count;

    /** The path as the calls named it, one char per byte. */
    String raw = "";

    /**
     * The fs uids of the tasks whose accesses worked; {@link TaskIds#UNKNOWN} for a task whose ids
     * were not known.
     */
    final TreeSet<Long> accessUids = new TreeSet<>();

    private long lastUid = Long.MIN_VALUE;

    /** Notes the fs uid of a task whose access worked. */
    void accessedBy(long fsuid) {
      // Replays of a busy workload's calls add the same uid again and again.
      if (fsuid != lastUid) {
        accessUids.add(fsuid);
        lastUid = fsuid;
      }
    }

    /** The name's life in the run, in call order. */
    final NameLife life = new NameLife();

    /** Adds one access; the {@link CallInterpreter} does it again on each repeat of the call. */
    void add(Access kind, String errno, boolean dir) {
      count++;
      directory |= dir;
      if (errno.isEmpty()) {
        ok.add(kind);
      } else {
        failures.computeIfAbsent(errno, k -> EnumSet.noneOf(Access.class)).add(kind);
      }
    }
  }

  /** The files of a recording: named by a call, and only used through an inherited fd. */
  record Uses(TreeMap<String, FileUse> named, TreeMap<String, FileUse> inherited) {}

  FileTally(PathResolver resolver, Progress progress) {
    this.resolver = resolver;
    this.progress = progress;
  }

  /** Adds one access to a file; the caller marks whether a call named it. */
  FileAcc access(String rawPath, Access kind, String errno, boolean directory) {
    String key = PathText.escape(rawPath);
    FileAcc f = files.get(key);
    if (f == null) {
      f = new FileAcc();
      f.raw = rawPath;
      files.put(key, f);
      progress.newFile();
      f.directory = errno.isEmpty() && resolver.isDirectory(rawPath);
    }
    f.add(kind, errno, directory);
    return f;
  }

  /** Whether any access so far was to {@code rawFolder} or something below it. */
  boolean touched(String rawFolder) {
    String folder = PathText.escape(rawFolder);
    String below = folder + "/";
    return files.keySet().stream().anyMatch(k -> k.equals(folder) || k.startsWith(below));
  }

  /**
   * The uses of every file; {@code fromStart}: traced from its start, a workload that used a file
   * only through an fd got the fd from its starter, so such files are inherited.
   */
  Uses toUses(SortedSet<String> runs, boolean fromStart) {
    TreeMap<String, FileUse> fs = new TreeMap<>();
    TreeMap<String, FileUse> inherited = new TreeMap<>();
    files.forEach(
        (k, f) -> {
          TreeMap<String, SortedSet<String>> failures = new TreeMap<>();
          f.failures.forEach(
              (errno, kinds) ->
                  failures.put(
                      errno,
                      kinds.stream()
                          .map(Access::label)
                          .collect(Collectors.toCollection(TreeSet::new))));
          (f.named || !fromStart ? fs : inherited)
              .put(
                  k,
                  new FileUse(
                      k,
                      f.ok,
                      failures,
                      f.directory,
                      f.count,
                      runs,
                      f.life.shortLived(),
                      f.life.pidAt(),
                      f.accessUids,
                      owner(f)));
        });
    return new Uses(fs, inherited);
  }

  /**
   * The owner of a file whose accesses were all by tasks of known fs uids, as tailor sees it now
   * (once per path, at the end), or the maker of one the run made and removed; else {@link
   * TaskIds#UNKNOWN}.
   */
  private long owner(FileAcc f) {
    if (f.accessUids.isEmpty() || f.accessUids.contains(TaskIds.UNKNOWN)) {
      return TaskIds.UNKNOWN;
    }
    Optional<FileStat> now = resolver.stat(f.raw);
    if (now.isPresent()) {
      return now.get().uid();
    }
    // Gone: a name the run made and removed or renamed away was its maker's, tasks of that one uid.
    boolean made = f.ok.contains(Access.CREATE) || f.ok.contains(Access.MKDIR);
    boolean gone = f.ok.contains(Access.DELETE) || f.ok.contains(Access.RENAME);
    return made && gone && f.accessUids.size() == 1 ? f.accessUids.first() : TaskIds.UNKNOWN;
  }
}
