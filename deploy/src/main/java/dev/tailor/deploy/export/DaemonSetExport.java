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
import java.util.function.Consumer;

/**
 * The node distribution Kubernetes' docs recommend for Localhost profiles: a ConfigMap holding the
 * profiles and a DaemonSet whose init container, on every node, copies each seccomp profile to
 * {@code /var/lib/kubelet/seccomp/profiles/NAME.json} and, where the node's kernel has AppArmor,
 * loads each AppArmor profile with {@code apparmor_parser -r}. It mounts only what that needs of
 * the host: the kubelet's seccomp folder, {@code /etc/apparmor.d} (where the profiles go, and the
 * host's abi, tunables and abstractions they include) and securityfs (where the parser loads them).
 * The parser is the installer image's, so that image must carry one where AppArmor is on. A pause
 * container keeps the pod, and so the DaemonSet, ready.
 */
final class DaemonSetExport {
  static final String NAME = "tailor-profiles";

  /** The default installer image: a shell, cp and mv, but no apparmor_parser. */
  static final String SHELL_IMAGE = "busybox:1.36";

  static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.9";
  static final String SECCOMP_ROOT = "/var/lib/kubelet/seccomp";
  static final String APPARMOR_DIR = "/etc/apparmor.d";
  static final String SECURITYFS = "/sys/kernel/security";

  /** What a ConfigMap's data may hold: Kubernetes' 1 MiB, less room for its metadata. */
  static final int CONFIG_MAP_DATA = (1 << 20) - 16 * 1024;

  // Written to a temporary name first: a kubelet reading a half-copied profile would fail the pod.
  // A node with AppArmor on and profiles to load fails the pod when they cannot be loaded, so the
  // DaemonSet shows it, rather than the Pods that name the profiles failing later.
  static final String INSTALL =
      String.join(
          "\n",
          "set -eu",
          "mkdir -p " + SECCOMP_ROOT + "/profiles",
          "for f in /profiles/*.json; do",
          "  [ -e \"$f\" ] || continue",
          "  n=$(basename \"$f\")",
          "  cp \"$f\" \"" + SECCOMP_ROOT + "/profiles/.$n.tmp\"",
          "  mv -f \"" + SECCOMP_ROOT + "/profiles/.$n.tmp\" \"" + SECCOMP_ROOT + "/profiles/$n\"",
          "  echo \"tailor: installed seccomp profile profiles/$n\"",
          "done",
          "set -- /profiles/*.apparmor",
          "if [ ! -e \"$1\" ]; then",
          "  echo \"tailor: no AppArmor profiles to load\"",
          "elif [ \"$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)\" != Y ]; then",
          "  echo \"tailor: AppArmor is not enabled on this node; AppArmor profiles not loaded\"",
          "elif ! command -v apparmor_parser >/dev/null 2>&1; then",
          "  echo \"tailor: AppArmor is enabled on this node but the installer image has no apparmor_parser: export again "
              + "with --image IMAGE that carries one (see README)\" >&2",
          "  exit 1",
          "else",
          "  mkdir -p " + APPARMOR_DIR + "/tailor",
          "  for f in \"$@\"; do",
          "    n=$(basename \"$f\" .apparmor)",
          "    cp \"$f\" \"" + APPARMOR_DIR + "/tailor/.$n.tmp\"",
          "    mv -f \"" + APPARMOR_DIR + "/tailor/.$n.tmp\" \"" + APPARMOR_DIR + "/tailor/$n\"",
          "    apparmor_parser -r \"" + APPARMOR_DIR + "/tailor/$n\"",
          "    echo \"tailor: loaded AppArmor profile from $n\"",
          "  done",
          "fi",
          "");

  private DaemonSetExport() {}

