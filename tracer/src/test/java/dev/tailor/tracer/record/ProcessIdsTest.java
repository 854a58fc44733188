package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: each task's ids are followed as the kernel changes them, and a set*id call or a chown
 * needs its capability only where the kernel would check it, given those ids.
 */
class ProcessIdsTest {
  private static final TaskIds ROOT =
      new TaskIds(0, 0, 0, 0, 0, 0, 0, 0, List.of(0L), true, TaskIds.Privilege.ROOT);

  @TempDir Path tmp;

  private static Recording record(Optional<TaskIds> started, String text) throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", new HostPathResolver(false), UnaryOperator.identity(), Optional.of("/"));
    started.ifPresent(r::startedWith);
    new TraceParser(r).parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("test", "x86_64");
  }

  private static Set<String> reasons(Recording r, String capability) {
    return r.capabilities().containsKey(capability)
        ? r.capabilities().get(capability).reasons()
        : Set.of();
  }

  @Test
  void setresuidToItsOwnIds_asRoot_needsNoCapability() throws IOException {
    // What make does as root (measured with strace -f: setresuid(-1, 0, -1), setresgid(-1, 0, -1)).
    Recording r =
        record(Optional.of(ROOT), "5 setresuid(-1, 0, -1) = 0\n5 setresgid(-1, 0, -1) = 0\n");
    assertEquals(Set.of(), r.capabilities().keySet());
  }

  @Test
  void rootDroppingToNobody_needsSetuidAndSetgid_andSaysWhy() throws IOException {
    Recording r =
        record(
            Optional.of(ROOT),
            "5 setgroups(0, []) = 0\n5 setgid(65534) = 0\n5 setuid(65534) = 0\n");
    assertEquals(Set.of("setgid", "setuid"), r.capabilities().keySet());
    assertEquals(
        Set.of("setuid(65534): uid 65534 is not among its real and saved uids (0, 0)"),
        reasons(r, "setuid"));
    assertEquals(
        Set.of(
            "setgid(65534): gid 65534 is not among its real and saved gids (0, 0)",
            "setgroups(0, []): setgroups always needs it (the kernel checks it whatever the list)"),
        reasons(r, "setgid"));
  }

  @Test
  void aTaskWithAnUnknownRealUid_needsSetuid_andSaysWhichIdsWereKnown() throws IOException {
    TaskIds partly =
        new TaskIds(
            TaskIds.UNKNOWN, 0, 0, 0, 0, 0, 0, 0, List.of(0L), true, TaskIds.Privilege.ROOT);
    assertEquals(
        Set.of("setuid(1000): the task's uids were not all known (real ?, effective 0, saved 0)"),
        reasons(record(Optional.of(partly), "5 setuid(1000) = 0\n"), "setuid"));
    assertEquals(
        Set.of(
            "setfsuid(1000): the task's uids were not all known (real ?, effective 0, saved 0, fs 0)"),
        reasons(record(Optional.of(partly), "5 setfsuid(1000) = 0\n"), "setuid"));
  }

  @Test
  void setgroupsToTheCurrentGroups_stillNeedsSetgid() throws IOException {
    // kernel/groups.c may_setgroups(): CAP_SETGID whatever the list.
    Recording r = record(Optional.of(ROOT), "5 setgroups(1, [0]) = 0\n");
    assertEquals(Set.of("setgid"), r.capabilities().keySet());
  }

  @Test
  void unprivilegedTask_takingItsSavedUid_needsNothing() throws IOException {
    TaskIds user =
        new TaskIds(
            1000,
            1001,
            1001,
            1001,
            1000,
            1000,
            1000,
            1000,
            List.of(),
            true,
            TaskIds.Privilege.ROOT);
    Recording r =
        record(
            Optional.of(user),
            "5 setuid(1000) = 0\n5 setresuid(-1, 1001, -1) = 0\n5 setreuid(-1, 1000) = 0\n");
    assertEquals(Set.of(), r.capabilities().keySet());
  }

  @Test
  void afterADropKeepingTheSavedUid_regainingRootNeedsNothing_afterAFullDropItDoes()
      throws IOException {
    // setresuid(1000, 1000, -1) keeps saved uid 0: back to 0 without the capability.
    Recording keep =
        record(Optional.of(ROOT), "5 setresuid(1000, 1000, -1) = 0\n5 setresuid(-1, 0, -1) = 0\n");
    assertEquals(
        Set.of(
            "setresuid(1000, 1000, -1): real uid 1000 is not among its real, effective and saved uids "
                + "(0, 0, 0)"),
        reasons(keep, "setuid"));
    // setreuid with a real uid sets the saved uid to the new effective one: 0 is gone.
    Recording full =
        record(Optional.of(ROOT), "5 setreuid(1000, 1000) = 0\n5 setresuid(-1, 0, -1) = 0\n");
    assertEquals(
        Set.of(
            "setreuid(1000, 1000): real uid 1000 is not among its real and effective uids (0, 0)",
            "setresuid(-1, 0, -1): effective uid 0 is not among its real, effective and saved uids (1000, 1000, 1000)"),
        reasons(full, "setuid"));
  }

  @Test
  void setfsuid_toAnIdNotHeld_needsSetuid_backToItsOwn_doesNot() throws IOException {
    Recording r =
        record(
            Optional.of(ROOT), "5 setfsuid(1000) = 0\n5 setfsuid(0) = 1000\n5 setfsuid(-1) = 0\n");
    assertEquals(
        Set.of(
            "setfsuid(1000): fs uid 1000 is not among its real, effective, saved and fs uids (0, 0, 0, 0)"),
        reasons(r, "setuid"));
  }

  @Test
  void childrenInheritTheirParentsIds_aTaskOfUnknownOriginIsTakenToNeedIt() throws IOException {
    Recording r =
        record(
            Optional.of(ROOT),
            "5 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 6\n"
                + "6 setresuid(-1, 0, -1) = 0\n"
                + "9 setresgid(-1, 0, -1) = 0\n");
    assertFalse(r.capabilities().containsKey("setuid"), r.capabilities().toString());
    assertEquals(
        Set.of(
            "setresgid(-1, 0, -1): the task's ids were not known, so the change is taken to need it"),
        reasons(r, "setgid"));
    assertTrue(
        r.warnings().stream()
            .anyMatch(
                w ->
                    w.startsWith(
                        "1 set*id calls came from processes whose ids were " + "not known")),
        r.warnings().toString());
  }

  @Test
  void noIdsKnown_everyChangeNeedsItsCapabilityAsBefore() throws IOException {
    Recording r = record(Optional.empty(), "5 setresuid(-1, 0, -1) = 0\n");
    assertEquals(Set.of("setuid"), r.capabilities().keySet());
  }

  @Test
  void chown_toOneOfItsGroupsOfItsOwnFile_needsNoCapability_otherwiseItDoes() throws IOException {
    Path own = Files.writeString(tmp.resolve("own"), "x");
    Path other = Files.writeString(tmp.resolve("other"), "x");
    Files.setAttribute(other, "unix:uid", 65534);
    Recording r =
        record(
            Optional.of(ROOT),
            "5 chown(\""
                + own
                + "\", -1, 0) = 0\n"
                + "5 fchownat(AT_FDCWD</>, \""
                + own
                + "\", -1, -1, 0) = 0\n");
    assertFalse(r.capabilities().containsKey("chown"), r.capabilities().toString());
    Recording group = record(Optional.of(ROOT), "5 chown(\"" + own + "\", -1, 12345) = 0\n");
    assertTrue(
        String.join(" ", reasons(group, "chown"))
            .contains("gid 12345 is none of the task's groups"),
        reasons(group, "chown").toString());
    Recording notOwn = record(Optional.of(ROOT), "5 fchown(3<" + other + ">, -1, 0) = 0\n");
    assertTrue(
        String.join(" ", reasons(notOwn, "chown")).contains("the file belongs to uid 65534"),
        reasons(notOwn, "chown").toString());
    Recording uid = record(Optional.of(ROOT), "5 chown(\"" + own + "\", 0, 0) = 0\n");
    assertTrue(
        String.join(" ", reasons(uid, "chown")).contains("may not have been needed"),
        reasons(uid, "chown").toString());
  }

  @Test
  void fileUse_keepsTheFsUidsOfItsAccessors_andItsOwnerWhereOneUidAccessedIt() throws IOException {
    Path both = Files.writeString(tmp.resolve("both"), "x");
    Path rootOnly = Files.writeString(tmp.resolve("root-only"), "x");
    Recording r =
        record(
            Optional.of(ROOT),
            "5 openat(AT_FDCWD</>, \""
                + rootOnly
                + "\", O_RDONLY) = 3<"
                + rootOnly
                + ">\n"
                + "5 openat(AT_FDCWD</>, \""
                + both
                + "\", O_RDONLY) = 3<"
                + both
                + ">\n"
                + "5 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 6\n"
                + "6 setuid(65534) = 0\n"
                + "6 openat(AT_FDCWD</>, \""
                + both
                + "\", O_RDONLY) = 3<"
                + both
                + ">\n");
    FileUse b = r.files().get(both.toString());
    assertEquals(new TreeSet<>(List.of(0L, 65534L)), b.accessUids());
    assertEquals(0, b.ownerUid());
    assertFalse(b.ownedByAccessors());
    assertTrue(b.accessedByOthers());
    FileUse o = r.files().get(rootOnly.toString());
    assertEquals(new TreeSet<>(List.of(0L)), o.accessUids());
    assertEquals(0, o.ownerUid());
    assertTrue(o.ownedByAccessors());
    assertFalse(o.merge(b.withPath(o.path())).ownedByAccessors(), "a merge unions the accessors");
  }

  @Test
  void parse_procStatus() {
    List<String> status =
        List.of(
            "Name:\tx",
            "Uid:\t0\t0\t0\t0",
            "Gid:\t0\t0\t0\t0",
            "Groups:\t0 1 ",
            "CapPrm:\t000001ffffffffff",
            "CapEff:\t000001ffffffffff");
    assertEquals(
        Optional.of(
            new TaskIds(0, 0, 0, 0, 0, 0, 0, 0, List.of(0L, 1L), true, TaskIds.Privilege.ROOT)),
        TaskIds.parse(status));
    List<String> user =
        List.of(
            "Uid:\t1000\t1000\t1000\t1000",
            "Gid:\t1000\t1000\t1000\t1000",
            "Groups:\t",
            "CapPrm:\t0000000000000000",
            "CapEff:\t0000000000000000");
    assertEquals(TaskIds.Privilege.ROOT, TaskIds.parse(user).orElseThrow().privilege());
    List<String> odd =
        List.of(
            "Uid:\t1000\t1000\t1000\t1000",
            "Gid:\t1000\t1000\t1000\t1000",
            "Groups:\t",
            "CapPrm:\t00000000000000c0",
            "CapEff:\t00000000000000c0");
    assertEquals(TaskIds.Privilege.UNKNOWN, TaskIds.parse(odd).orElseThrow().privilege());
  }
}
