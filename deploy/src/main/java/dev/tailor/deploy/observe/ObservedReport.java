package dev.tailor.deploy.observe;

import dev.tailor.generator.report.Report;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import java.util.List;

/**
 * report.md of an observed folder: the usual report, after a section on which container made which
 * call, when and how often.
 */
final class ObservedReport {
  private ObservedReport() {}

  static String render(Recording recording, ProfileObservations observed) {
    StringBuilder b = new StringBuilder();
    b.append("Calls the profile `")
        .append(observed.profile())
        .append("` lacks, seen in observe mode: each was reported ")
        .append(
            "and let run. Merge them into the profile only if they are what the workload should do: ")
        .append("`tailor merge --name NEW --out STORE STORE/")
        .append(observed.profile())
        .append(" STORE/")
        .append(observed.profile())
        .append("/observed`.\n\n");
    if (observed.containers().isEmpty()) {
      b.append("No container was observed.\n");
    }
    for (ContainerCalls c : observed.containers()) {
      ObservedContainer k = c.container();
      b.append("### ").append(Report.code(k.name())).append("\n\n");
      b.append("- id: ").append(Report.code(k.id())).append('\n');
      b.append("- seen through: ").append(k.source()).append('\n');
      b.append("- observed from ")
          .append(c.started())
          .append(c.running() ? ", still running" : " to " + c.ended())
          .append('\n');
      b.append("- calls the profile lacks: ")
          .append(c.calls().stream().map(SeenCall::syscall).distinct().count())
          .append(" syscalls, ")
          .append(c.total())
          .append(" calls")
          .append(c.capped() ? " (capped: see warnings)" : "")
          .append("\n\n");
      if (c.calls().isEmpty()) {
        continue;
      }
      b.append("| syscall | paths | calls | first seen | last seen |\n|---|---|---:|---|---|\n");
      for (SeenCall s : c.calls()) {
        List<String> shown =
            s.paths().stream()
                .map(p -> Report.code(PathText.escape(p)).replace("|", "\\|"))
                .toList();
        b.append("| ")
            .append(s.syscall())
            .append(" | ")
            .append(String.join(" ", shown))
            .append(" | ")
            .append(s.count())
            .append(" | ")
            .append(s.first())
            .append(" | ")
            .append(s.last())
            .append(" |\n");
      }
      b.append('\n');
    }
    return new Report(recording, List.of(new Report.Section("Observe mode", b.toString())))
        .render();
  }
}
