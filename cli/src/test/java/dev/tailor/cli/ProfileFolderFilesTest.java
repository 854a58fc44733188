package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One profile folder: its four files, written whole, the options that shape it, and its errors. */
class ProfileFolderFilesTest {
  @TempDir Path tmp;

  private static Recording recording(String name) {
    Recorder r =
        new Recorder(
            name, "test", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    r.addSyscallCount("read", 3);
    r.addSyscallCount("exit_group", 1);
    r.recordOpen("/etc/hostname", OpenMode.of(0), "");
    r.recordOpen("/srv/app/out.txt", OpenMode.of(OpenMode.O_WRONLY | OpenMode.O_CREAT), "");
    return r.toRecording(name, Arch.current());
  }

  private static ProfileOptions options(String mode, String exec, String attach) {
    ProfileOptions o = new ProfileOptions();
    o.apparmorMode = mode;
    o.execMode = exec;
    o.attachPath = attach;
    return o;
  }

  @Test
  void write_givesTheFiveFiles_andNoTemporaryOnes() throws Exception {
    Recording rec = recording("app");
    ProfileFolder.Written w = ProfileFolder.write(tmp, rec, options("complain", "ix", null));
    Path folder = tmp.resolve("app");
    assertEquals(folder, w.folder());
    try (var s = Files.list(folder)) {
      assertEquals(
          List.of(
              "apparmor.profile",
              "recording.json",
              "report.md",
              "seccomp.json",
              "seccomp.observe.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(
        dev.tailor.generator.seccomp.ObserveVariant.logging(
            dev.tailor.generator.seccomp.SeccompJson.read(folder.resolve("seccomp.json"))
                .profile()),
        dev.tailor.generator.seccomp.SeccompJson.read(folder.resolve("seccomp.observe.json"))
            .profile(),
        "seccomp.observe.json is seccomp.json's log variant");
    assertEquals(rec, RecordingJson.read(folder));
    assertEquals(2, w.syscalls());
    assertEquals(
        "tailor: wrote "
            + folder
            + " (2 syscalls, "
            + w.apparmorRules()
            + " AppArmor rules from "
            + w.distinctPaths()
            + " paths)",
        w.summary());
    assertTrue(
        Files.readString(folder.resolve("report.md")).contains("## AppArmor generalisations\n\n"));
    assertTrue(
        Files.readString(folder.resolve("report.md"))
            .contains("tailor enforce --seccomp " + folder + "/seccomp.json"),
        "the Deploy section names the folder written (issue 18 item 15)");
    // again over the same folder: replaced whole
    ProfileFolder.write(tmp, rec, options("enforce", "ix", null));
    assertTrue(!Files.readString(folder.resolve("apparmor.profile")).contains("flags=(complain)"));
  }

  @Test
  void write_intoAFolderThatCannotBeMade_isOneActionableError() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    CommandException e =
        assertThrows(
            CommandException.class,
            () -> ProfileFolder.write(file, recording("app"), options("complain", "ix", null)));
    assertTrue(
        e.getMessage().startsWith("cannot write profiles to " + file.resolve("app") + ": "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("or choose another folder with --out"), e.getMessage());
    assertEquals(125, e.exitCode(125), "the command decides the code");
  }

  @Test
  void checkWritable_makesTheFolder_orSaysWhy() throws Exception {
    Path deep = tmp.resolve("a/b/c");
    ProfileFolder.checkWritable(deep);
    assertTrue(Files.isDirectory(deep));
    Path file = Files.writeString(tmp.resolve("f"), "x");
    CommandException e =
        assertThrows(
            CommandException.class, () -> ProfileFolder.checkWritable(file.resolve("sub")));
    assertTrue(
        e.getMessage().startsWith("cannot create output folder " + file.resolve("sub") + ": "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("; choose another with --out"), e.getMessage());
    // Issue #18 item 16: "cannot create output folder X: X" when X itself is a file.
    CommandException same =
        assertThrows(CommandException.class, () -> ProfileFolder.checkWritable(file));
    assertEquals(
        "cannot create output folder "
            + file
            + ": something that is not a folder is in the way; choose another with --out",
        same.getMessage());
  }

  @Test
  void apparmorOptions_parseAnyCase_andRefuseTheRest() throws Exception {
    AppArmorOptions o =
        ProfileFolder.apparmorOptions("web", options("ENFORCE", "Px", "/usr/sbin/my|nginx"));
    assertEquals(AppArmorOptions.Mode.ENFORCE, o.mode());
    assertEquals(AppArmorOptions.ExecMode.PX, o.execMode());
    assertEquals(
        "/usr/sbin/my\\x7cnginx",
        o.attachment(),
        "the attach path is in PathText form like every path");
    assertEquals("web", o.profileName());
    assertEquals(
        "", ProfileFolder.apparmorOptions("web", options("complain", "cx", null)).attachment());

    CommandException mode =
        assertThrows(
            CommandException.class,
            () -> ProfileFolder.apparmorOptions("w", options("audit", "ix", null)));
    assertEquals("--apparmor-mode audit: use complain or enforce", mode.getMessage());
    assertEquals(2, mode.exitCode(1));
    CommandException exec =
        assertThrows(
            CommandException.class,
            () -> ProfileFolder.apparmorOptions("w", options("complain", "ux", null)));
    assertEquals("--exec-mode ux: use ix, px or cx", exec.getMessage());
    CommandException attach =
        assertThrows(
            CommandException.class,
            () -> ProfileFolder.apparmorOptions("w", options("complain", "ix", "bin/nginx")));
    assertEquals("--attach-path bin/nginx: give an absolute path", attach.getMessage());
  }

  @Test
  void reason_isShortAndHuman() {
    assertEquals("permission denied", ProfileFolder.reason(new AccessDeniedException("/x")));
    assertEquals(
        "not a directory",
        ProfileFolder.reason(new FileSystemException("/x", null, "Not a directory")));
    // No Java exception names reach the user (issue 12), nor the path again (issue 18): the caller
    // names it.
    assertEquals("input/output error", ProfileFolder.reason(new FileSystemException("/x")));
    assertEquals(
        "something that is not a folder is in the way",
        ProfileFolder.reason(new java.nio.file.FileAlreadyExistsException("/x")));
    assertFalse(
        ProfileFolder.reason(new IOException()).contains("Exception"),
        ProfileFolder.reason(new IOException()));
  }

  @Test
  void write_profilePast128Entries_notesKep6061AndSpoLimits() throws Exception {
    // Issue #18 item 12: learn warns before a profile passes 128 syscall entries.
    dev.tailor.tracer.seccomp.SyscallTable table =
        dev.tailor.tracer.seccomp.SyscallTable.forNativeArch();
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int nr = 0; nr < 1024 && names.size() < 140; nr++) {
      table.nameOf(nr).ifPresent(names::add);
    }
    Recorder r =
        new Recorder(
            "big", "test", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    for (String n : names.subList(0, 140)) {
      r.addSyscallCount(n, 1);
    }
    ProfileFolder.Written w =
        ProfileFolder.write(
            tmp, r.toRecording("big", Arch.current()), options("complain", "ix", null));
    assertTrue(
        w.notes().stream().anyMatch(n -> n.contains("at most 128 entries and 1 MiB per profile")),
        w.notes().toString());
    ProfileFolder.Written small =
        ProfileFolder.write(tmp, recording("small"), options("complain", "ix", null));
    assertTrue(
        small.notes().stream().noneMatch(n -> n.contains("128 entries")), small.notes().toString());
  }
}
