package dev.tailor.cli;

import dev.tailor.deploy.store.ProfileStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store}: the folder the OCI hooks keep learned profiles in. */
final class StoreOption {
  @Option(
      names = "--store",
      paramLabel = "DIR",
      defaultValue = "/var/lib/tailor/profiles",
      description =
          "The profile store: learned profiles are STORE/NAME/ (default: ${DEFAULT-VALUE}).")
  Path dir;

  ProfileStore store() {
    return new ProfileStore(dir);
  }
}
