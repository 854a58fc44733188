package dev.tailor.deploy.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal OCI bundle made without any image: a root of empty folders (plus {@code bin lib lib64
 * sbin} linked into {@code usr}) that sees the host's {@code /usr} and {@code /etc} read-only, and
 * a config modelled on what podman 4 writes for {@code podman run} (its capabilities, mounts,
 * namespaces and rlimits), so the runtime's init does what it does for a real container.
 */
public final class Bundle {
  private static final List<String> FOLDERS =
      List.of("usr", "etc", "tmp", "proc", "dev", "sys", "root", "run", "var");
  private static final List<String> LINKS = List.of("bin", "lib", "lib64", "sbin");

  /** Who the container's process runs as, and how the runtime sets it up. */
  public record Variant(String label, int uid, int gid, boolean noNewPrivileges) {
    /** The set-ups a base must cover: root, another user, and no_new_privs (filter loaded last). */
    public static final List<Variant> ALL =
        List.of(
            new Variant("root", 0, 0, false),
            new Variant("uid 65534", 65534, 65534, false),
            new Variant("noNewPrivileges", 0, 0, true));
  }

  private final Path dir;

  private Bundle(Path dir) {
    this.dir = dir;
  }

  /** The bundle folder (holds config.json and rootfs/). */
  public Path dir() {
    return dir;
  }

  /** Makes a bundle in {@code dir} running {@code args} as {@code variant}. */
  public static Bundle create(Path dir, List<String> args, Variant variant) throws IOException {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root);
    for (String f : FOLDERS) {
      Files.createDirectories(root.resolve(f));
    }
    for (String l : LINKS) {
      Path link = root.resolve(l);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("usr", l));
      }
    }
    ObjectNode config;
    try (InputStream in = Bundle.class.getResourceAsStream("minimal-config.json")) {
      if (in == null) {
        throw new IOException("minimal-config.json is missing from tailor's jar");
      }
      config = (ObjectNode) OciJson.MAPPER.readTree(in);
    }
    ObjectNode process = (ObjectNode) config.get("process");
    ArrayNode a = process.putArray("args");
    args.forEach(a::add);
    ObjectNode user = (ObjectNode) process.get("user");
    user.put("uid", variant.uid());
    user.put("gid", variant.gid());
    if (variant.uid() != 0) {
      user.putArray("additionalGids").add(variant.gid());
    }
    process.put("noNewPrivileges", variant.noNewPrivileges());
    Files.writeString(
        dir.resolve("config.json"),
        OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    return new Bundle(dir);
  }

  /** Replaces the bundle's {@code linux.seccomp} with {@code seccompJson} (an OCI LinuxSeccomp). */
  public void setSeccomp(String seccompJson) throws IOException {
    Path file = dir.resolve("config.json");
    ObjectNode config = (ObjectNode) OciJson.MAPPER.readTree(Files.readAllBytes(file));
    ((ObjectNode) config.get("linux")).set("seccomp", OciJson.MAPPER.readTree(seccompJson));
    Files.writeString(
        file, OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
  }

  /** Adds a read-only bind mount of the host's {@code path} at the same place in the container. */
  public void bindReadOnly(String path) throws IOException {
    Path file = dir.resolve("config.json");
    ObjectNode config = (ObjectNode) OciJson.MAPPER.readTree(Files.readAllBytes(file));
    ObjectNode m = ((ArrayNode) config.get("mounts")).addObject();
    m.put("destination", path).put("type", "bind").put("source", path);
    m.putArray("options").add("ro").add("rbind").add("rprivate");
    Files.writeString(
        file, OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
  }
}
