package dev.tailor.deploy.export;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node distribution Kubernetes' docs recommend for Localhost profiles: a ConfigMap holding the
 * profiles and a DaemonSet whose init container, on every node, copies each seccomp profile to
 * {@code /var/lib/kubelet/seccomp/profiles/NAME.json} and, where the node's kernel has AppArmor,
 * loads each AppArmor profile with the node's own {@code apparmor_parser -r} (through chroot, so
 * parser and kernel match). A pause container keeps the pod, and so the DaemonSet, ready.
 */
final class DaemonSetExport {
  static final String NAME = "tailor-profiles";
  static final String SHELL_IMAGE = "busybox:1.36";
  static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.9";
  /** What a ConfigMap's data may hold: Kubernetes' 1 MiB, less room for its metadata. */
  static final int CONFIG_MAP_DATA = (1 << 20) - 16 * 1024;

  // Written to a temporary name first: a kubelet reading a half-copied profile would fail the pod.
  static final String INSTALL = String.join("\n",
      "set -eu",
      "mkdir -p /host/var/lib/kubelet/seccomp/profiles",
      "for f in /profiles/*.json; do",
      "  [ -e \"$f\" ] || continue",
      "  n=$(basename \"$f\")",
      "  cp \"$f\" \"/host/var/lib/kubelet/seccomp/profiles/.$n.tmp\"",
      "  mv -f \"/host/var/lib/kubelet/seccomp/profiles/.$n.tmp\" \"/host/var/lib/kubelet/seccomp/profiles/$n\"",
      "  echo \"tailor: installed seccomp profile profiles/$n\"",
      "done",
      "if [ \"$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)\" = Y ]; then",
      "  mkdir -p /host/etc/apparmor.d/tailor",
      "  for f in /profiles/*.apparmor; do",
      "    [ -e \"$f\" ] || continue",
      "    n=$(basename \"$f\" .apparmor)",
      "    cp \"$f\" \"/host/etc/apparmor.d/tailor/$n\"",
      "    chroot /host apparmor_parser -r \"/etc/apparmor.d/tailor/$n\"",
      "    echo \"tailor: loaded AppArmor profile from $n\"",
      "  done",
      "else",
      "  echo \"tailor: AppArmor is not enabled on this node; AppArmor profiles not loaded\"",
      "fi",
      "");

  private DaemonSetExport() {}

  static List<Object> resources(List<ProfileDir> profiles, String namespace) throws ExportException {
    Map<String, String> data = new TreeMap<>();
    for (ProfileDir p : profiles) {
      put(data, p.name() + ".json", p.seccompText(), p);
      if (p.apparmorText().isPresent()) {
        put(data, p.name() + ".apparmor", p.apparmorText().get(), p);
      }
    }
    long size = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > CONFIG_MAP_DATA) {
      // Kubernetes refuses a ConfigMap over 1 MiB (etcd's object limit, with room for its metadata).
      throw new ExportException("the ConfigMap would hold " + size + " bytes of profiles, over Kubernetes' 1 MiB "
          + "limit for a ConfigMap: export the profiles in smaller groups, each with its own --namespace");
    }
    ConfigMap config = new ConfigMapBuilder()
        .withNewMetadata().withName(NAME).withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "tailor").endMetadata()
        .withData(data)
        .build();
    Map<String, String> labels = Map.of("app.kubernetes.io/name", NAME);
    DaemonSet ds = new DaemonSetBuilder()
        .withNewMetadata().withName(NAME).withNamespace(namespace)
            .addToLabels("app.kubernetes.io/name", NAME)
            .addToLabels("app.kubernetes.io/managed-by", "tailor").endMetadata()
        .withNewSpec()
            .withNewSelector().withMatchLabels(labels).endSelector()
            .withNewTemplate()
                .withNewMetadata().withLabels(labels)
                    // A new profile set changes the hash, so the DaemonSet rolls out and reinstalls.
                    .addToAnnotations("tailor.dev/profiles-sha256", sha256(data)).endMetadata()
                .withNewSpec()
                    .addNewToleration().withOperator("Exists").endToleration()
                    .addNewInitContainer()
                        .withName("install")
                        .withImage(SHELL_IMAGE)
                        .withCommand("sh", "-c", INSTALL)
                        .withNewSecurityContext().withPrivileged(true).endSecurityContext()
                        .addNewVolumeMount().withName("profiles").withMountPath("/profiles").withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("host").withMountPath("/host").endVolumeMount()
                    .endInitContainer()
                    .addNewContainer()
                        .withName("pause")
                        .withImage(PAUSE_IMAGE)
                    .endContainer()
                    .addNewVolume().withName("profiles").withNewConfigMap().withName(NAME).endConfigMap().endVolume()
                    .addNewVolume().withName("host").withNewHostPath().withPath("/").withType("Directory").endHostPath()
                    .endVolume()
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
    return List.of(config, ds);
  }

  private static void put(Map<String, String> data, String key, String value, ProfileDir p) throws ExportException {
    if (data.putIfAbsent(key, value) != null) {
      throw new ExportException("two profile folders named " + p.name() + ": give each profile one folder");
    }
  }

  private static String sha256(Map<String, String> data) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : data.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
