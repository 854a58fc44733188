package dev.tailor.deploy.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** {@code tailor export}: profile folders as the manifests or run flags that deploy them. */
public final class Export {
  private Export() {}

  /** What to write; each has the file name {@code --out} gives it. */
  public enum Format {
    SPO("tailor-spo.yaml"),
    KUBERNETES("tailor-kubernetes.yaml"),
    DAEMONSET("tailor-daemonset.yaml"),
    DOCKER("tailor-docker.sh"),
    PODMAN("tailor-podman.sh");

    private final String fileName;

    Format(String fileName) {
      this.fileName = fileName;
    }

    /** The file {@code --out DIR} writes. */
    public String fileName() {
      return fileName;
    }

    /** The format named {@code s} (spo, kubernetes, daemonset, docker, podman). */
    public static Optional<Format> named(String s) {
      for (Format f : values()) {
        if (f.name().toLowerCase(Locale.ROOT).equals(s)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * How to export.
   *
   * @param image the image for the Pod and run lines; empty: the recording's, else {@code IMAGE}
   * @param namespace the daemonset's namespace
   * @param store tailor's profile store, for the podman hook lines
   */
  public record Options(String image, String namespace, String store) {}

  /** The text of {@code format} for the folders; {@code notes} gets what could not be carried. */
  public static String render(Format format, List<ProfileDir> profiles, Options options, Consumer<String> notes)
      throws ExportException {
    if (profiles.isEmpty()) {
      throw new ExportException("no profile folders given");
    }
    Set<String> seen = new HashSet<>();
    for (ProfileDir p : profiles) {
      if (!seen.add(p.name())) {
        throw new ExportException("profile " + p.name() + " is given twice");
      }
    }
    return switch (format) {
      case SPO -> {
        List<Object> docs = new ArrayList<>();
        for (ProfileDir p : profiles) {
          docs.addAll(SpoExport.resources(p, notes));
        }
        yield Yaml.documents(docs);
      }
      case KUBERNETES -> {
        List<Object> docs = new ArrayList<>();
        for (ProfileDir p : profiles) {
          String image = options.image().isEmpty() ? p.image().orElse("IMAGE") : options.image();
          if (image.equals("IMAGE")) {
            notes.accept(p.name() + ": no image known (learned on the host); the Pod says IMAGE, or pass --image");
          }
          docs.add(KubernetesExport.pod(p, image));
        }
        yield Yaml.documents(docs);
      }
      case DAEMONSET -> Yaml.documents(DaemonSetExport.resources(profiles, options.namespace()));
      case DOCKER -> RunFlagsExport.docker(profiles, options.image());
      case PODMAN -> RunFlagsExport.podman(profiles, options.image(), options.store());
    };
  }
}
