package dev.tailor.generator.apparmor;

import dev.tailor.generator.apparmor.FileRule.Kind;
import java.util.TreeSet;

/** One rule being built: pattern text (escaped), permissions, and the paths it stands for. */
record Draft(
    String text, Perms perms, boolean owner, Kind kind, TreeSet<String> sources, String reason) {
  boolean literal() {
    return literal(text);
  }

  boolean isDirectory() {
    return text.endsWith("/");
  }

  /**
   * The union of two drafts of the same text: their permissions and paths, owner when both are, the
   * first reason.
   */
  static Draft merge(Draft a, Draft b) {
    TreeSet<String> s = new TreeSet<>(a.sources());
    s.addAll(b.sources());
    Kind k = a.kind().compareTo(b.kind()) <= 0 ? a.kind() : b.kind();
    return new Draft(
        a.text(), a.perms().union(b.perms()), a.owner() && b.owner(), k, s, a.reason());
  }

  /** Whether a pattern's text holds no glob and no variable. */
  static boolean literal(String text) {
    return !text.contains("*") && !text.contains("?") && !text.contains("@");
  }
}
