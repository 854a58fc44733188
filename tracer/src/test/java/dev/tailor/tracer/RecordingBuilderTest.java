package dev.tailor.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RecordingBuilderTest {
  private static TreeSet<String> runs(String... labels) {
    return new TreeSet<>(List.of(labels));
  }

  private static <V> TreeMap<String, V> sorted(String key, V value) {
    return new TreeMap<>(Map.of(key, value));
  }

  @Test
  void build_nothingSet_isAnEmptyRecordingOfOneRun() {
    Recording r = new RecordingBuilder().build();
    assertEquals(
        new Recording(
            Recording.VERSION,
            "app",
            "x86_64",
            runs("run1"),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeMap<>(),
            List.of(),
            List.of(),
            1,
            List.of(),
            0,
            List.of(),
            List.of(),
            new TreeMap<>(),
            new TreeMap<>()),
        r);
  }

  @Test
  void from_everyFieldSet_buildsTheSameRecording() {
    FileUse file =
        new FileUse("/etc/hosts", EnumSet.of(Access.READ), new TreeMap<>(), false, 2, runs("a"));
    Recording r =
        new Recording(
            Recording.VERSION,
            "web",
            "aarch64",
            runs("a", "b"),
            sorted("read", new SyscallUse(3, new TreeMap<>(Map.of("EINTR", 1L)), runs("a"))),
            sorted("/etc/hosts", file),
            sorted(
                "inet stream",
                new SocketUse("inet", "stream", runs("0.0.0.0:80"), runs(), 1, runs("b"))),
            sorted("/bin/sh", new ExecUse("/bin/sh", List.of("sh"), 1, runs("a"))),
            sorted("chown", new CapabilityUse("chown", runs("why"), runs("a"))),
            List.of(new Target(7, "/bin/sh", List.of("sh"), "0 0 0 0", "0")),
            List.of("a warning"),
            5,
            List.of(new Diagnostic("trace", 3, "bad line")),
            4,
            List.of(new RuntimeBase("runc", "1.1", "measured", runs("prctl"))),
            List.of(new ContainerInfo("id", "image", List.of("sh"), "runc")),
            sorted(
                "ioctl[1]",
                new ArgumentUse("ioctl", 1, new TreeMap<>(Map.of(0x5401L, 1L)), runs("a"))),
            sorted(
                "/dev/pts/0",
                new FileUse(
                    "/dev/pts/0", Set.of(Access.WRITE), new TreeMap<>(), false, 1, runs("a"))));
    assertEquals(r, RecordingBuilder.from(r).build());
  }

  @Test
  void from_noRuns_staysWithoutRuns() {
    Recording none = new RecordingBuilder().runs(List.of()).build();
    assertEquals(Set.of(), none.runs());
    assertEquals(Set.of(), RecordingBuilder.from(none).name("other").build().runs());
  }

  @Test
  void file_usesOfOnePathInTwoRuns_mergeAndListBothRuns() {
    Recording r =
        new RecordingBuilder()
            .file("/srv/a", Access.READ)
            .inRun("run2")
            .file("/srv/a", Access.WRITE)
            .build();
    assertEquals(runs("run1", "run2"), r.runs());
    FileUse a = r.files().get("/srv/a");
    assertEquals(EnumSet.of(Access.READ, Access.WRITE), a.accesses());
    assertEquals(2, a.count());
    assertEquals(runs("run1", "run2"), a.runs());
  }
}
