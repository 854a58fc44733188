package dev.tailor.deploy.hook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code tailor hook install} wrote into a hooks folder, kept beside the hooks in {@value
 * #MANIFEST} (podman and CRI-O read only {@code *.json} files there): each file's name and the
 * SHA-256 of the bytes written, and the folders install made (the hooks folder, the profile store
 * and any missing parents). {@code hook uninstall} removes exactly those files whose bytes are
 * still the ones written, and those folders that are empty then; a file changed since is left where
 * it is, and said so.
 *
 * @param files file name (in the hooks folder) to the SHA-256 of what was written, hex
 * @param createdFolders the folders install made (absolute)
 */
public record InstalledHooks(Map<String, String> files, List<Path> createdFolders) {
  /** The manifest's file name in the hooks folder. */
  public static final String MANIFEST = "tailor-hooks.installed";

  private static final String HEADER =
      "# written by 'tailor hook install'; 'tailor hook uninstall' removes the files "
          + "below while their SHA-256 is still this";
  private static final String CREATED = "created-folder ";

  public InstalledHooks {
    files = Map.copyOf(new TreeMap<>(files));
    createdFolders = List.copyOf(createdFolders);
  }

  /** What uninstall did: the files removed, and one line for each thing left in place. */
  public record Removal(List<Path> removed, List<String> kept) {
    public Removal {
      removed = List.copyOf(removed);
      kept = List.copyOf(kept);
    }
  }

  /** The manifest of {@code hooksDir}, if tailor installed hooks there. */
  public static java.util.Optional<InstalledHooks> read(Path hooksDir) throws IOException {
    Path m = hooksDir.resolve(MANIFEST);
    if (!Files.exists(m, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Optional.empty();
    }
    Map<String, String> files = new TreeMap<>();
    List<Path> created = new ArrayList<>();
    for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith(CREATED)) {
        Path folder = Path.of(line.substring(CREATED.length()));
        if (!folder.isAbsolute() || !folder.equals(folder.normalize())) {
          throw new IOException(m + ": not a line 'tailor hook install' writes: " + line);
        }
        created.add(folder);
        continue;
      }
      String[] parts = line.split("  ", 2);
      if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}") || !isPlainName(parts[1])) {
        throw new IOException(m + ": not a line 'tailor hook install' writes: " + line);
      }
      files.put(parts[1], parts[0]);
    }
    return java.util.Optional.of(new InstalledHooks(files, created));
  }

  /**
   * The folders that creating {@code hooksDir} would make, outermost first (none when it exists).
   */
  static List<Path> missingFolders(Path hooksDir) {
    List<Path> missing = new ArrayList<>();
    for (Path p = hooksDir;
        p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing.add(0, p);
    }
    return missing;
  }

  /**
   * Records that {@code written} (files in {@code hooksDir}) were just written, keeping what an
   * earlier install recorded there; {@code created}: the folders this install made.
   */
  static void record(Path hooksDir, List<Path> written, List<Path> created) throws IOException {
    InstalledHooks before = read(hooksDir).orElse(new InstalledHooks(Map.of(), List.of()));
    Map<String, String> files = new TreeMap<>(before.files());
    for (Path f : written) {
      files.put(f.getFileName().toString(), sha256(Files.readAllBytes(f)));
    }
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    java.util.TreeSet<Path> folders = new java.util.TreeSet<>(before.createdFolders());
    folders.addAll(created);
    for (Path folder : folders) {
      s.append(CREATED).append(folder).append('\n');
    }
    files.forEach((name, hash) -> s.append(hash).append("  ").append(name).append('\n'));
    Path tmp = hooksDir.resolve("." + MANIFEST + ".tmp");
    Files.writeString(tmp, s, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        hooksDir.resolve(MANIFEST),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes what the manifest of {@code hooksDir} lists and is unchanged, then the manifest. */
  public Removal uninstall(Path hooksDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path f = hooksDir.resolve(e.getKey());
      if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
          || !sha256(Files.readAllBytes(f)).equals(e.getValue())) {
        kept.add(
            f
                + " was changed since 'tailor hook install' wrote it: left in place, remove it yourself");
        continue;
      }
      Files.delete(f);
      removed.add(f);
    }
    Path m = hooksDir.resolve(MANIFEST);
    Files.delete(m);
    removed.add(m);
    // deepest first, so a folder's empty subfolders are gone before it is tried
    List<Path> folders = new ArrayList<>(createdFolders);
    folders.sort(java.util.Comparator.comparingInt(Path::getNameCount).reversed());
    List<Path> keptFolders = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        removeLogReserve(folder, removed);
        Files.delete(folder);
        removed.add(folder);
      } catch (DirectoryNotEmptyException e) {
        if (keptFolders.stream().noneMatch(k -> k.startsWith(folder))) {
          kept.add(
              folder
                  + " (made by 'tailor hook install') holds files now (learned profiles, logs, other hooks): "
                  + "left in place");
        }
        keptFolders.add(folder);
      }
    }
    return new Removal(removed, kept);
  }

  /**
   * The disk space the hooks hold for their log lines (a file of tailor's own, made with the store)
   * goes with a logs folder that holds nothing else; beside real logs it stays.
   */
  private static void removeLogReserve(Path folder, List<Path> removed) throws IOException {
    List<Path> entries;
    try (java.util.stream.Stream<Path> s = Files.list(folder)) {
      entries = s.limit(2).toList();
    }
    if (entries.size() == 1
        && entries.get(0).getFileName().toString().equals(dev.tailor.deploy.store.LogReserve.NAME)
        && Files.isRegularFile(entries.get(0), LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(entries.get(0));
      removed.add(entries.get(0));
    }
  }

  private static boolean isPlainName(String name) {
    return name.matches("[A-Za-z0-9._-]+") && !name.startsWith(".");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
