package dev.tailor.generator.apparmor;

import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The patterns of paths whose names are random, one folder level at a time from the root, so that a
 * random folder ({@code /tmp/tmpk2j3x_8q/}) becomes one pattern before its entries are compared.
 * Across runs, names that differ between runs are paired by {@link RunDifference}; names used in
 * every run stay literal. Names used in one run only (or all names, when there was one run) are
 * judged by {@link RandomRun}, but only where programs put temporary files and caches: {@code
 * /tmp}, {@code /var/tmp}, {@code /dev/shm}, folders named like {@code $TMPDIR} ({@code tmp},
 * {@code temp}), {@code ~/.cache}, {@code /var/cache} and {@code /run/user/UID}. A name the run
 * both made and removed there is judged on less evidence ({@link RandomRun#SHORT_LIVED_BITS}): the
 * file lived only inside the run, as temporary files do. Anywhere else, a name is judged only when
 * the recording proves it temporary by its life (the run made it before anything else used it, and
 * removed it or renamed it away, in every run that saw it: {@link FileUse#shortLived()}), by {@link
 * RandomRun#madeAndGone}: git's {@code tmp_obj_KTf0Sf}, postgres's {@code xlogtemp.5734} where 5734
 * was its maker's pid.
 */
final class NamePatterns {
  /**
   * A path's pattern (escaped), whether comparing runs made any of it, and whether a name's life
   * (made and removed by the run) did.
   */
  record Named(String text, boolean acrossRuns, boolean madeAndGone) {
    Named(String text, boolean acrossRuns) {
      this(text, acrossRuns, false);
    }
  }

  private static final List<String> TEMPORARY_ROOTS =
      Stream.concat(AppArmorGenerator.TEMP_ROOTS.stream(), Stream.of("/var/cache/")).toList();

  private static final Pattern CACHE =
      Pattern.compile("(?:/home/[^/]+|/root)/\\.cache/.*|/run/user/[0-9]+/.*");

  private static final Pattern TMPDIR_LIKE =
      Pattern.compile("/.+/(?:tmp|temp|\\.tmp)/.*", Pattern.CASE_INSENSITIVE);

  /** Below these no name is made a glob: the kernel's files and devices, and secrets. */
  private static final List<String> NEVER = List.of("/proc/", "/sys/", "/dev/");

  private NamePatterns() {}

  /**
   * Whether a path (or folder, given with a trailing '/') lies where temporary files and caches go.
   */
  static boolean temporary(String path) {
    return TEMPORARY_ROOTS.stream().anyMatch(path::startsWith)
        || CACHE.matcher(path).matches()
        || TMPDIR_LIKE.matcher(path).matches();
  }

  private static boolean never(String folder) {
    String f = folder + "/";
    if (f.startsWith("/dev/shm/")) {
      return false;
    }
    return NEVER.stream().anyMatch(f::startsWith)
        || AppArmorGenerator.SECRETS.stream().anyMatch(s -> f.startsWith(s + "/"));
  }

  /** One path being walked: its names (raw bytes, one per char) and the runs that used it. */
  private static final class Walk {
    final String key;
    final List<String> names = new ArrayList<>();
    final SortedSet<String> runs;
    final boolean shortLived;

    /**
     * Where the maker's pid stood in the last name, when the recording proves the name temporary;
     * else null.
     */
    final SortedSet<Integer> madeAndGone;

    final StringBuilder pattern = new StringBuilder();
    boolean acrossRuns;
    boolean lifetime;
    boolean globbed;

    Walk(String key, SortedSet<String> runs, boolean shortLived, SortedSet<Integer> madeAndGone) {
      this.key = key;
      this.runs = runs;
      this.shortLived = shortLived;
      this.madeAndGone = madeAndGone;
      String raw = new String(PathText.toBytes(key), StandardCharsets.ISO_8859_1);
      for (String part : raw.substring(1).split("/", -1)) {
        names.add(part);
      }
      if (raw.endsWith("/")) {
        names.remove(names.size() - 1);
      }
    }

    boolean directory() {
      return key.endsWith("/");
    }
  }

  /**
   * The pattern of each path (a key in {@link PathText} form, folders with a trailing '/') that has
   * a glob in it; paths left out stay literal.
   *
   * @param runsByPath the paths that may be globbed and the runs that used each
   * @param shortLived the paths (of {@code runsByPath}) that the run made and removed again
   * @param madeAndGone the paths whose life proves them temporary ({@link FileUse#shortLived()}),
   *     with the offsets of their maker's pid in the last name ({@link FileUse#pidAt()})
   * @param allRuns every run of the recording
   */
  static Map<String, Named> of(
      Map<String, SortedSet<String>> runsByPath,
      Set<String> shortLived,
      Map<String, SortedSet<Integer>> madeAndGone,
      SortedSet<String> allRuns) {
    List<Walk> walks = new ArrayList<>();
    runsByPath.forEach(
        (k, v) -> walks.add(new Walk(k, v, shortLived.contains(k), madeAndGone.get(k))));
    int depth = walks.stream().mapToInt(w -> w.names.size()).max().orElse(0);
    for (int d = 0; d < depth; d++) {
      // Paths grouped by the pattern of their folder so far.
      TreeMap<String, List<Walk>> folders = new TreeMap<>();
      for (Walk w : walks) {
        if (w.names.size() > d) {
          folders.computeIfAbsent(w.pattern.toString(), k -> new ArrayList<>()).add(w);
        }
      }
      for (Map.Entry<String, List<Walk>> folder : folders.entrySet()) {
        Map<String, Named> names = names(folder.getKey(), d, folder.getValue(), allRuns);
        for (Walk w : folder.getValue()) {
          String name = w.names.get(d);
          Named n = names.get(name);
          w.pattern.append('/').append(n == null ? RandomRun.literal(name) : n.text());
          if (n != null) {
            w.globbed = true;
            w.acrossRuns |= n.acrossRuns();
            w.lifetime |= n.madeAndGone();
          }
        }
      }
    }
    TreeMap<String, Named> out = new TreeMap<>();
    for (Walk w : walks) {
      if (w.globbed) {
        out.put(w.key, new Named(w.pattern + (w.directory() ? "/" : ""), w.acrossRuns, w.lifetime));
      }
    }
    return out;
  }

  /** The patterns of the names in one folder that become globs, by raw name. */
  private static Map<String, Named> names(
      String folder, int depth, List<Walk> walks, SortedSet<String> allRuns) {
    TreeMap<String, Named> out = new TreeMap<>();
    if (depth == 0 || never(folder)) {
      return out;
    }
    TreeMap<String, SortedSet<String>> runs = new TreeMap<>();
    Set<String> shortLived = new HashSet<>();
    // Names whose life proves them temporary, with their pid offsets; a name that ends a path that
    // is not so (a file and a folder of one name) is not.
    Map<String, SortedSet<Integer>> madeAndGone = new TreeMap<>();
    Set<String> notGone = new HashSet<>();
    for (Walk w : walks) {
      String name = w.names.get(depth);
      runs.computeIfAbsent(name, k -> new TreeSet<>()).addAll(w.runs);
      if (w.shortLived && w.names.size() == depth + 1) {
        shortLived.add(name);
      }
      if (w.names.size() == depth + 1) {
        if (w.madeAndGone == null) {
          notGone.add(name);
        } else {
          madeAndGone.merge(
              name,
              w.madeAndGone,
              (a, b) -> {
                TreeSet<Integer> both = new TreeSet<>(a);
                both.retainAll(b);
                return both;
              });
        }
      }
    }
    madeAndGone.keySet().removeAll(notGone);
    boolean temporary = temporary(folder + "/");
    boolean severalRuns = allRuns.size() > 1;
    if (severalRuns) {
      List<RunDifference.Name> differing = new ArrayList<>();
      runs.forEach(
          (name, r) -> {
            if (!r.containsAll(allRuns)) {
              differing.add(new RunDifference.Name(name, r));
            }
          });
      RunDifference.patterns(differing, temporary)
          .forEach((name, glob) -> out.put(name, new Named(glob, true)));
    }
    madeAndGone.forEach(
        (name, pidAt) -> {
          if (!out.containsKey(name) && !(severalRuns && runs.get(name).containsAll(allRuns))) {
            RandomRun.madeAndGone(name, pidAt)
                .ifPresent(g -> out.put(name, new Named(g, false, true)));
          }
        });
    if (temporary) {
      runs.forEach(
          (name, r) -> {
            // A name used in every run is the same every time: it stays what it is.
            if (!out.containsKey(name) && !(severalRuns && r.containsAll(allRuns))) {
              Optional<String> glob =
                  RandomRun.pattern(
                      name,
                      shortLived.contains(name)
                          ? RandomRun.SHORT_LIVED_BITS
                          : RandomRun.SINGLE_RUN_BITS);
              glob.ifPresent(g -> out.put(name, new Named(g, false)));
            }
          });
    }
    return out;
  }
}
