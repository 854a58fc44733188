package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of the syscall table that names files is read by the strace side of the recorder. */
class PathTableTest {
  /**
   * A strace line for {@code row} naming /t/a (and /t/b as its second path), relative to dirfds in
   * /w.
   */
  private static String line(PathSyscall row) {
    int last = Math.max(row.path(), row.second() == null ? 0 : row.second().path());
    List<String> args = new ArrayList<>();
    for (int i = 0; i <= last + 1; i++) {
      if (i == row.path()) {
        args.add("\"/t/a\"");
      } else if (row.second() != null && i == row.second().path()) {
        args.add("\"/t/b\"");
      } else if (i == row.dirfd() || (row.second() != null && i == row.second().dirfd())) {
        args.add("AT_FDCWD</w>");
      } else if (row.name().equals("openat") && i == 2) {
        args.add("O_RDONLY");
      } else {
        args.add("0");
      }
    }
    String result = row.name().equals("chdir") ? "0" : "-1 ENOENT (No such file or directory)";
    return "7 " + row.name() + "(" + String.join(", ", args) + ") = " + result + "\n";
  }

  @Test
  void everyPathRow_givesItsFiles() throws IOException {
    for (PathSyscall row : SyscallModel.pathSyscalls().values()) {
      Recording r = RecorderTest.recordText(line(row) + "7 +++ exited with 0 +++\n");
      assertTrue(
          r.files().containsKey("/t/a"),
          row.name() + ": " + line(row) + " gave " + r.files().keySet());
      if (row.second() != null) {
        assertTrue(r.files().containsKey("/t/b"), row.name() + " names a second path");
      }
    }
  }

  @Test
  void inotifyWatch_isTheSecondArgument_relativeToTheCwd() throws IOException {
    Recording r =
        RecorderTest.recordText(
            "7 inotify_add_watch(3<anon_inode:inotify>, \"conf\", IN_MODIFY) = 1\n7 +++ exited with 0 +++\n");
    assertEquals(
        java.util.Set.of(Access.READ),
        r.files().get("/work/conf").accesses(),
        r.files().keySet().toString());
  }

  @Test
  void noFollowFlags_andStatResults_comeFromTheRowsArguments() throws IOException {
    Recording r =
        RecorderTest.recordText(
            String.join(
                "\n",
                "7 newfstatat(AT_FDCWD</work>, \"d\", {st_mode=S_IFDIR|0755, st_size=4096, ...}, AT_SYMLINK_NOFOLLOW) = 0",
                "7 unlinkat(AT_FDCWD</work>, \"gone\", AT_REMOVEDIR) = 0",
                "7 renameat2(AT_FDCWD</work>, \"x\", AT_FDCWD</srv>, \"y\", RENAME_NOREPLACE) = 0",
                "7 +++ exited with 0 +++",
                ""));
    assertTrue(r.files().get("/work/d").directory());
    assertTrue(r.files().get("/work/gone").directory(), "AT_REMOVEDIR: a directory");
    assertTrue(r.files().get("/work/x").accesses().contains(Access.RENAME));
    assertTrue(r.files().get("/srv/y").accesses().contains(Access.CREATE));
  }
}
