package dev.tailor.generator.apparmor;

import static dev.tailor.tracer.Access.APPEND;
import static dev.tailor.tracer.Access.READ;
import static dev.tailor.tracer.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.SocketUse;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What check takes as inside a profile: its globs, abstractions, network and capability rules. */
class AppArmorCoverageTest {
  private static FileUse use(String path, boolean dir, Access... a) {
    return new FileUse(
        path,
        a.length == 0 ? EnumSet.noneOf(Access.class) : EnumSet.of(a[0], a),
        new TreeMap<>(),
        dir,
        1,
        new TreeSet<>(List.of("r")));
  }

  private static final Recording LEARNED =
      new RecordingBuilder()
          .filesBy(1000)
          .file("/tmp/tmpa1b2c3d4", READ, WRITE)
          .file("/srv/log/app.log", APPEND)
          .file("/srv/data/in.txt", READ)
          .dir("/srv/data", READ)
          .file("/etc/passwd", READ)
          .socket("inet", "stream")
          .capability("chown")
          .build();

  private static final AppArmorCoverage COVERAGE =
      AppArmorCoverage.of(
          AppArmorGenerator.generate(LEARNED, AppArmorOptions.draft("app")).profile());

  @Test
  void missing_aNewNameInsideALearnedGlob_isCovered() {
    assertEquals(Optional.empty(), COVERAGE.missing(use("/tmp/tmpz9y8x7w6", false, READ, WRITE)));
    assertEquals(Optional.of("w"), COVERAGE.missing(use("/tmp/other-file", false, WRITE)));
  }

  @Test
  void missing_anOwnerRule_grantsOnlyUsesNotShownToBeByAnotherUid() {
    // The learned /tmp glob is owner-only (uid 1000 used its own files).
    FileUse byOwner =
        new FileUse(
            "/tmp/tmpz9y8x7w6",
            EnumSet.of(READ),
            new TreeMap<>(),
            false,
            1,
            new TreeSet<>(List.of("r")),
            false,
            new TreeSet<>(),
            new TreeSet<>(List.of(1000L)),
            1000);
    FileUse byWorker =
        new FileUse(
            "/tmp/tmpz9y8x7w6",
            EnumSet.of(READ),
            new TreeMap<>(),
            false,
            1,
            new TreeSet<>(List.of("r")),
            false,
            new TreeSet<>(),
            new TreeSet<>(List.of(65534L)),
            0);
    assertEquals(Optional.empty(), COVERAGE.missing(byOwner));
    assertEquals(
        Optional.of("r"),
        COVERAGE.missing(byWorker),
        "AppArmor's owner would deny uid 65534 root's file");
    assertEquals(
        Optional.empty(),
        COVERAGE.missing(use("/tmp/tmpz9y8x7w6", false, READ)),
        "who used it: not known");
  }

  @Test
  void missing_saysWhichPermissionsLack() {
    assertEquals(Optional.empty(), COVERAGE.missing(use("/srv/data/in.txt", false, READ)));
    assertEquals(Optional.of("w"), COVERAGE.missing(use("/srv/data/in.txt", false, READ, WRITE)));
    assertEquals(Optional.of("r"), COVERAGE.missing(use("/srv/log/app.log", false, READ)));
    assertEquals(
        Optional.empty(),
        COVERAGE.missing(use("/srv/nothing", false)),
        "a failed access needs nothing");
  }

  @Test
  void missing_aFolderIsCheckedWithItsSlash() {
    assertEquals(Optional.empty(), COVERAGE.missing(use("/srv/data", true, READ)));
    assertEquals(Optional.of("r"), COVERAGE.missing(use("/srv/log", true, READ)));
    assertEquals(
        Optional.empty(),
        COVERAGE.missing(use("/srv/data/", true, READ)),
        "a path that has its slash already");
  }

  @Test
  void missing_appendIsPartOfWrite_andAbstractionsGrant() {
    AppArmorCoverage w =
        AppArmorCoverage.of(
            AppArmorGenerator.generate(
                    new RecordingBuilder().filesBy(1000).file("/srv/out.txt", WRITE).build(),
                    AppArmorOptions.draft("w"))
                .profile());
    assertEquals(
        Optional.empty(), w.missing(use("/srv/out.txt", false, APPEND)), "w covers an append");
    assertEquals(
        Optional.of("w"),
        COVERAGE.missing(use("/srv/log/app.log", false, WRITE)),
        "a does not cover w");
    assertEquals(
        Optional.empty(),
        COVERAGE.missing(use("/etc/nsswitch.conf", false, READ)),
        "from abstractions/nameservice or base");
  }

  @Test
  void allows_networkByFamilyAndType_andCapabilities() {
    assertTrue(
        COVERAGE.allows(
            new SocketUse("inet", "stream", new TreeSet<>(), new TreeSet<>(), 1, new TreeSet<>())));
    assertFalse(
        COVERAGE.allows(
            new SocketUse("inet", "dgram", new TreeSet<>(), new TreeSet<>(), 1, new TreeSet<>())));
    assertFalse(
        COVERAGE.allows(
            new SocketUse(
                "inet6", "stream", new TreeSet<>(), new TreeSet<>(), 1, new TreeSet<>())));
    assertTrue(COVERAGE.allowsCapability("chown"));
    assertFalse(COVERAGE.allowsCapability("net_raw"));
  }

  @Test
  void quote_isTheProfilesQuotedForm() {
    assertEquals("\"/a\\x20b\\x22\"", AppArmorWriter.quote("/a b\""));
  }
}
