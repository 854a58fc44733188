package dev.tailor.cli;

import dev.tailor.tracer.Recording;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Run labels kept apart when recordings are merged: a second run labelled {@code app} becomes
 * {@code app#2}.
 */
final class RunLabels {
  private RunLabels() {}

  /** The recordings, each run relabelled where an earlier recording already has its label. */
  static List<Recording> distinct(List<Recording> parts) {
    List<Recording> out = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Recording r : parts) {
      Set<String> taken = new HashSet<>(labels);
      Recording relabeled = r.relabel(label -> unique(label, taken));
      labels.addAll(relabeled.runs());
      out.add(relabeled);
    }
    return out;
  }

  private static String unique(String label, Set<String> taken) {
    if (!taken.contains(label)) {
      return label;
    }
    int n = 2;
    while (taken.contains(label + "#" + n)) {
      n++;
    }
    return label + "#" + n;
  }
}
