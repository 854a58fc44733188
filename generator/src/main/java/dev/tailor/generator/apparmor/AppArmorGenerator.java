package dev.tailor.generator.apparmor;

import dev.tailor.generator.apparmor.FileRule.Kind;
import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.call.CapabilityCalls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a {@link Recording} into a draft {@link AppArmorProfile}, generalising where it is safe.
 */
public final class AppArmorGenerator {

  /**
   * Where programs put temporary files; random names there become globs, and rules get owner where
   * the recording shows the workload's tasks owned the files.
   */
  static final List<String> TEMP_ROOTS = List.of("/tmp/", "/var/tmp/", "/dev/shm/");

  /**
   * Rules under these may get {@code owner}: files there belong to users, not to the system. They
   * get it only where every access the rule covers was by a task whose fs uid owned the file
   * ({@link FileUse#ownedByAccessors}).
   */
  static final List<String> OWNER_ROOTS =
      List.of("/tmp/", "/var/tmp/", "/dev/shm/", "/home/", "/root/");

  /**
   * System trees: no glob that lets the workload change anything (write, append, link, exec) is
   * made below them; read-only globs are, but only below the observed folder.
   */
  static final List<String> SYSTEM_TREES =
      List.of(
          "/usr/",
          "/etc/",
          "/bin/",
          "/sbin/",
          "/lib/",
          "/lib32/",
          "/lib64/",
          "/libx32/",
          "/boot/",
          "/proc/",
          "/sys/",
          "/dev/",
          "/var/lib/",
          "/opt/",
          "/snap/");

  /**
   * Where keys and passwords live: no {@code **} glob is made over a folder that holds one of these
   * ({@code /etc/ssl/**} would read the private keys), and none over a home folder itself.
   */
  static final List<String> SECRETS =
      List.of(
          "/etc/ssl/private",
          "/etc/shadow",
          "/etc/gshadow",
          "/etc/sudoers",
          "/etc/sudoers.d",
          "/etc/ssh",
          "/root/.ssh",
          "/root/.gnupg");

