package dev.tailor.deploy.observe;

import dev.tailor.deploy.store.ProfileStore;
import java.util.List;

/** Everything observed against one profile: one entry per container, sorted by start then id. */
public record ProfileObservations(String profile, List<ContainerCalls> containers) {
  public ProfileObservations {
    if (!ProfileStore.isValidProfileName(profile)) {
      throw new IllegalArgumentException("not a profile name: " + ProfileStore.printable(profile));
    }
    containers = List.copyOf(containers);
  }
}
