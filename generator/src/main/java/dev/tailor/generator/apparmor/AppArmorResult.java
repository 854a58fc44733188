package dev.tailor.generator.apparmor;

import java.util.List;

/**
 * What {@link AppArmorGenerator} made of a recording: the profile, each place it generalised, and
 * how many distinct paths it started from.
 *
 * @param distinctPaths paths (files, directories, programs, socket paths) that needed a rule before
 *     abstractions and globs; compare with {@code profile().files().size()}
 */
public record AppArmorResult(
    AppArmorProfile profile, List<Generalisation> generalisations, int distinctPaths) {
  public AppArmorResult {
    generalisations = List.copyOf(generalisations);
  }
}
