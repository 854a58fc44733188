package dev.tailor.deploy.apply;

import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import dev.tailor.deploy.store.StoredProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What {@code tailor hook check} finds in a store before a container meets it: whether
 * bindings.json reads whole (its errors with file:line:column), whether every profile a rule names
 * is there, and whether every profile folder's files are what {@code hook apply} would accept.
 */
public final class StoreCheck {
  private StoreCheck() {}

  /** What was found: problems (the hook would refuse) and the profiles that passed. */
  public record Findings(List<String> problems, List<String> passed) {
    public Findings {
      problems = List.copyOf(problems);
      passed = List.copyOf(passed);
    }
  }

  /** Checks {@code store}; AppArmor files are checked as a host with AppArmor would use them. */
  public static Findings check(ProfileStore store) {
    List<String> problems = new ArrayList<>();
    List<String> passed = new ArrayList<>();
    if (!Files.isDirectory(store.root())) {
      problems.add(store.root() + ": no such folder (the store)");
      return new Findings(problems, passed);
    }
    TreeSet<String> profiles = new TreeSet<>();
    try (Stream<Path> s = Files.list(store.root())) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") && Files.isDirectory(p)) {
          profiles.add(n);
        }
      }
    } catch (IOException e) {
      problems.add(store.root() + ": cannot list (" + e.getMessage() + ")");
    }
    try {
      Bindings b = Bindings.read(store.bindingsFile());
      for (int i = 0; i < b.rules().size(); i++) {
        String p = b.rules().get(i).profile();
        if (!profiles.contains(p)) {
          problems.add(
              store.bindingsFile()
                  + ": bindings["
                  + i
                  + "] names profile '"
                  + p
                  + "', which is not in the store");
        }
      }
    } catch (ApplyException e) {
      problems.add(e.getMessage());
    }
    for (String name : profiles) {
      try {
        profile(store, name);
        passed.add(store.root().resolve(name).toString());
      } catch (ApplyException e) {
        problems.add(e.getMessage());
      }
    }
    return new Findings(problems, passed);
  }

  private static void profile(ProfileStore store, String name) throws ApplyException {
    if (!ProfileStore.isValidProfileName(name)) {
      throw new ApplyException(
          store.root().resolve(name)
              + ": not a profile name ([A-Za-z0-9._-]), so no container "
              + "can use it");
    }
    StoredProfile stored;
    try {
      stored =
          store.readProfile(
              name, "hook check", List.of(HookApply.SECCOMP_FILE, HookApply.APPARMOR_FILE));
    } catch (StoreException e) {
      throw new ApplyException(e.getMessage(), e);
    }
    Path seccompFile = stored.path(HookApply.SECCOMP_FILE);
    byte[] seccomp =
        stored
            .file(HookApply.SECCOMP_FILE)
            .orElseThrow(() -> new ApplyException(seccompFile + ": missing"));
    SeccompCheck.check(seccomp, seccompFile, name);
    Path aaFile = stored.path(HookApply.APPARMOR_FILE);
    byte[] aa =
        stored
            .file(HookApply.APPARMOR_FILE)
            .orElseThrow(
                () ->
                    new ApplyException(
                        aaFile
                            + ": missing (a host with AppArmor refuses the profile without it)"));
    if (HookApply.apparmorProfileName(new String(aa, StandardCharsets.UTF_8)).isEmpty()) {
      throw new ApplyException(aaFile + ": no \"profile NAME\" line with a valid name");
    }
  }
}
