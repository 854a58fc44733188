package dev.tailor.generator.apparmor;

import dev.tailor.generator.apparmor.FileRule.Kind;
import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
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

/** Turns a {@link Recording} into a draft {@link AppArmorProfile}, generalising where it is safe. */
public final class AppArmorGenerator {

  /**
   * Files directly in one directory, with the same permissions, that become {@code dir/*}. Four:
   * fewer is cheap to list and says more; a program that reads four files of a folder of its own
   * will usually read the rest.
   */
  static final int FILES_PER_DIR_GLOB = 4;

  /**
   * Entries below one directory, all with the same permissions and spread over at least {@link
   * #SUBTREE_MIN_DIRS} subfolders, that become {@code dir/**}: a package tree, not a folder.
   */
  static final int SUBTREE_GLOB_MIN = 12;

  /** Subfolders with entries a subtree needs before {@code **} is used instead of {@code *}. */
  static final int SUBTREE_MIN_DIRS = 2;

  /** Where programs put temporary files; random names there become globs, rules get owner. */
  static final List<String> TEMP_ROOTS = List.of("/tmp/", "/var/tmp/", "/dev/shm/");

  /** Rules under these get {@code owner}: files there belong to users, not to the system. */
  static final List<String> OWNER_ROOTS = List.of("/tmp/", "/var/tmp/", "/dev/shm/", "/home/", "/root/");

  /**
   * System trees: no glob that lets the workload change anything (write, append, link, exec) is
   * made below them; read-only globs are, but only below the observed folder.
   */
  static final List<String> SYSTEM_TREES =
      List.of(
          "/usr/", "/etc/", "/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/", "/boot/",
          "/proc/", "/sys/", "/dev/", "/var/lib/", "/opt/", "/snap/");

  /**
   * Folders never globbed themselves ({@code /etc/*}, {@code /usr/lib/**}): too broad to be a
   * draft's guess. Every top-level folder is in this set too.
   */
  static final Set<String> GLOB_ROOTS =
      Set.of(
          "/usr", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32", "/usr/libexec",
          "/usr/share", "/usr/bin", "/usr/sbin", "/usr/include", "/usr/local", "/usr/local/lib",
          "/usr/local/bin", "/usr/local/share", "/usr/src", "/var/lib", "/var/log", "/var/cache",
          "/var/tmp", "/var/run", "/var/spool", "/var/mail", "/run/user", "/dev/shm", "/etc/ssl/private");

  /**
   * Where keys and passwords live: no {@code **} glob is made over a folder that holds one of
   * these ({@code /etc/ssl/**} would read the private keys), and none over a home folder itself.
   */
  static final List<String> SECRETS =
      List.of(
          "/etc/ssl/private", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d",
          "/etc/ssh", "/root/.ssh", "/root/.gnupg");

  private static final Pattern HOME = Pattern.compile("/home/[^/]+");

