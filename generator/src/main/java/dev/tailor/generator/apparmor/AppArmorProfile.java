package dev.tailor.generator.apparmor;

import dev.tailor.tracer.Recording;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A draft AppArmor profile as a value: name, mode, attachment, the abstractions it includes, and
 * its capability, network and file rules, each list sorted so it is written the same way every
 * time.
 *
 * @param attachment the attachment path in {@link dev.tailor.tracer.PathText} form, or empty
 * @param abstractions names under {@code abstractions/}, {@code base} first
 * @param capabilities lower case, without {@code CAP_}
 * @param children names of the child profiles that {@code cx} rules go to
 */
public record AppArmorProfile(
    String name,
    AppArmorOptions.Mode mode,
    String attachment,
    List<String> abstractions,
    List<String> capabilities,
    List<NetworkRule> network,
    List<FileRule> files,
    List<String> children) {

  private static final Pattern WORD = Pattern.compile("[a-z0-9_]+");

  /** The order rules are written in: by group, then by path, owner rules after the others. */
  static final Comparator<FileRule> ORDER =
      Comparator.comparing(FileRule::kind)
          .thenComparing(r -> r.path().text())
          .thenComparing(FileRule::owner)
          .thenComparing(FileRule::perms);

  public AppArmorProfile {
    if (!Recording.isValidName(name)) {
      throw new IllegalArgumentException("bad profile name: " + name);
    }
    if (!attachment.isEmpty()) {
      PathPattern.literal(attachment); // refuses what cannot be written safely
    }
    if (abstractions.isEmpty() || !abstractions.get(0).equals("base")) {
      throw new IllegalArgumentException("abstractions must start with base: " + abstractions);
    }
    for (String s : abstractions) {
      if (!WORD.matcher(s).matches()) {
        throw new IllegalArgumentException("bad abstraction name: " + s);
      }
    }
    for (String s : capabilities) {
      if (!WORD.matcher(s).matches()) {
        throw new IllegalArgumentException("bad capability name: " + s);
      }
    }
    for (String s : children) {
      if (!Recording.isValidName(s)) {
        throw new IllegalArgumentException("bad child profile name: " + s);
      }
    }
    abstractions = List.copyOf(abstractions);
    capabilities = capabilities.stream().distinct().sorted().toList();
    network = network.stream().distinct().sorted().toList();
    files = files.stream().sorted(ORDER).toList();
    children = children.stream().distinct().sorted().toList();
  }

  /** How many rules the profile holds: file, network and capability rules (not includes). */
  public int ruleCount() {
    return files.size() + network.size() + capabilities.size();
  }
}
