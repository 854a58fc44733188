package dev.tailor.generator.apparmor;

import dev.tailor.generator.apparmor.FileRule.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The draft's last generalisation: many rules of one folder or subtree become one glob ({@code
 * dir/*}, {@code dir/**}, {@code dir/{,**}}), where the folder is narrow enough and every rule it
 * replaces had the same permissions; each glob is reported with the paths it stands for.
 */
final class FolderGlobs {
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

  /**
   * Folders never globbed themselves ({@code /etc/*}, {@code /usr/lib/**}): too broad to be a
   * draft's guess. Every top-level folder is in this set too.
   */
  static final Set<String> GLOB_ROOTS =
      Set.of(
          "/usr",
          "/usr/lib",
          "/usr/lib32",
          "/usr/lib64",
          "/usr/libx32",
          "/usr/libexec",
          "/usr/share",
          "/usr/bin",
          "/usr/sbin",
          "/usr/include",
          "/usr/local",
          "/usr/local/lib",
          "/usr/local/bin",
          "/usr/local/share",
          "/usr/src",
          "/var/lib",
          "/var/log",
          "/var/cache",
          "/var/tmp",
          "/var/run",
          "/var/spool",
          "/var/mail",
          "/run/user",
          "/dev/shm",
          "/etc/ssl/private");

  private static final Pattern HOME = Pattern.compile("/home/[^/]+");

  private final List<Generalisation> generalisations;

  /** Globs made are added to {@code generalisations}. */
  FolderGlobs(List<Generalisation> generalisations) {
    this.generalisations = generalisations;
  }

  List<Draft> collapseSubtrees(List<Draft> in) {
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
                dir + "/{,**}",
                Perms.READ,
                owner,
                read,
                "a folder the workload listed and below which it only read"));
        continue;
      }
      Draft first = group.get(0);
      boolean uniform =
          group.stream()
              .allMatch(d -> d.perms().equals(first.perms()) && d.owner() == first.owner());
      if (!uniform
          || subfolders(dir, group) < SUBTREE_MIN_DIRS
          || !mayGlob(dir, first.perms())
          || !maySubtree(dir)) {
        continue;
      }
      taken.addAll(group);
      out.add(
          collapsed(
              dir + "/**", group, "a subtree where every entry seen had the same permissions"));
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
  List<Draft> joinFolders(List<Draft> in) {
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
      generalisations.removeIf(g -> g.pattern().equals(AppArmorGenerator.quote(d.text())));
      generalisations.add(
          new Generalisation(
              AppArmorGenerator.quote(text),
              List.copyOf(sources),
              d.reason() + ", with the folder itself"));
      out.add(new Draft(text, d.perms(), d.owner(), d.kind(), sources, d.reason()));
    }
    for (Draft d : in) {
      if (!taken.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  List<Draft> collapseFolders(List<Draft> in) {
    Map<String, List<Draft>> groups = new TreeMap<>();
    for (Draft d : in) {
      if (inRandomFolder(d) && !d.isDirectory()) {
        String dir = d.text().substring(0, d.text().lastIndexOf('/'));
        groups
            .computeIfAbsent(
                dir + "\0" + d.perms().bits() + "\0" + d.owner(), x -> new ArrayList<>())
            .add(d);
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

  private Draft collapsed(
      String text, Perms perms, boolean owner, List<Draft> group, String reason) {
    TreeSet<String> sources = new TreeSet<>();
    group.forEach(d -> sources.addAll(d.sources()));
    Kind kind = group.get(0).kind();
    generalisations.add(
        new Generalisation(AppArmorGenerator.quote(text), List.copyOf(sources), reason));
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
    return !d.text().contains("*") && Draft.literal(name) && ofFiles(d);
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
    if (AppArmorGenerator.SECRETS.stream()
        .anyMatch(s -> dir.equals(s) || dir.startsWith(s + "/") || s.startsWith(dir + "/"))) {
      return false;
    }
    if (AppArmorGenerator.TEMP_ROOTS.contains(dir + "/")
        || AppArmorGenerator.OWNER_ROOTS.contains(dir + "/")) {
      return false;
    }
    boolean system =
        AppArmorGenerator.SYSTEM_TREES.stream().anyMatch(s -> (dir + "/").startsWith(s));
    return !(system && perms.changes());
  }

  /**
   * Whether {@code dir/**} may be written: not over a user's whole home, and not over a folder that
   * holds secrets, however harmless the files the workload read there were.
   */
  private static boolean maySubtree(String dir) {
    if (dir.equals("/root") || HOME.matcher(dir).matches()) {
      return false;
    }
    return AppArmorGenerator.SECRETS.stream().noneMatch(s -> s.startsWith(dir + "/"));
  }
}
