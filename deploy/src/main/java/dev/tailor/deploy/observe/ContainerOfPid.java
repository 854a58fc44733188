package dev.tailor.deploy.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.apply.Bindings;
import dev.tailor.deploy.apply.ObserveMode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which container in observe mode a host process belongs to, for the kernel-log observer: the
 * process's cgroup ({@code /proc/PID/cgroup}) names its container's 64-hex id (Docker's {@code
 * /docker/ID} or {@code docker-ID.scope}, podman's {@code libpod-ID}, containerd's {@code /NS/ID}
 * or {@code cri-containerd-ID.scope}); the container's own configuration then gives its name and
 * the profile it is observed against:
 *
 * <ul>
 *   <li>Docker: {@code DOCKER_ROOT/containers/ID/config.v2.json} (what {@code docker inspect}
 *       shows): the label {@code io.tailor.observe=NAME} ({@code docker run --label}), the
 *       container's name, its command;
 *   <li>other runtimes: the OCI bundle's {@code config.json} where podman (its {@code userdata})
 *       and containerd (its task folders) keep it: the annotation {@code io.tailor.observe=NAME},
 *       its command;
 *   <li>else the store's {@code bindings.json}: the first rule that matches the labels or
 *       annotations and command, when it is in observe mode.
 * </ul>
 *
 * A process that has already exited cannot be placed (its /proc entry is gone): the observer counts
 * it. Everything read here is the container's own text, so it only ever selects among the store's
 * profile names ({@link ProfileStore#isValidProfileName}); it never names a path.
 */
public final class ContainerOfPid {
  private static final Pattern ID = Pattern.compile("(?:^|[/-])([0-9a-f]{64})(?:\\.scope)?$");
  private static final int MAX_CONFIG = 4 << 20;

  private final Path proc;
  private final Path dockerRoot;
  private final List<Path> bundleRoots;
  private final ProfileStore store;
  private final Map<String, Optional<ObservedContainer>> byId = new TreeMap<>();

  /**
   * @param proc the proc file system ({@code /proc})
   * @param dockerRoot Docker's data root ({@code /var/lib/docker})
   * @param bundleRoots folders that hold OCI bundles by container id (podman's, containerd's)
   */
  public ContainerOfPid(Path proc, Path dockerRoot, List<Path> bundleRoots, ProfileStore store) {
    this.proc = proc;
    this.dockerRoot = dockerRoot;
    this.bundleRoots = List.copyOf(bundleRoots);
    this.store = store;
  }

  /** The usual places on a host: Docker, podman (root), containerd and Docker's containerd. */
  public static ContainerOfPid onThisHost(ProfileStore store) {
    return new ContainerOfPid(
        Path.of("/proc"),
        Path.of("/var/lib/docker"),
        List.of(
            Path.of("/var/lib/containers/storage/overlay-containers"),
            Path.of("/run/containerd/io.containerd.runtime.v2.task"),
            Path.of("/run/docker/containerd/daemon/io.containerd.runtime.v2.task")),
        store);
  }

  /** The container id in the cgroup of process {@code pid}, if it is in a container. */
  public Optional<String> containerId(int pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve(Integer.toString(pid)).resolve("cgroup"));
    } catch (IOException e) {
      return Optional.empty();
    }
    for (String line : lines) {
      int colon = line.indexOf(':', line.indexOf(':') + 1);
      Matcher m = ID.matcher(colon < 0 ? line : line.substring(colon + 1));
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** The container in observe mode that process {@code pid} is in, if any. */
  public Optional<ObservedContainer> of(int pid) {
    return containerId(pid).flatMap(this::container);
  }

  /** The container {@code id} as observed (looked up once per id), if it is in observe mode. */
  public synchronized Optional<ObservedContainer> container(String id) {
    return byId.computeIfAbsent(id, this::lookUp);
  }

  private Optional<ObservedContainer> lookUp(String id) {
    Map<String, String> labels = new TreeMap<>();
    List<String> args = new ArrayList<>();
    String name = id.substring(0, 12);
    Optional<JsonNode> docker =
        json(dockerRoot.resolve("containers").resolve(id).resolve("config.v2.json"));
    if (docker.isPresent()) {
      JsonNode c = docker.get();
      strings(c.path("Config").path("Labels"), labels);
      String n = c.path("Name").asText("");
      name = n.startsWith("/") ? n.substring(1) : n.isEmpty() ? name : n;
      if (!c.path("Path").asText("").isEmpty()) {
        args.add(c.path("Path").asText());
      }
      for (JsonNode a : c.path("Args")) {
        args.add(a.asText());
      }
    } else {
      Optional<JsonNode> oci = bundleConfig(id);
      if (oci.isEmpty()) {
        return Optional.empty();
      }
      strings(oci.get().path("annotations"), labels);
      for (JsonNode a : oci.get().path("process").path("args")) {
        args.add(a.asText());
      }
    }
    Optional<String> profile = Optional.ofNullable(labels.get(ObserveMode.ANNOTATION));
    if (profile.isEmpty()) {
      try {
        profile = Bindings.read(store.bindingsFile()).observedProfile(labels, args);
      } catch (ApplyException e) {
        profile = Optional.empty();
      }
    }
    String finalName = name;
    return profile
        .filter(ProfileStore::isValidProfileName)
        .map(p -> new ObservedContainer(id, p, finalName, ObservedContainer.KERNEL_LOG));
  }

  private Optional<JsonNode> bundleConfig(String id) {
    for (Path root : bundleRoots) {
      Optional<JsonNode> podman = json(root.resolve(id).resolve("userdata").resolve("config.json"));
      if (podman.isPresent()) {
        return podman;
      }
      if (Files.isDirectory(root)) {
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(root)) {
          for (Path ns : namespaces) {
            Optional<JsonNode> task = json(ns.resolve(id).resolve("config.json"));
            if (task.isPresent()) {
              return task;
            }
          }
        } catch (IOException e) {
          // not readable: try the next place
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> json(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_CONFIG) {
        return Optional.empty();
      }
      return Optional.of(OciJson.MAPPER.readTree(Files.readAllBytes(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void strings(JsonNode object, Map<String, String> into) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isTextual()) {
        into.put(e.getKey(), e.getValue().asText());
      }
    }
  }
}
