package dev.tailor.deploy.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The OCI runtime state a hook reads on stdin at {@code prestart}, {@code createRuntime} and {@code
 * poststop}: which container, its init process, its bundle.
 *
 * @param pid the container's init process on the host, 0 when it has none (poststop)
 */
public record OciState(
    String id, String status, int pid, String bundle, SortedMap<String, String> annotations) {
  public OciState {
    if (id == null || id.isEmpty() || status == null || bundle == null) {
      throw new IllegalArgumentException("an OCI state needs an id, a status and a bundle");
    }
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /** Parses the state JSON a runtime passes to a hook. */
  public static OciState parse(byte[] json) throws OciException {
    JsonNode root = OciJson.read(json, "the OCI state on stdin");
    String id = OciJson.text(root, "id", "the OCI state");
    int pid = root.path("pid").asInt(0);
    String bundle = root.path("bundle").asText("");
    return new OciState(
        id,
        root.path("status").asText(""),
        pid,
        bundle,
        OciJson.stringMap(root.path("annotations")));
  }

  /** An annotation's value, if the container has it. */
  public java.util.Optional<String> annotation(String key) {
    return java.util.Optional.ofNullable(annotations.get(key));
  }

  /** The annotations, as a plain map. */
  public Map<String, String> annotationMap() {
    return annotations;
  }
}
