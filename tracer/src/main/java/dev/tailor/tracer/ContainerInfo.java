package dev.tailor.tracer;

import java.util.List;

/**
 * A container whose process tree was traced, as its OCI state and config described it.
 *
 * @param id the container id
 * @param image the image, where an annotation named it, else empty
 * @param args the container process's argv ({@code process.args})
 * @param runtime the runtime that started it and its version ({@code runc 1.1.5}), or empty
 */
public record ContainerInfo(String id, String image, List<String> args, String runtime) {
  public ContainerInfo {
    if (id == null || image == null || runtime == null) {
      throw new IllegalArgumentException(
          "container id, image and runtime may be empty but not absent");
    }
    args = List.copyOf(args);
  }
}
