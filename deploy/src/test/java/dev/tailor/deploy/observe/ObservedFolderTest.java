package dev.tailor.deploy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.tracer.Access;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservedFolderTest {
  @TempDir Path tmp;

  static Observations sample() {
    Observations o = new Observations();
    o.started(ObservationsTest.A, ObservationsTest.T0);
    o.add(
        ObservationsTest.call(
            ObservationsTest.A,
            "mkdir",
            ObservationsTest.args(1, 0700, 0, 0, 0, 0),
            List.of("/tmp/made"),
            1));
    o.add(
        ObservationsTest.call(
            ObservationsTest.A, "getpgid", ObservationsTest.args(0, 0, 0, 0, 0, 0), List.of(), 2));
    o.add(
        ObservationsTest.call(
            ObservationsTest.A, "getpgid", ObservationsTest.args(0, 0, 0, 0, 0, 0), List.of(), 3));
    // O_WRONLY|O_CREAT|O_TRUNC on openat's flags register
    o.add(
        ObservationsTest.call(
            ObservationsTest.A,
            "openat",
            ObservationsTest.args(-100, 1, 01101, 0644, 0, 0),
            List.of("/var/log/new.log"),
            4));
    o.ended(ObservationsTest.A, ObservationsTest.T0.plusSeconds(5));
    return o;
  }

  @Test
  void write_isAProfileFolder_whoseRecordingHasExactlyTheObservedCalls() throws Exception {
    Path folder = tmp.resolve("web/observed");
    ObservedFolder.write(folder, "web", sample().snapshot("web"));
    Recording r = RecordingJson.read(folder);
    assertEquals("web", r.name());
    assertEquals(Set.of("getpgid", "mkdir", "openat"), r.syscalls().keySet());
    assertEquals(2, r.syscalls().get("getpgid").count());
    assertTrue(r.files().get("/tmp/made").accesses().contains(Access.MKDIR), r.files().toString());
    assertTrue(
        r.files()
            .get("/var/log/new.log")
            .accesses()
            .containsAll(Set.of(Access.WRITE, Access.CREATE)),
        r.files().toString());
    assertEquals("aaaa", r.containers().get(0).id());
    List<String> allowed =
        SeccompJson.read(folder.resolve(SeccompJson.FILE_NAME)).profile().syscalls().stream()
            .flatMap(rule -> rule.names().stream())
            .toList();
    assertTrue(allowed.containsAll(List.of("getpgid", "mkdir", "openat")), allowed.toString());
    String report = Files.readString(folder.resolve("report.md"));
    assertTrue(
        report.contains("| getpgid |  | 2 | 2026-12-07T10:00:02Z | 2026-12-07T10:00:03Z |"),
        report);
    assertTrue(
        report.contains("observed from 2026-12-07T10:00:00Z to 2026-12-07T10:00:05Z"), report);
  }

  @Test
  void read_givesBackWhatWasWritten() throws Exception {
    ProfileObservations written = sample().snapshot("web");
    ObservedFolder.write(tmp, "web", written);
    assertEquals(written, ObservedFolder.read(tmp).orElseThrow());
  }

  @Test
  void peek_saysWhichContainersTheAgentWasStillObserving_read_takesNoneForRunning()
      throws Exception {
    Observations o = new Observations();
    o.started(ObservationsTest.A, ObservationsTest.T0);
    ObservedFolder.write(tmp, "web", o.snapshot("web"));
    assertTrue(ObservedFolder.peek(tmp).orElseThrow().containers().get(0).running());
    assertFalse(ObservedFolder.read(tmp).orElseThrow().containers().get(0).running());
    o.ended(ObservationsTest.A, ObservationsTest.T0.plusSeconds(1));
    ObservedFolder.write(tmp, "web", o.snapshot("web"));
    assertFalse(ObservedFolder.peek(tmp).orElseThrow().containers().get(0).running());
  }

  @Test
  void read_unreadableTally_isMovedAsideAndReported_notOverwritten() throws Exception {
    Files.writeString(
        tmp.resolve(ObservedFolder.STATE_FILE),
        "{\"version\": 1, \"containers\": [{\"id\": \"../x\"}]}");
    IOException e = assertThrows(IOException.class, () -> ObservedFolder.read(tmp));
    assertTrue(e.getMessage().contains(ObservedFolder.UNREADABLE_FILE), e.getMessage());
    assertTrue(Files.exists(tmp.resolve(ObservedFolder.UNREADABLE_FILE)));
    assertTrue(ObservedFolder.read(tmp).isEmpty());
    // A later write keeps the unreadable file beside the new ones.
    ObservedFolder.write(tmp, "web", sample().snapshot("web"));
    assertTrue(Files.exists(tmp.resolve(ObservedFolder.UNREADABLE_FILE)));
  }
}
