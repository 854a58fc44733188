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

  /** How the profiles reach the nodes, which decides the paths and names a Pod gives. */
  public enum Install {
    /**
     * tailor's {@code daemonset} export: {@code profiles/NAME.json}, AppArmor by its profile line.
     */
    DAEMONSET,
    /**
     * the security-profiles-operator: {@code operator/OBJECT.json}, AppArmor by the resource's
     * name.
     */
    SPO;

    /** The method named {@code s} (daemonset, spo). */
    public static Optional<Install> named(String s) {
      for (Install i : values()) {
        if (i.name().toLowerCase(Locale.ROOT).equals(s)) {
          return Optional.of(i);
        }
      }
      return Optional.empty();
    }
  }

  /** The daemonset's namespace when none is given. */
  public static final String DAEMONSET_NAMESPACE = "kube-system";

  /**
   * How to export.
   *
   * @param image kubernetes, docker, podman: the container's image (empty: the recording's, else
   *     {@code IMAGE}); daemonset: the installer image (empty: busybox, which has no
   *     apparmor_parser)
   * @param namespace the Pods' and the daemonset's namespace; empty: none on the Pods (kubectl's
   *     current one), {@value #DAEMONSET_NAMESPACE} for the daemonset
   * @param store tailor's profile store, for the podman hook lines
   * @param install kubernetes: how the profiles were installed on the nodes
   * @param command kubernetes: the Pod's command; empty: the recording's, else the image's own
   * @param pauseImage daemonset: the image that keeps the pod running (empty:
   *     registry.k8s.io/pause)
   */
  public record Options(
      String image,
      String namespace,
      String store,
      Install install,
      List<String> command,
      String pauseImage) {
    public Options {
      command = List.copyOf(command);
    }

    /** Every default: no image, no namespace, the given store, daemonset install, no command. */
    public static Options defaults(String store) {
      return new Options("", "", store, Install.DAEMONSET, List.of(), "");
    }
  }

  /** The text of {@code format} for the folders; {@code notes} gets what could not be carried. */
  public static String render(
      Format format, List<ProfileDir> profiles, Options options, Consumer<String> notes)
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
    for (ProfileDir p : profiles) {
      sizeNote(p).ifPresent(notes);
    }
    return switch (format) {
      case SPO -> {
        if (!options.namespace().isEmpty()) {
          notes.accept(
              "--namespace "
                  + options.namespace()
                  + " is not used: the operator's SeccompProfile and "
                  + "AppArmorProfile are cluster-scoped");
        }
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
            notes.accept(
                p.name()
                    + ": no image known (learned on the host); the Pod says IMAGE, or pass --image");
          }
          docs.add(KubernetesExport.pod(p, image, options, notes));
        }
        yield Yaml.documents(docs);
      }
      case DAEMONSET -> Yaml.documents(DaemonSetExport.resources(profiles, options, notes));
      case DOCKER -> RunFlagsExport.docker(profiles, options.image());
      case PODMAN -> RunFlagsExport.podman(profiles, options.image(), options.store());
    };
  }

  /** Syscall entries a profile may hold where KEP-6061's runtimes and the SPO take it. */
  public static final int MAX_ENTRIES = 128;

  /** Bytes a profile may hold there (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * Counts a profile's syscall entries: every name in every {@code syscalls[]} rule, so a name that
   * has two rules (argument filters) counts twice, as a runtime reading the list meets it.
   */
  static int entries(ProfileDir p) {
    int n = 0;
    for (com.fasterxml.jackson.databind.JsonNode rule : p.seccomp().path("syscalls")) {
      n += rule.path("names").size();
    }
    return n;
  }

  /**
   * A warning when a profile passes KEP-6061's and the SPO's limits (128 syscall entries, 1 MiB).
   */
  static Optional<String> sizeNote(ProfileDir p) {
    int entries = entries(p);
    int bytes = p.seccompText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (entries <= MAX_ENTRIES && bytes <= MAX_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        p.name()
            + ": seccomp.json holds "
            + entries
            + " syscall entries (names across its rules) and "
            + bytes
            + " bytes; Kubernetes' profile artifacts (KEP-6061) and the security-profiles-operator take at most "
            + MAX_ENTRIES
            + " entries and 1 MiB per profile: it may be refused there (fewer argument rules, --no-arg-filters, "
            + "make the entries fewer)");
  }
}
