package dev.tailor.deploy.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code docker run} / {@code podman run} flags that put a profile folder on a container, as
 * a shell snippet; for podman also the hook way: the folder in tailor's store and one annotation.
 */
final class RunFlagsExport {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9/._,:=@%+-]+");

  private RunFlagsExport() {}

  static String docker(List<ProfileDir> profiles, String image) {
    List<String> l = new ArrayList<>();
    for (ProfileDir p : profiles) {
      l.add("# " + p.name() + ": Docker");
      String flags = "--security-opt " + quote("seccomp=" + p.path().resolve("seccomp.json"));
      if (p.apparmorName().isPresent()) {
        l.add("sudo apparmor_parser -r " + quote(p.path().resolve("apparmor.profile").toString()));
        flags += " --security-opt " + quote("apparmor=" + p.apparmorName().get());
      }
      l.add("docker run " + flags + " " + quote(image(p, image)));
      l.add("");
    }
    return String.join("\n", l);
  }

  static String podman(List<ProfileDir> profiles, String image, String store) {
    List<String> l = new ArrayList<>();
    for (ProfileDir p : profiles) {
      l.add("# " + p.name() + ": Podman, with the profile file");
      String flags = "--security-opt " + quote("seccomp=" + p.path().resolve("seccomp.json"));
      if (p.apparmorName().isPresent()) {
        l.add("sudo apparmor_parser -r " + quote(p.path().resolve("apparmor.profile").toString()));
        flags += " --security-opt " + quote("apparmor=" + p.apparmorName().get());
      }
      l.add("podman run " + flags + " " + quote(image(p, image)));
      l.add("# " + p.name() + ": Podman, through tailor's precreate hook (tailor hook install), from the store");
      // "DIR/." copies the folder's files, also when the store already holds an older NAME/.
      l.add("sudo mkdir -p " + quote(store + "/" + p.name()) + " && sudo cp -r " + quote(p.path() + "/.") + " "
          + quote(store + "/" + p.name() + "/"));
      l.add("podman run --annotation " + quote("io.tailor.profile=" + p.name()) + " " + quote(image(p, image)));
      l.add("");
    }
    return String.join("\n", l);
  }

  private static String image(ProfileDir p, String image) {
    return image.isEmpty() ? p.image().orElse("IMAGE") : image;
  }

  /** A word the shell reads back as exactly {@code s}. */
  static String quote(String s) {
    if (!s.isEmpty() && SHELL_SAFE.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
