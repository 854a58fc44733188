package dev.tailor.deploy.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code docker run} / {@code podman run} flags that put a profile folder on a container, as a
 * shell snippet; for podman also the hook way: the folder in tailor's store and one annotation.
 */
final class RunFlagsExport {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9/._,:=@%+-]+");

  private RunFlagsExport() {}

  static String docker(List<ProfileDir> profiles, String image) throws ExportException {
    List<String> l = new ArrayList<>();
    for (ProfileDir p : profiles) {
      l.add("# " + p.name() + ": Docker" + trial(p));
      String flags = "--security-opt " + quote("seccomp=" + seccompFile(p));
      if (p.apparmorName().isPresent()) {
        l.add("sudo apparmor_parser -r " + quote(p.path().resolve("apparmor.profile").toString()));
        flags += " --security-opt " + quote("apparmor=" + p.apparmorName().get());
      }
      l.add("docker run " + flags + " " + quote(image(p, image)));
      l.add("");
    }
    return String.join("\n", l);
  }

  static String podman(List<ProfileDir> profiles, String image, String store)
      throws ExportException {
    List<String> l = new ArrayList<>();
    for (ProfileDir p : profiles) {
      l.add("# " + p.name() + ": Podman, with the profile file" + trial(p));
      String flags = "--security-opt " + quote("seccomp=" + seccompFile(p));
      if (p.apparmorName().isPresent()) {
        l.add("sudo apparmor_parser -r " + quote(p.path().resolve("apparmor.profile").toString()));
        flags += " --security-opt " + quote("apparmor=" + p.apparmorName().get());
      }
      l.add("podman run " + flags + " " + quote(image(p, image)));
      l.add(
          "# "
              + p.name()
              + ": Podman, through tailor's precreate hook (tailor hook install), from the store");
      // "DIR/." copies the folder's files, also when the store already holds an older NAME/.
      String stored = p.trialOf().orElse(p.name());
      l.add(
          "sudo mkdir -p "
              + quote(store + "/" + stored)
              + " && sudo cp -r "
              + quote(p.path() + "/.")
              + " "
              + quote(store + "/" + stored + "/"));
      String annotation = p.trialOf().isPresent() ? "io.tailor.observe=" : "io.tailor.profile=";
      l.add("podman run --annotation " + quote(annotation + stored) + " " + quote(image(p, image)));
      l.add("");
    }
    return String.join("\n", l);
  }

  private static String trial(ProfileDir p) {
    return p.trialOf().isPresent()
        ? " (observe mode: calls the profile lacks run and go to the kernel log)"
        : "";
  }

  private static String seccompFile(ProfileDir p) throws ExportException {
    if (p.trialOf().isPresent() && !p.seccompFileCurrent()) {
      throw new ExportException(
          p.path().resolve(p.seccompFile())
              + " is missing or is not the observe variant of "
              + p.path().resolve("seccomp.json")
              + ": learn, generate or merge writes it (or use --format spo, kubernetes or "
              + "daemonset, which carry the variant itself)");
    }
    return p.path().resolve(p.seccompFile()).toString();
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
