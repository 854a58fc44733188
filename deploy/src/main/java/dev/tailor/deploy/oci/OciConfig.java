package dev.tailor.deploy.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parts of a bundle's {@code config.json} that say what the container sees: its root, its
 * mounts, its process and annotations.
 *
 * @param rootPath the host folder that is the container's {@code /} (absolute)
 * @param mounts the mounts in config order
 * @param args the container process's argv
 * @param cwd the container process's working directory (container view)
 * @param processIds the ids the container's process starts with ({@code process.user}, in the
 *     container's user namespace), and what is known of its capabilities
 * @param hostIds whether the container's ids are the host's (no user namespace mappings), so that
 *     the owners of its files on the host are the ones it sees
 */
public record OciConfig(
    String rootPath,
    List<Mount> mounts,
    List<String> args,
    String cwd,
    SortedMap<String, String> annotations,
    dev.tailor.tracer.record.TaskIds processIds,
    boolean hostIds) {
  /** One entry of {@code mounts}: {@code source} is a host path for bind mounts. */
  public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
      options = List.copyOf(options);
    }

    /** Whether this mount shows a host folder or file ({@code bind} type or option). */
    public boolean isBind() {
      return type.equals("bind") || options.contains("bind") || options.contains("rbind");
    }
  }

  public OciConfig {
    mounts = List.copyOf(mounts);
    args = List.copyOf(args);
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /** A config that says nothing of the process's ids. */
  public OciConfig(
      String rootPath,
      List<Mount> mounts,
      List<String> args,
      String cwd,
      SortedMap<String, String> annotations) {
    this(
        rootPath,
        mounts,
        args,
        cwd,
        annotations,
        dev.tailor.tracer.record.TaskIds.NONE_KNOWN,
        false);
  }

  /** The image the container runs, where one of the usual annotations names it. */
  public Optional<String> image() {
    for (String key :
        List.of(
            "io.kubernetes.cri-o.ImageName",
            "io.kubernetes.cri-o.Image",
            "org.opencontainers.image.ref.name",
            "io.podman.annotations.image",
            "io.tailor.image")) {
      String v = annotations.get(key);
      if (v != null && !v.isEmpty()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** Reads {@code BUNDLE/config.json}; a relative {@code root.path} is taken against the bundle. */
  public static OciConfig read(Path bundle) throws OciException {
    Path file = bundle.resolve("config.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OciException(
          "cannot read " + file + ": " + dev.tailor.tracer.TextFiles.reason(e), e);
    }
    return parse(bytes, bundle);
  }

  /** Parses config JSON of the bundle {@code bundle}. */
  public static OciConfig parse(byte[] json, Path bundle) throws OciException {
    JsonNode root = OciJson.read(json, "the OCI config");
    String rootPath = root.path("root").path("path").asText("");
    if (rootPath.isEmpty()) {
      throw new OciException("the OCI config has no root.path");
    }
    Path r = bundle.resolve(rootPath).normalize();
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode m : root.path("mounts")) {
      mounts.add(
          new Mount(
              m.path("destination").asText(""),
              m.path("type").asText(""),
              m.path("source").asText(""),
              OciJson.strings(m.path("options"))));
    }
    JsonNode process = root.path("process");
    Map<String, String> annotations = OciJson.stringMap(root.path("annotations"));
    JsonNode linux = root.path("linux");
    boolean hostIds = linux.path("uidMappings").isEmpty() && linux.path("gidMappings").isEmpty();
    return new OciConfig(
        r.toString(),
        mounts,
        OciJson.strings(process.path("args")),
        process.path("cwd").asText("/"),
        new TreeMap<>(annotations),
        processIds(process),
        hostIds);
  }

  /** CAP_CHOWN, CAP_SETGID and CAP_SETUID: the ones the kernel checks for id and owner changes. */
  private static final List<String> ID_CAPS = List.of("CAP_CHOWN", "CAP_SETGID", "CAP_SETUID");

  /**
   * The ids the runtime gives the process before it execs it ({@code process.user}); root's rules
   * for its capabilities where the exec leaves it with all three of {@link #ID_CAPS} (root, with
   * them in the bounding set) or none (another user, without them as ambient capabilities).
   */
  private static dev.tailor.tracer.record.TaskIds processIds(JsonNode process) {
    JsonNode user = process.path("user");
    if (!user.path("uid").canConvertToLong() || !user.path("gid").canConvertToLong()) {
      return dev.tailor.tracer.record.TaskIds.NONE_KNOWN;
    }
    long uid = user.path("uid").asLong();
    long gid = user.path("gid").asLong();
    List<Long> groups = new ArrayList<>();
    for (JsonNode g : user.path("additionalGids")) {
      groups.add(g.asLong());
    }
    JsonNode caps = process.path("capabilities");
    List<String> bounding = OciJson.strings(caps.path("bounding"));
    List<String> ambient = OciJson.strings(caps.path("ambient"));
    boolean rootRules =
        uid == 0 ? bounding.containsAll(ID_CAPS) : ID_CAPS.stream().noneMatch(ambient::contains);
    return new dev.tailor.tracer.record.TaskIds(
        uid,
        uid,
        uid,
        uid,
        gid,
        gid,
        gid,
        gid,
        groups,
        true,
        rootRules
            ? dev.tailor.tracer.record.TaskIds.Privilege.ROOT
            : dev.tailor.tracer.record.TaskIds.Privilege.UNKNOWN);
  }
}