  private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]*");

  private AppArmorGenerator() {}

  /** A draft profile for everything the recording saw succeed. */
  public static AppArmorResult generate(Recording recording, AppArmorOptions options) {
    return new AppArmorGenerator.Run(recording, options).run();
  }

  static final class Run {
    private final Recording recording;
    private final AppArmorOptions options;
    private final List<Generalisation> generalisations = new ArrayList<>();

    Run(Recording recording, AppArmorOptions options) {
      this.recording = recording;
      this.options = options;
    }

    AppArmorResult run() {
      // 1. Every path that needs a rule, with its permissions; directories end in '/'.
      TreeMap<String, Perms> paths = new TreeMap<>();
      TreeMap<String, SortedSet<String>> runsOf = new TreeMap<>();
      Set<String> shortLived = new HashSet<>();
      Map<String, SortedSet<Integer>> madeAndGone = new TreeMap<>();
      Set<String> sockets = new HashSet<>();
      // Whether every use of a path was by tasks that owned it; and who used it.
      Map<String, Boolean> owned = new HashMap<>();
      Map<String, Set<Long>> accessors = new HashMap<>();
      List<FileUse> used = new ArrayList<>(recording.files().values());
      if (options.keepInherited()) {
        used.addAll(recording.inherited().values());
      }
      for (FileUse f : used) {
        Perms p = Perms.of(f.accesses());
        if (!p.isEmpty()) {
          paths.merge(key(f.path(), f.directory()), p, Perms::union);
          owned.merge(key(f.path(), f.directory()), f.ownedByAccessors(), Boolean::logicalAnd);
          accessors
              .computeIfAbsent(key(f.path(), f.directory()), k -> new HashSet<>())
              .addAll(f.accessUids());
          runsOf
              .computeIfAbsent(key(f.path(), f.directory()), k -> new TreeSet<>())
              .addAll(f.runs());
          if ((f.accesses().contains(Access.CREATE) || f.accesses().contains(Access.MKDIR))
              && f.accesses().contains(Access.DELETE)) {
            shortLived.add(key(f.path(), f.directory()));
          }
          if (f.shortLived()) {
            madeAndGone.put(key(f.path(), f.directory()), f.pidAt());
          }
        }
      }
      for (ExecUse e : recording.execs().values()) {
        if (e.path().startsWith("/")) {
          paths.merge(e.path(), Perms.of(EnumSet.of(Access.EXEC)), Perms::union);
        }
      }
      for (SocketUse s : recording.sockets().values()) {
        if (s.family().equals("unix")) {
          for (String local : s.local()) {
            if (local.startsWith("/")) {
              paths.merge(local, new Perms(Perms.R | Perms.W), Perms::union);
              sockets.add(local);
            }
          }
        }
      }
      int distinct = paths.size();

      // 2. Abstractions: include those that cover something seen, drop what they cover.
      List<Abstraction> included = new ArrayList<>();
      included.add(Abstraction.BASE);
      for (Abstraction a : Abstraction.values()) {
        if (a != Abstraction.BASE
            && paths.entrySet().stream()
                .anyMatch(
                    e -> !e.getValue().within(Perms.NONE) && !a.grants(e.getKey()).isEmpty())) {
          included.add(a);
        }
      }
      Map<Abstraction, List<String>> covered = new LinkedHashMap<>();
      paths
          .entrySet()
          .removeIf(
              e -> {
                Perms granted = Perms.NONE;
                Abstraction first = null;
                for (Abstraction a : included) {
                  Perms g = a.grants(e.getKey());
                  if (!g.isEmpty() && first == null) {
                    first = a;
                  }
                  granted = granted.union(g);
                }
                if (first != null && e.getValue().within(granted)) {
                  covered.computeIfAbsent(first, x -> new ArrayList<>()).add(e.getKey());
                  return true;
                }
                return false;
              });
      covered.forEach(
          (a, list) ->
              generalisations.add(
                  new Generalisation(
                      "include <abstractions/" + a.fileName() + ">",
                      list,
                      "covered by Debian's abstraction " + a.fileName())));

      // 3. A draft per path: /proc of the workload and random names become patterns.
      // Programs and sockets are never globbed, even under a temporary folder: a glob there would
      // let the workload run, or connect to, anything of that shape; nor is code mapped
      // executable outside temporary folders (a library's name is its version, not chance).
      TreeMap<String, SortedSet<String>> globbable = new TreeMap<>();
      paths.forEach(
          (path, perms) -> {
            if (runsOf.containsKey(path)
                && !sockets.contains(path)
                && !perms.has(Perms.X)
                && (!perms.has(Perms.M) || NamePatterns.temporary(path))) {
              globbable.put(path, runsOf.get(path));
            }
          });
      Map<String, NamePatterns.Named> named =
          NamePatterns.of(globbable, shortLived, madeAndGone, recording.runs());
      Map<String, Draft> drafts = new TreeMap<>();
      boolean idsChanged =
          CapabilityCalls.ID_CALLS.stream()
              .anyMatch(
                  c ->
                      recording.syscalls().containsKey(c)
                          || recording.syscalls().containsKey(c + "32"));
      for (Map.Entry<String, Perms> e : paths.entrySet()) {
        String path = e.getKey();
        // A task that changed its ids is no longer dumpable: its /proc entries belong to root.
        Set<Long> who = accessors.getOrDefault(path, Set.of(-1L));
        boolean procOwner = !idsChanged || who.stream().allMatch(uid -> uid == 0);
        Draft d =
            draft(
                path,
                e.getValue(),
                sockets.contains(path),
                named.get(path),
                owned.getOrDefault(path, false),
                procOwner);
        drafts.merge(d.text(), d, Draft::merge);
      }
      foldCovered(drafts);
      for (Draft d : drafts.values()) {
        if (!d.literal()) {
          generalisations.add(
              new Generalisation(quote(d.text()), List.copyOf(d.sources()), d.reason()));
        }
      }

      // 4. Many entries of one folder or subtree become one glob.
      List<Draft> rules = new ArrayList<>(drafts.values());
      FolderGlobs globs = new FolderGlobs(generalisations);
      rules = globs.collapseSubtrees(rules);
      rules = globs.collapseFolders(rules);
      rules = globs.joinFolders(rules);

      // 5. Rules, with the exec mode chosen.
      List<FileRule> files = new ArrayList<>();
      List<String> children = new ArrayList<>();
      Set<String> childNames = new HashSet<>();
      for (Draft d : rules) {
        String target = "";
        if (d.perms().has(Perms.X) && options.execMode() == AppArmorOptions.ExecMode.CX) {
          target = childName(d.text(), childNames);
          children.add(target);
        }
        String comment = d.sources().size() > 1 ? d.sources().size() + " paths seen" : "";
        files.add(
            new FileRule(
                d.owner(),
                new PathPattern(d.text()),
                d.perms().letters(options.execMode().token()),
                target,
                d.kind(),
                comment));
      }

      List<NetworkRule> network = new ArrayList<>();
      for (SocketUse s : recording.sockets().values()) {
        String family = s.family().toLowerCase(Locale.ROOT);
        if (NetworkRule.FAMILIES.contains(family)) {
          String type = NetworkRule.TYPES.contains(s.type()) ? s.type() : "";
          network.add(new NetworkRule(family, type));
        }
      }
      List<String> caps = new ArrayList<>();
      for (CapabilityUse c : recording.capabilities().values()) {
        if (c.name().matches("[a-z_]+")) {
          caps.add(c.name());
        }
      }
      AppArmorProfile profile =
          new AppArmorProfile(
              options.profileName(),
              options.mode(),
              options.attachment(),
              included.stream().map(Abstraction::fileName).toList(),
              caps,
              network,
              files,
              children);
      generalisations.sort(
          Comparator.comparing(Generalisation::pattern).thenComparing(Generalisation::reason));
      return new AppArmorResult(profile, generalisations, distinct);
    }

    /**
     * Folds into a glob the literal drafts it already grants (the same kind, within its
     * permissions, owner-only only if they are too): they are among its paths, not rules of their
     * own. postgres named one of its shared-memory segments with a number too short to be taken for
     * random ({@code /dev/shm/PostgreSQL.1985318}), beside eight that make {@code PostgreSQL.*}.
     */
    private static void foldCovered(Map<String, Draft> drafts) {
      List<Draft> globs = drafts.values().stream().filter(d -> !d.literal()).toList();
      List<AppArmorGlob> compiled =
          globs.stream().map(g -> AppArmorGlob.compile(g.text())).toList();
      // The text before a glob's first pattern character: a literal it matches starts with it, so
      // most pairs are ruled out without the regular expression (a large log's thousands of
      // literals against its globs).
      List<String> fixed = globs.stream().map(g -> fixedPrefix(g.text())).toList();
      for (Draft d : List.copyOf(drafts.values())) {
        if (!d.literal()) {
          continue;
        }
        for (int i = 0; i < globs.size(); i++) {
          Draft g = globs.get(i);
          AppArmorGlob glob = compiled.get(i);
          if (d.text().startsWith(fixed.get(i))
              && grants(g, d)
              && d.sources().stream().allMatch(glob::matches)) {
            drafts.remove(d.text());
            drafts.merge(g.text(), d, Draft::merge);
            break;
          }
        }
      }
      // A glob that another grants whole (gcc's /tmp/cc??????.s beside /tmp/????????.s): its
      // paths are the wider one's, the profile grants the same.
      for (Draft n : globs) {
        for (Draft w : globs) {
          if (n == w || !singleCharsCover(w.text(), n.text())) {
            continue;
          }
          // as they stand now: literals may have been folded into them, either folded away
          Draft narrow = drafts.get(n.text());
          Draft wide = drafts.get(w.text());
          if (narrow != null && wide != null && grants(wide, narrow)) {
            drafts.remove(narrow.text());
            drafts.merge(wide.text(), narrow, Draft::merge);
            break;
          }
        }
      }
    }

    /**
     * Whether a rule of {@code wide}'s grants what {@code narrow}'s does to a path both match: the
     * same kind, within its permissions, owner-only only if {@code narrow} is too.
     */
    private static boolean grants(Draft wide, Draft narrow) {
      return wide.kind() == narrow.kind()
          && (!wide.owner() || narrow.owner())
          && narrow.perms().within(wide.perms());
    }

    /**
     * Whether every path pattern {@code narrow} matches, {@code wide} matches too, for patterns of
     * plain characters and {@code ?} (one character, not {@code /}) only: the same length, and
     * where they differ {@code wide} has {@code ?} against a character other than {@code /}. Any
     * other pattern is taken as not covered.
     */
    static boolean singleCharsCover(String wide, String narrow) {
      if (wide.length() != narrow.length()) {
        return false;
      }
      for (int i = 0; i < wide.length(); i++) {
        char w = wide.charAt(i);
        char n = narrow.charAt(i);
        if ("*@{}[]^\\\"".indexOf(w) >= 0 || "*@{}[]^\\\"".indexOf(n) >= 0) {
          return false;
        }
        if (w != n && (w != '?' || n == '/')) {
          return false;
        }
      }
      return true;
    }

    /** A pattern's text up to its first pattern character. */
    private static String fixedPrefix(String text) {
      int end = 0;
      while (end < text.length() && "*?@{[".indexOf(text.charAt(end)) < 0) {
        end++;
      }
      return text.substring(0, end);
    }

    private static Draft draft(
        String path,
        Perms perms,
        boolean socket,
        NamePatterns.Named named,
        boolean owned,
        boolean procOwner) {
      TreeSet<String> src = new TreeSet<>(List.of(path));
      String proc = procPattern(path);
      if (proc != null) {
        return new Draft(
            proc,
            perms,
            procOwner,
            Kind.PROC,
            src,
            "a process's own /proc entries; every numeric /proc/PID is taken to be the workload's own (the"
                + " recording keeps no pid list), so the rule is owner-only"
                + (procOwner
                    ? ""
                    : " - except here: the workload changed its ids, after which the kernel makes a"
                        + " process's /proc entries root's"));
      }
      String text = named == null ? PathPattern.escape(path) : named.text();
      String reason =
          named == null
              ? ""
              : named.madeAndGone() && !named.acrossRuns()
                  ? "a name the run made and removed (or renamed away) before it"
                      + " ended, in every run that used it: its varying part (a random run, its maker's pid) as the"
                      + " narrowest glob"
                  : named.acrossRuns()
                      ? "names that differed between runs only in a random part (a pid, a run of"
                          + " letters and digits): the narrowest glob over the names of every run"
                      : "a name with a random-looking part (by its characters, its length and its place: a temporary"
                          + " or cache folder)";
      boolean plainFile = !socket && !perms.has(Perms.X);
      if (plainFile && TEMP_ROOTS.stream().anyMatch(path::startsWith)) {
        return new Draft(
            text,
            perms,
            owned,
            Kind.TEMP,
            src,
            reason.isEmpty() || !owned ? reason : reason + ", owner-only");
      }
      Kind kind =
          socket
              ? Kind.SOCKET
              : perms.has(Perms.X) ? Kind.PROGRAM : perms.has(Perms.M) ? Kind.LIBRARY : Kind.FILE;
      return new Draft(
          text, perms, owned && OWNER_ROOTS.stream().anyMatch(path::startsWith), kind, src, reason);
    }

    /** The /proc path as a pattern of the workload's own process, or null when it is not one. */
    private static String procPattern(String path) {
      if (!path.startsWith("/proc/")) {
        return null;
      }
      String[] parts = path.substring("/proc/".length()).split("/", -1);
      String first = parts[0];
      StringBuilder out = new StringBuilder("@{PROC}/@{pid}");
      int rest;
      if (first.equals("thread-self")) {
        out.append("/task/@{tid}");
        rest = 1;
      } else if (first.equals("self") || DIGITS.matcher(first).matches()) {
        rest = 1;
        if (parts.length > 2 && parts[1].equals("task") && DIGITS.matcher(parts[2]).matches()) {
          out.append("/task/@{tid}");
          rest = 3;
        }
      } else {
        return null;
      }
      for (int i = rest; i < parts.length; i++) {
        out.append('/').append(PathPattern.escape(parts[i]));
      }
      return out.toString();
    }

    private String childName(String text, Set<String> taken) {
      String base = text.substring(text.lastIndexOf('/') + 1).replaceAll("\\\\x..", "_");
      base = base.replaceAll("[^A-Za-z0-9._-]", "_");
      if (base.length() > 100) {
        base = base.substring(0, 100);
      }
      if (!Recording.isValidName(base) || base.equals(options.profileName())) {
        base = "program";
      }
      String name = base;
      for (int i = 2; !taken.add(name); i++) {
        name = base + "-" + i;
      }
      return name;
    }
  }

  private static String key(String path, boolean directory) {
    return directory && !path.endsWith("/") ? path + "/" : path;
  }

  static String quote(String text) {
    return new PathPattern(text).quoted();
  }
}
