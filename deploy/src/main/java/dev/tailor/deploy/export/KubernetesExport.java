package dev.tailor.deploy.export;

import io.fabric8.kubernetes.api.model.AppArmorProfileBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Pod per profile whose container runs under it: {@code securityContext.seccompProfile} (the
 * file the daemonset export installs as {@code profiles/NAME.json}) and {@code appArmorProfile}
 * (Kubernetes 1.30+), plus the AppArmor annotation that clusters before 1.30 read instead.
 */
final class KubernetesExport {
  /** The annotation older kubelets read, per container. */
  static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

  private KubernetesExport() {}

  /** The seccomp file's path below the kubelet's seccomp root, as the Pod names it. */
  static String localhostProfile(ProfileDir p) {
    return "profiles/" + p.name() + ".json";
  }

  static SecurityContext securityContext(ProfileDir p) {
    SecurityContextBuilder b = new SecurityContextBuilder()
        .withSeccompProfile(new SeccompProfileBuilder().withType("Localhost")
            .withLocalhostProfile(localhostProfile(p)).build());
    p.apparmorName().ifPresent(aa -> b.withAppArmorProfile(new AppArmorProfileBuilder().withType("Localhost")
        .withLocalhostProfile(aa).build()));
    return b.build();
  }

  static Pod pod(ProfileDir p, String image) throws ExportException {
    String container = p.containerName();
    Map<String, String> annotations = new LinkedHashMap<>();
    p.apparmorName().ifPresent(aa -> annotations.put(APPARMOR_ANNOTATION + container, "localhost/" + aa));
    return new PodBuilder()
        .withNewMetadata()
            .withName(p.objectName())
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .addToLabels("app.kubernetes.io/managed-by", "tailor")
        .endMetadata()
        .withNewSpec()
            .addNewContainer()
                .withName(container)
                .withImage(image)
                .withSecurityContext(securityContext(p))
            .endContainer()
        .endSpec()
        .build();
  }
}
