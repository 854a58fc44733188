package dev.tailor.generator.apparmor;

import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.SocketUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link AppArmorProfile} grants, asked the way the drift check needs: which permissions a
 * file use needs that no rule (of the profile or of the Debian abstractions it includes) gives, and
 * whether a socket kind or capability is allowed. Owner rules count as granting, since the
 * workload's own files are what they are for, except to a use the recording shows was by a task
 * that did not own the file ({@link FileUse#accessedByOthers}).
 */
public final class AppArmorCoverage {
  private record Compiled(AppArmorGlob glob, Perms perms, boolean owner) {}

  private final AppArmorProfile profile;
  private final List<Compiled> rules = new ArrayList<>();
  private final List<Abstraction> abstractions = new ArrayList<>();

  private AppArmorCoverage(AppArmorProfile profile) {
    this.profile = profile;
    for (FileRule r : profile.files()) {
      rules.add(
          new Compiled(
              AppArmorGlob.compile(r.path().text()), Perms.parse(r.perms(), true), r.owner()));
    }
    for (String name : profile.abstractions()) {
      for (Abstraction a : Abstraction.values()) {
        if (a.fileName().equals(name)) {
          abstractions.add(a);
        }
      }
    }
  }

  /** The coverage of a profile. */
  public static AppArmorCoverage of(AppArmorProfile profile) {
    return new AppArmorCoverage(profile);
  }

  /**
   * The permission letters a successful file use needs and the profile does not grant, or empty
   * when it is covered (a use with only failed or metadata accesses needs nothing).
   */
  public Optional<String> missing(FileUse use) {
    Perms needed = Perms.of(use.accesses());
    if (needed.isEmpty()) {
      return Optional.empty();
    }
    String path = use.directory() && !use.path().endsWith("/") ? use.path() + "/" : use.path();
    Perms granted = Perms.NONE;
    boolean others = use.accessedByOthers();
    for (Compiled c : rules) {
      if (c.glob().matches(path) && !(c.owner() && others)) {
        granted = granted.union(c.perms());
      }
    }
    for (Abstraction a : abstractions) {
      granted = granted.union(a.grants(path));
    }
    Perms lacking = new Perms(needed.bits() & ~granted.bits());
    // 'a' is part of 'w': a rule granting w covers an append.
    if (lacking.has(Perms.A) && granted.has(Perms.W)) {
      lacking = new Perms(lacking.bits() & ~Perms.A);
    }
    return lacking.isEmpty() ? Optional.empty() : Optional.of(lacking.letters("x"));
  }

  /** Whether a {@code network} rule allows this socket kind. */
  public boolean allows(SocketUse socket) {
    for (NetworkRule n : profile.network()) {
      if (n.family().equals(socket.family())
          && (n.type().isEmpty() || n.type().equals(socket.type()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the profile has the capability (lower case, without CAP_). */
  public boolean allowsCapability(String name) {
    return profile.capabilities().contains(name);
  }
}
