package dev.tailor.generator.apparmor;

/** Renders an {@link AppArmorProfile} as the text of an {@code apparmor.profile} file. */
public final class AppArmorWriter {
  private AppArmorWriter() {}

  /** The profile's text: the same profile always gives the same bytes. */
  public static String write(AppArmorProfile p) {
    StringBuilder out = new StringBuilder();
    out.append("# AppArmor profile drafted by tailor from what the workload did.\n");
    out.append("# Review it, run the workload in complain mode, then enforce.\n");
    out.append("abi <abi/3.0>,\n\n");
    out.append("include <tunables/global>\n\n");
    out.append("profile ").append(p.name());
    if (!p.attachment().isEmpty()) {
      out.append(' ').append(PathPattern.literal(p.attachment()).quoted());
    }
    if (p.mode() == AppArmorOptions.Mode.COMPLAIN) {
      out.append(" flags=(complain)");
    }
    out.append(" {\n");
    for (String a : p.abstractions()) {
      out.append("  include <abstractions/").append(a).append(">\n");
    }
    if (!p.capabilities().isEmpty()) {
      out.append("\n  # Capabilities the workload used\n");
      for (String c : p.capabilities()) {
        out.append("  capability ").append(c).append(",\n");
      }
    }
    if (!p.network().isEmpty()) {
      out.append("\n  # Sockets the workload opened\n");
      for (NetworkRule n : p.network()) {
        out.append("  network ").append(n.family());
        if (!n.type().isEmpty()) {
          out.append(' ').append(n.type());
        }
        out.append(",\n");
      }
    }
    FileRule.Kind group = null;
    for (FileRule r : p.files()) {
      if (r.kind() != group) {
        group = r.kind();
        out.append("\n  # ").append(group.title()).append('\n');
      }
      out.append("  ").append(rule(r)).append('\n');
    }
    for (String child : p.children()) {
      out.append("\n  # Child profile for a program run with cx: a draft to fill in\n");
      out.append("  profile ").append(child);
      if (p.mode() == AppArmorOptions.Mode.COMPLAIN) {
        out.append(" flags=(complain)");
      }
      out.append(" {\n    include <abstractions/base>\n  }\n");
    }
    out.append("}\n");
    return out.toString();
  }

  /** One file rule line, without indentation. */
  static String rule(FileRule r) {
    StringBuilder s = new StringBuilder();
    if (r.owner()) {
      s.append("owner ");
    }
    s.append(r.path().quoted()).append(' ').append(r.perms());
    if (!r.execTarget().isEmpty()) {
      s.append(" -> ").append(r.execTarget());
    }
    s.append(',');
    if (!r.comment().isEmpty()) {
      s.append("  # ").append(r.comment());
    }
    return s.toString();
  }

  /** A path in {@link dev.tailor.tracer.PathText} form as a profile would quote it, for reports. */
  public static String quote(String pathText) {
    return PathPattern.literal(pathText).quoted();
  }
}
