package dev.tailor.deploy.export;

import io.fabric8.kubernetes.api.model.AppArmorProfileBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Pod per profile whose container runs under it: {@code securityContext.seccompProfile} and
 * {@code appArmorProfile} (Kubernetes 1.30+), plus the AppArmor annotation that clusters before
 * 1.30 read instead. Where the profiles are on a node, and under which AppArmor name, depends on
 * how they were installed: tailor's daemonset or the security-profiles-operator.
 */
final class KubernetesExport {
  /** The annotation older kubelets read, per container. */
  static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

  private KubernetesExport() {}

  /**
   * The seccomp file's path below the kubelet's seccomp root, as the Pod names it: where the
   * daemonset export copies it, or where the operator writes a SeccompProfile. The operator writes
   * {@code operator/NAMESPACE/NAME.json}; its v1 profiles are cluster-scoped (no namespace), so the
   * path is {@code operator/NAME.json}, NAME being the resource's name.
   */
  static String localhostProfile(ProfileDir p, Export.Install install) throws ExportException {
    return switch (install) {
      case DAEMONSET -> "profiles/" + p.name() + ".json";
      case SPO -> "operator/" + p.objectName() + ".json";
    };
  }

  /**
   * The name the AppArmor profile is loaded under, if it is installed at all: apparmor.profile's
   * own {@code profile NAME} (apparmor_parser loads it so), or for the operator the
   * AppArmorProfile's name, and only where the spo export writes one (it needs recording.json).
   */
  static Optional<String> apparmorName(ProfileDir p, Export.Install install)
      throws ExportException {
    return switch (install) {
      case DAEMONSET -> p.apparmorName();
      case SPO ->
          p.apparmorText().isPresent() && p.recording().isPresent()
              ? Optional.of(p.objectName())
              : Optional.empty();
    };
  }

  static SecurityContext securityContext(ProfileDir p, Export.Install install)
      throws ExportException {
    SecurityContextBuilder b =
        new SecurityContextBuilder()
            .withSeccompProfile(
                new SeccompProfileBuilder()
                    .withType("Localhost")
                    .withLocalhostProfile(localhostProfile(p, install))
                    .build());
    apparmorName(p, install)
        .ifPresent(
            aa ->
                b.withAppArmorProfile(
                    new AppArmorProfileBuilder()
                        .withType("Localhost")
                        .withLocalhostProfile(aa)
                        .build()));
    return b.build();
  }

  /**
   * The command the Pod runs: {@code --command}, else what the recorded container or process ran.
   */
  static List<String> command(ProfileDir p, Export.Options options) {
    if (!options.command().isEmpty()) {
      return options.command();
    }
    return p.recording()
        .flatMap(
            r ->
                r.containers().stream()
                    .map(c -> c.args())
                    .filter(a -> !a.isEmpty())
                    .findFirst()
                    .or(
                        () ->
                            r.targets().stream()
                                .map(t -> t.cmdline())
                                .filter(a -> !a.isEmpty())
                                .findFirst()))
        .orElse(List.of());
  }

  static Pod pod(ProfileDir p, String image, Export.Options options, Consumer<String> notes)
      throws ExportException {
    String container = p.containerName();
    Export.Install install = options.install();
    Optional<String> aa = apparmorName(p, install);
    if (install == Export.Install.SPO && p.apparmorText().isPresent() && aa.isEmpty()) {
      notes.accept(
          p.name()
              + ": no recording.json, so the spo export writes no AppArmorProfile and the Pod names "
              + "no AppArmor profile");
    }
    List<String> command = command(p, options);
    if (command.isEmpty()) {
      notes.accept(
          p.name()
              + ": no command known; the Pod runs the image's own entrypoint, or pass --command");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    aa.ifPresent(name -> annotations.put(APPARMOR_ANNOTATION + container, "localhost/" + name));
    return new PodBuilder()
        .withNewMetadata()
        .withName(p.objectName())
        .withNamespace(options.namespace().isEmpty() ? null : options.namespace())
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .addToLabels("app.kubernetes.io/managed-by", "tailor")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .withImage(image)
        .withCommand(command.isEmpty() ? null : command)
        .withSecurityContext(securityContext(p, install))
        .endContainer()
        .endSpec()
        .build();
  }
}