  private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]*");

  private AppArmorGenerator() {}

  /** A draft profile for everything the recording saw succeed. */
  public static AppArmorResult generate(Recording recording, AppArmorOptions options) {
    return new AppArmorGenerator.Run(recording, options).run();
  }

  /** One rule being built: pattern text (escaped), permissions, and the paths it stands for. */
  private record Draft(
      String text, Perms perms, boolean owner, Kind kind, TreeSet<String> sources, String reason) {
    boolean literal() {
      return AppArmorGenerator.literal(text);
    }

    boolean isDirectory() {
      return text.endsWith("/");
    }
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
      Set<String> sockets = new HashSet<>();
      List<FileUse> used = new ArrayList<>(recording.files().values());
      if (options.keepInherited()) {
        used.addAll(recording.inherited().values());
      }
      for (FileUse f : used) {
        Perms p = Perms.of(f.accesses());
        if (!p.isEmpty()) {
          paths.merge(key(f.path(), f.directory()), p, Perms::union);
          runsOf.computeIfAbsent(key(f.path(), f.directory()), k -> new TreeSet<>()).addAll(f.runs());
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
                .anyMatch(e -> !e.getValue().within(Perms.NONE) && !a.grants(e.getKey()).isEmpty())) {
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
      paths.forEach((path, perms) -> {
        if (runsOf.containsKey(path) && !sockets.contains(path) && !perms.has(Perms.X)
            && (!perms.has(Perms.M) || NamePatterns.temporary(path))) {
          globbable.put(path, runsOf.get(path));
        }
      });
      Map<String, NamePatterns.Named> named = NamePatterns.of(globbable, recording.runs());
      Map<String, Draft> drafts = new TreeMap<>();
      for (Map.Entry<String, Perms> e : paths.entrySet()) {
        String path = e.getKey();
        Draft d = draft(path, e.getValue(), sockets.contains(path), named.get(path));
        drafts.merge(d.text(), d, Run::mergeDrafts);
      }
      for (Draft d : drafts.values()) {
        if (!d.literal()) {
          generalisations.add(new Generalisation(quote(d.text()), List.copyOf(d.sources()), d.reason()));
        }
      }

      // 4. Many entries of one folder or subtree become one glob.
      List<Draft> rules = new ArrayList<>(drafts.values());
      rules = collapseSubtrees(rules);
      rules = collapseFolders(rules);
      rules = joinFolders(rules);

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

    private static Draft mergeDrafts(Draft a, Draft b) {
      TreeSet<String> s = new TreeSet<>(a.sources());
      s.addAll(b.sources());
      Kind k = a.kind().compareTo(b.kind()) <= 0 ? a.kind() : b.kind();
      return new Draft(a.text(), a.perms().union(b.perms()), a.owner() || b.owner(), k, s, a.reason());
    }

    private static Draft draft(String path, Perms perms, boolean socket, NamePatterns.Named named) {
      TreeSet<String> src = new TreeSet<>(List.of(path));
      String proc = procPattern(path);
      if (proc != null) {
        return new Draft(
            proc, perms, true, Kind.PROC, src,
            "a process's own /proc entries; every numeric /proc/PID is taken to be the"
                + " workload's own (the recording keeps no pid list), so the rule is owner-only");
      }
      String text = named == null ? PathPattern.escape(path) : named.text();
      String reason = named == null ? ""
          : named.acrossRuns() ? "names that differed between runs only in a random part (a pid, a run of"
              + " letters and digits): the narrowest glob over the names of every run"
          : "a name with a random-looking part (by its characters, its length and its place: a temporary"
              + " or cache folder)";
      boolean plainFile = !socket && !perms.has(Perms.X);
      if (plainFile && TEMP_ROOTS.stream().anyMatch(path::startsWith)) {
        return new Draft(text, perms, true, Kind.TEMP, src, reason.isEmpty() ? "" : reason + ", owner-only");
      }
      Kind kind =
          socket ? Kind.SOCKET
              : perms.has(Perms.X) ? Kind.PROGRAM
              : perms.has(Perms.M) ? Kind.LIBRARY
              : Kind.FILE;
      return new Draft(text, perms, OWNER_ROOTS.stream().anyMatch(path::startsWith), kind, src, reason);
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

    private List<Draft> collapseSubtrees(List<Draft> in) {
      // Candidate folders: every ancestor of a globbable literal rule.
      TreeMap<String, List<Draft>> below = new TreeMap<>();
      for (Draft d : in) {
        if (!globbable(d)) {
          continue;
        }
        String t = d.isDirectory() ? d.text().substring(0, d.text().length() - 1) : d.text();
        for (int i = t.indexOf('/', 1); i > 0; i = t.indexOf('/', i + 1)) {
          below.computeIfAbsent(t.substring(0, i), x -> new ArrayList<>()).add(d);
        }
      }
      // Folders the workload read (listed) itself, and folders below which it changed something.
      Map<String, Draft> listed = new TreeMap<>();
      Set<String> changed = new HashSet<>();
      for (Draft d : in) {
        if (d.literal() && d.isDirectory() && d.perms().has(Perms.R)) {
          listed.put(d.text().substring(0, d.text().length() - 1), d);
        }
        if ((d.perms().bits() & (Perms.W | Perms.A | Perms.L)) != 0) {
          for (int i = d.text().indexOf('/', 1); i > 0; i = d.text().indexOf('/', i + 1)) {
            changed.add(d.text().substring(0, i));
          }
        }
      }
      List<String> folders = new ArrayList<>(below.keySet());
      folders.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
      Set<Draft> taken = new HashSet<>();
      List<Draft> out = new ArrayList<>();
      for (String dir : folders) {
        List<Draft> group = below.get(dir);
        if (group.size() < SUBTREE_GLOB_MIN || group.stream().anyMatch(taken::contains)) {
          continue;
        }
        Draft self = listed.get(dir);
        if (self != null
            && !changed.contains(dir)
            && !taken.contains(self)
            && subfolders(dir, group) >= SUBTREE_MIN_DIRS
            && mayGlob(dir, Perms.READ)
            && maySubtree(dir)) {
          // A tree the workload walked and only read: a runtime's library tree, a data folder.
          // The glob gives read only; entries that needed more (m, k) keep rules of their own.
          List<Draft> read = new ArrayList<>(List.of(self));
          group.stream().filter(d -> d.perms().within(Perms.READ)).forEach(read::add);
          boolean owner = read.stream().allMatch(Draft::owner);
          taken.addAll(read);
          out.add(
              collapsed(
                  dir + "/{,**}", Perms.READ, owner, read,
                  "a folder the workload listed and below which it only read"));
          continue;
        }
        Draft first = group.get(0);
        boolean uniform =
            group.stream().allMatch(d -> d.perms().equals(first.perms()) && d.owner() == first.owner());
        if (!uniform || subfolders(dir, group) < SUBTREE_MIN_DIRS || !mayGlob(dir, first.perms())
            || !maySubtree(dir)) {
          continue;
        }
        taken.addAll(group);
        out.add(collapsed(dir + "/**", group, "a subtree where every entry seen had the same permissions"));
      }
      for (Draft d : in) {
        if (!taken.contains(d)) {
          out.add(d);
        }
      }
      return out;
    }

    /** How many folders directly below {@code dir} hold entries of the group. */
    private static long subfolders(String dir, List<Draft> group) {
      return group.stream()
          .map(d -> d.text().substring(dir.length() + 1))
          .filter(rest -> rest.indexOf('/') >= 0)
          .map(rest -> rest.substring(0, rest.indexOf('/')))
          .distinct()
          .count();
    }

    /**
     * A folder's own rule joins the glob over its entries ({@code dir/} and {@code dir/*} become
     * {@code dir/{,*}}) when the glob already grants what the folder needed.
     */
    private List<Draft> joinFolders(List<Draft> in) {
      Map<String, Draft> folders = new HashMap<>();
      for (Draft d : in) {
        if (!d.text().contains("*") && d.isDirectory()) {
          folders.put(d.text(), d);
        }
      }
      Set<Draft> taken = new HashSet<>();
      List<Draft> out = new ArrayList<>();
      for (Draft d : in) {
        String star = d.text().endsWith("/**") ? "**" : d.text().endsWith("/*") ? "*" : "";
        if (star.isEmpty()) {
          continue;
        }
        String dir = d.text().substring(0, d.text().length() - star.length());
        Draft folder = folders.get(dir);
        if (folder == null
            || dir.contains("*")
            || taken.contains(folder)
            || !folder.perms().within(d.perms())
            || (d.owner() && !folder.owner())) {
          continue;
        }
        taken.add(folder);
        taken.add(d);
        TreeSet<String> sources = new TreeSet<>(d.sources());
        sources.addAll(folder.sources());
        String text = dir + "{," + star + "}";
        generalisations.removeIf(g -> g.pattern().equals(quote(d.text())));
        generalisations.add(new Generalisation(quote(text), List.copyOf(sources), d.reason() + ", with the folder itself"));
        out.add(new Draft(text, d.perms(), d.owner(), d.kind(), sources, d.reason()));
      }
      for (Draft d : in) {
        if (!taken.contains(d)) {
          out.add(d);
        }
      }
      return out;
    }

    private List<Draft> collapseFolders(List<Draft> in) {
      Map<String, List<Draft>> groups = new TreeMap<>();
      for (Draft d : in) {
        if ((globbable(d) || inRandomFolder(d)) && !d.isDirectory()) {
          String dir = d.text().substring(0, d.text().lastIndexOf('/'));
          groups.computeIfAbsent(dir + "\0" + d.perms().bits() + "\0" + d.owner(), x -> new ArrayList<>()).add(d);
        }
      }
      Set<Draft> taken = new HashSet<>();
      List<Draft> out = new ArrayList<>();
      for (Map.Entry<String, List<Draft>> g : groups.entrySet()) {
        String dir = g.getKey().substring(0, g.getKey().indexOf('\0'));
        List<Draft> group = g.getValue();
        if (group.size() >= FILES_PER_DIR_GLOB && mayGlob(dir, group.get(0).perms())) {
          taken.addAll(group);
          out.add(collapsed(dir + "/*", group, "files of one folder with the same permissions"));
        }
      }
      for (Draft d : in) {
        if (!taken.contains(d)) {
          out.add(d);
        }
      }
      return out;
    }

    private Draft collapsed(String text, List<Draft> group, String reason) {
      Draft first = group.get(0);
      return collapsed(text, first.perms(), first.owner(), group, reason);
    }

    private Draft collapsed(String text, Perms perms, boolean owner, List<Draft> group, String reason) {
      TreeSet<String> sources = new TreeSet<>();
      group.forEach(d -> sources.addAll(d.sources()));
      Kind kind = group.get(0).kind();
      generalisations.add(new Generalisation(quote(text), List.copyOf(sources), reason));
      return new Draft(text, perms, owner, kind, sources, reason);
    }

    /** Literal file and library rules may be globbed; programs, sockets, /proc never. */
    private static boolean globbable(Draft d) {
      return d.literal() && ofFiles(d);
    }

    /**
     * A rule of a file in a folder with a random name ({@code /tmp/tmp????????/job-01.txt}): the
     * entries of one such folder may become {@code dir/*} as those of a literal folder do.
     */
    private static boolean inRandomFolder(Draft d) {
      String name = d.text().substring(d.text().lastIndexOf('/') + 1);
      return !d.text().contains("*") && literal(name) && ofFiles(d);
    }

    private static boolean ofFiles(Draft d) {
      return (d.kind() == Kind.FILE || d.kind() == Kind.LIBRARY || d.kind() == Kind.TEMP)
          && !d.perms().has(Perms.X)
          && !d.text().contains("/../")
          && !d.text().contains("/./")
          && !d.text().contains("//");
    }

    /** Whether {@code dir/*} or {@code dir/**} with these permissions is narrow enough. */
    private static boolean mayGlob(String dir, Perms perms) {
      if (GLOB_ROOTS.contains(dir) || dir.lastIndexOf('/') == 0 || dir.isEmpty()) {
        return false;
      }
      // dir/* inside a folder of secrets (/etc/ssh/*) would read its keys too.
      if (SECRETS.stream().anyMatch(s -> dir.equals(s) || dir.startsWith(s + "/") || s.startsWith(dir + "/"))) {
        return false;
      }
      if (TEMP_ROOTS.contains(dir + "/") || OWNER_ROOTS.contains(dir + "/")) {
        return false;
      }
      boolean system = SYSTEM_TREES.stream().anyMatch(s -> (dir + "/").startsWith(s));
      return !(system && perms.changes());
    }

    /**
     * Whether {@code dir/**} may be written: not over a user's whole home, and not over a folder
     * that holds secrets, however harmless the files the workload read there were.
     */
    private static boolean maySubtree(String dir) {
      if (dir.equals("/root") || HOME.matcher(dir).matches()) {
        return false;
      }
      return SECRETS.stream().noneMatch(s -> s.startsWith(dir + "/"));
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

  /** Whether a pattern's text holds no glob and no variable. */
  private static boolean literal(String text) {
    return !text.contains("*") && !text.contains("?") && !text.contains("@");
  }

  private static String key(String path, boolean directory) {
    return directory && !path.endsWith("/") ? path + "/" : path;
  }

  private static String quote(String text) {
    return new PathPattern(text).quoted();
  }
}