  static List<Object> resources(
      List<ProfileDir> profiles, Export.Options options, Consumer<String> notes)
      throws ExportException {
    String namespace =
        options.namespace().isEmpty() ? Export.DAEMONSET_NAMESPACE : options.namespace();
    String installer = options.image().isEmpty() ? SHELL_IMAGE : options.image();
    String pause = options.pauseImage().isEmpty() ? PAUSE_IMAGE : options.pauseImage();
    if (options.image().isEmpty()
        && profiles.stream().anyMatch(p -> p.apparmorText().isPresent())) {
      notes.accept(
          "the installer image "
              + SHELL_IMAGE
              + " has no apparmor_parser: on a node with AppArmor enabled the "
              + "install stops there and says so; pass --image IMAGE that carries apparmor_parser (see README)");
    }
    Map<String, String> data = new TreeMap<>();
    for (ProfileDir p : profiles) {
      put(data, p.name() + ".json", p.seccompText(), p);
      if (p.apparmorText().isPresent()) {
        put(data, p.name() + ".apparmor", p.apparmorText().get(), p);
      }
    }
    long size = 0;
    for (Map.Entry<String, String> e : data.entrySet()) {
      size +=
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > CONFIG_MAP_DATA) {
      // Kubernetes refuses a ConfigMap over 1 MiB (etcd's object limit, with room for its
      // metadata).
      throw new ExportException(
          "the ConfigMap would hold "
              + size
              + " bytes of profiles, over Kubernetes' 1 MiB "
              + "limit for a ConfigMap: export the profiles in smaller groups, each with its own --namespace");
    }
    ConfigMap config =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "tailor")
            .endMetadata()
            .withData(data)
            .build();
    Map<String, String> labels = Map.of("app.kubernetes.io/name", NAME);
    DaemonSet ds =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/name", NAME)
            .addToLabels("app.kubernetes.io/managed-by", "tailor")
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(labels)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            // A new profile set changes the hash, so the DaemonSet rolls out and reinstalls.
            .addToAnnotations("tailor.dev/profiles-sha256", sha256(data))
            .endMetadata()
            .withNewSpec()
            .addNewToleration()
            .withOperator("Exists")
            .endToleration()
            .addNewInitContainer()
            .withName("install")
            .withImage(installer)
            .withCommand("sh", "-c", INSTALL)
            // Privileged: loading AppArmor profiles needs CAP_MAC_ADMIN, unconfined by AppArmor.
            .withNewSecurityContext()
            .withPrivileged(true)
            .withReadOnlyRootFilesystem(true)
            .endSecurityContext()
            .withResources(resources("10m", "32Mi", "500m", "256Mi"))
            .addNewVolumeMount()
            .withName("profiles")
            .withMountPath("/profiles")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("seccomp")
            .withMountPath(SECCOMP_ROOT)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("apparmor")
            .withMountPath(APPARMOR_DIR)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("securityfs")
            .withMountPath(SECURITYFS)
            .endVolumeMount()
            .endInitContainer()
            .addNewContainer()
            .withName("pause")
            .withImage(pause)
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .withResources(resources("1m", "8Mi", "10m", "16Mi"))
            .endContainer()
            .addNewVolume()
            .withName("profiles")
            .withNewConfigMap()
            .withName(NAME)
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("seccomp")
            .withNewHostPath()
            .withPath(SECCOMP_ROOT)
            .withType("DirectoryOrCreate")
            .endHostPath()
            .endVolume()
            .addNewVolume()
            .withName("apparmor")
            .withNewHostPath()
            .withPath(APPARMOR_DIR)
            .withType("DirectoryOrCreate")
            .endHostPath()
            .endVolume()
            // Not checked (no type): a node without securityfs has no AppArmor and the script says
            // so.
            .addNewVolume()
            .withName("securityfs")
            .withNewHostPath()
            .withPath(SECURITYFS)
            .endHostPath()
            .endVolume()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    return List.of(config, ds);
  }

  private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(
      String cpu, String memory, String cpuLimit, String memoryLimit) {
    return new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity(cpu))
        .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity(memory))
        .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity(cpuLimit))
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity(memoryLimit))
        .build();
  }

  private static void put(Map<String, String> data, String key, String value, ProfileDir p)
      throws ExportException {
    if (data.putIfAbsent(key, value) != null) {
      throw new ExportException(
          "two profile folders named " + p.name() + ": give each profile one folder");
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
