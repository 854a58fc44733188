package dev.tailor.generator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static FileUse failed(String path, String errno) {
    TreeMap<String, SortedSet<String>> failures =
        new TreeMap<>(Map.of(errno, new TreeSet<>(List.of("read"))));
    return new FileUse(
        path, EnumSet.noneOf(Access.class), failures, false, 2, new TreeSet<>(List.of("run1")));
  }

  private static Recording recording(List<FileUse> uses) {
    TreeMap<String, FileUse> files = new TreeMap<>();
    uses.forEach(f -> files.put(f.path(), f));
    return new RecordingBuilder().files(files).build();
  }

  @Test
  void render_failedLookupsAlongASearchPath_collapseToOneLinePerFolder() {
    List<FileUse> uses = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      uses.add(failed("/usr/lib/python3.11/mod" + i + ".so", "ENOENT"));
      uses.add(failed("/usr/local/lib/python3.11/mod" + i + ".py", "ENOENT"));
    }
    uses.add(failed("/etc/secret.conf", "EACCES"));
    uses.add(
        new FileUse(
            "/usr/lib/python3.11/os.py",
            EnumSet.of(Access.READ),
            new TreeMap<>(),
            false,
            1,
            new TreeSet<>(List.of("run1"))));
    String md = new Report(recording(uses), List.of()).render();
    String files = md.substring(md.indexOf("## Files"), md.indexOf("## Deploy"));
    assertTrue(files.contains("| `/usr/lib/python3.11/os.py` | read |"), files);
    assertTrue(
        files.contains("| `/etc/secret.conf` |  | EACCES (read) |"),
        "other failures keep their own row: " + files);
    List<String> lookups = files.lines().filter(l -> l.contains("python3.11/`")).toList();
    assertEquals(2, lookups.size(), files);
    assertTrue(
        lookups.get(0).startsWith("| `/usr/lib/python3.11/` | 300 names | ENOENT | 600 |"),
        lookups.get(0));
    assertTrue(lookups.get(0).contains("`mod0.so`"), lookups.get(0));
    assertTrue(files.lines().count() < 30, files);
  }

  @Test
  void hostLearned_withARuntimeBase_saysItIsAGuessForAContainer_andContainerLearned_doesNot() {
    Recording host =
        recording(List.of())
            .withRuntimeBases(
                List.of(
                    new dev.tailor.tracer.RuntimeBase(
                        "runc", "1.1.5", "measured", new TreeSet<>(List.of("capset")))));
    String md = new Report(host, List.of()).render();
    assertTrue(md.contains("in a container this profile is a guess"), md);
    assertTrue(md.contains("docker run --runtime tailor -e TAILOR_LEARN=app IMAGE"), md);
    Recording inContainer =
        host.withContainer(
            new dev.tailor.tracer.ContainerInfo("c1", "img", List.of("app"), "runc 1.1.5"));
    assertTrue(!new Report(inContainer, List.of()).render().contains("is a guess"));
    assertTrue(
        !new Report(recording(List.of()), List.of()).render().contains("is a guess"),
        "no base: not for a container");
  }
}
