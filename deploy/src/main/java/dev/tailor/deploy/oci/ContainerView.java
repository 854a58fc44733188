package dev.tailor.deploy.oci;

import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Puts a container's recording in the container's view of its files. The kernel names files the
 * container opened as the container sees them, but a file reached through the host's tree (an fd
 * the runtime opened before it switched root, a path under the root folder or a bind source) has
 * its host name: those are mapped back to the container's path, and host paths that belong to the
 * runtime (the bundle, the runtime's state, anything naming the container's id) are left out with a
 * warning. A host path is never written into the container's profile.
 */
public final class ContainerView {
  private final OciConfig config;
  private final String root;
  private final String bundle;
  private final String id;

  public ContainerView(OciConfig config, String bundle, String containerId) {
    this.config = config;
    this.root =
        PathText.escape(
            config.rootPath().endsWith("/") && config.rootPath().length() > 1
                ? config.rootPath().substring(0, config.rootPath().length() - 1)
                : config.rootPath());
    this.bundle = PathText.escape(bundle);
    this.id = containerId;
  }

  /**
   * The container's name for {@code path} (PathText form), or empty when it is a host path of the
   * runtime's.
   */
  public Optional<String> map(String path) {
    if (!bundle.isEmpty() && ContainerPathResolver.under(path, bundle) && !bundle.equals("/")) {
      return Optional.empty();
    }
    if (id.length() >= 12 && path.contains(id)) {
      return Optional.empty();
    }
    if (!root.equals("/") && ContainerPathResolver.under(path, root)) {
      String rest = path.substring(root.length());
      return Optional.of(rest.isEmpty() ? "/" : rest);
    }
    for (OciConfig.Mount m : config.mounts()) {
      if (!m.isBind() || !m.source().startsWith("/") || m.source().equals(m.destination())) {
        continue;
      }
      String src = PathText.escape(m.source());
      if (!src.equals("/") && ContainerPathResolver.under(path, src) && !insideAnyMount(path)) {
        return Optional.of(PathText.escape(m.destination()) + path.substring(src.length()));
      }
    }
    return Optional.of(path);
  }

  /** Whether {@code path} lies below a mount point of the container other than its root. */
  private boolean insideAnyMount(String path) {
    for (OciConfig.Mount m : config.mounts()) {
      String d = PathText.escape(m.destination());
      if (!d.equals("/") && ContainerPathResolver.under(path, d)) {
        return true;
      }
    }
    return false;
  }

  /** The recording with every file and exec in the container's view. */
  public Recording apply(Recording r) {
    TreeMap<String, FileUse> files = new TreeMap<>();
    TreeSet<String> dropped = new TreeSet<>();
    for (FileUse f : r.files().values()) {
      Optional<String> p = map(f.path());
      if (p.isEmpty()) {
        dropped.add(f.path());
        continue;
      }
      FileUse moved = f.withPath(p.get());
      files.merge(p.get(), moved, FileUse::merge);
    }
    TreeMap<String, ExecUse> execs = new TreeMap<>();
    for (ExecUse x : r.execs().values()) {
      Optional<String> p = map(x.path());
      if (p.isEmpty()) {
        dropped.add(x.path());
        continue;
      }
      execs.merge(p.get(), new ExecUse(p.get(), x.argv(), x.count(), x.runs()), ExecUse::merge);
    }
    List<String> warnings = new ArrayList<>();
    if (!dropped.isEmpty()) {
      List<String> shown = new ArrayList<>(dropped).subList(0, Math.min(3, dropped.size()));
      warnings.add(
          dropped.size()
              + " host paths of the container runtime (its bundle, its state, or naming the "
              + "container's id) were left out of the container's profile: "
              + String.join(", ", shown)
              + (dropped.size() > shown.size() ? ", ..." : ""));
    }
    return r.withFiles(files, execs, warnings);
  }
}
