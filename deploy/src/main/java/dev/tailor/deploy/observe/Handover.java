package dev.tailor.deploy.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.oci.OciState;
import dev.tailor.deploy.store.ProfileStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a runtime sends with a container's seccomp notify fd: runc writes the runtime-spec's {@code
 * ContainerProcessState} ({@code ociVersion, fds, pid, metadata, state}), whose {@code state} is
 * the container's OCI state; a bare OCI state is read too. The container's profile is the
 * annotation {@value #OBSERVE} (what the precreate hook sets in observe mode), else {@value
 * #PROFILE}, else the {@code metadata} (the profile's {@code listenerMetadata}), else the
 * container's id. All of it is untrusted text.
 *
 * @param state the container's OCI state
 * @param pid the container's init process (0 when the runtime did not say)
 * @param seccompFd the position of the notify fd among the descriptors sent
 * @param metadata the profile's {@code linux.seccomp.listenerMetadata}, or empty
 */
record Handover(OciState state, int pid, int seccompFd, String metadata) {
  /** The annotation that names the profile a container is observed against. */
  static final String OBSERVE = "io.tailor.observe";

  /** The annotation that names a container's profile in enforce mode. */
  static final String PROFILE = "io.tailor.profile";

  /** runtime-spec's name of the seccomp notify fd in {@code fds}. */
  static final String SECCOMP_FD = "seccompFd";

  /** Annotations runtimes set to the name people gave a container. */
  private static final List<String> NAME_ANNOTATIONS =
      List.of(
          "io.kubernetes.container.name",
          "io.kubernetes.cri-o.ContainerName",
          "nerdctl/name",
          "io.podman.annotations.name");

  static Handover parse(byte[] json) throws OciException {
    JsonNode root = OciJson.read(json, "the container state a runtime sent");
    JsonNode stateNode = root.path("state");
    OciState state;
    int seccompFd = 0;
    String metadata = "";
    int pid;
    if (stateNode.isObject()) {
      state =
          OciState.parse(stateNode.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      List<String> fds = new ArrayList<>();
      root.path("fds").forEach(f -> fds.add(f.asText("")));
      seccompFd = fds.indexOf(SECCOMP_FD);
      if (seccompFd < 0) {
        throw new OciException(
            "the runtime sent no "
                + SECCOMP_FD
                + " (fds: "
                + ProfileStore.printable(fds.toString())
                + ")");
      }
      metadata = root.path("metadata").asText("");
      pid = root.path("pid").asInt(state.pid());
    } else {
      state = OciState.parse(json);
      pid = state.pid();
    }
    return new Handover(state, pid, seccompFd, metadata);
  }

  /**
   * The container as observe mode names it; {@code fixedProfile} (tailor enforce --observe)
   * overrides what the runtime said.
   */
  ObservedContainer container(Optional<String> fixedProfile) throws OciException {
    String id = state.id();
    if (!ProfileStore.isValidId(id)) {
      throw new OciException("container id '" + ProfileStore.printable(id) + "' is not a valid id");
    }
    String profile =
        fixedProfile
            .or(() -> state.annotation(OBSERVE))
            .or(() -> state.annotation(PROFILE))
            .or(() -> metadataProfile())
            .orElse(id);
    if (!ProfileStore.isValidProfileName(profile)) {
      throw new OciException(
          "container "
              + id
              + " names profile '"
              + ProfileStore.printable(profile)
              + "', which is not a valid profile name");
    }
    String name = id;
    for (String a : NAME_ANNOTATIONS) {
      Optional<String> n = state.annotation(a);
      if (n.isPresent() && !n.get().isEmpty()) {
        name = n.get();
        break;
      }
    }
    return new ObservedContainer(id, profile, name, ObservedContainer.NOTIFY);
  }

  /** {@code listenerMetadata} as a profile name: {@code NAME} or {@code io.tailor.observe=NAME}. */
  private Optional<String> metadataProfile() {
    String m =
        metadata.startsWith(OBSERVE + "=") ? metadata.substring(OBSERVE.length() + 1) : metadata;
    return m.isEmpty() ? Optional.empty() : Optional.of(m);
  }
}
