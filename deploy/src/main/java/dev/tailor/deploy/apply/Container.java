package dev.tailor.deploy.apply;

import dev.tailor.deploy.oci.OciConfig;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a precreate hook knows of a container that does not exist yet: the annotations its creator
 * gave (podman's {@code --annotation}, CRI-O's {@code io.kubernetes.*}), its image where an
 * annotation names it, and its command line. No container id or name: those come later.
 */
record Container(SortedMap<String, String> annotations, List<String> args) {
  Container {
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    args = List.copyOf(args);
  }

  /** The image, read from the same annotations as the learn hook reads it. */
  Optional<String> image() {
    return new OciConfig("/", List.of(), args, "/", annotations).image();
  }

  /** {@code process.args[0]}, empty when there are no args. */
  String arg0() {
    return args.isEmpty() ? "" : args.get(0);
  }

  /** The command line: the args joined by single spaces. */
  String command() {
    return String.join(" ", args);
  }
}
