package dev.tailor.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramSearchTest {
  @TempDir Path tmp;

  @Test
  void first_skipsFoldersAndPlainFiles_andTakesTheFirstRunnable() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Path c = Files.createDirectories(tmp.resolve("c"));
    Path d = Files.createDirectories(tmp.resolve("d"));
    Files.createDirectories(a.resolve("prog"));
    Files.writeString(b.resolve("prog"), "#!/bin/sh\n");
    Path runnable = Files.writeString(c.resolve("prog"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(runnable, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path later = Files.writeString(d.resolve("prog"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(later, PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = a + ":" + b + ":" + c + ":" + d;
    assertEquals(Optional.of(runnable), ProgramSearch.first("prog", path));
    assertEquals(Optional.empty(), ProgramSearch.first("other", path));
  }

  @Test
  void candidates_anEmptyFolderIsTheCurrentOne_alsoAtTheEnd() {
    var found = ProgramSearch.candidates("prog", "/x::/y:");
    assertEquals(4, found.size(), found.toString());
    assertEquals(Path.of("./prog"), found.get(1));
    assertEquals(Path.of("./prog"), found.get(3));
    assertTrue(found.get(0).startsWith("/x"));
  }

  @Test
  void resolve_findsThroughPathLikeAShell(@TempDir Path dir) throws Exception {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path exe =
        Files.createFile(
            dir.resolve("exe"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.createDirectory(dir.resolve("sub"));
    String path = dir + ":/usr/bin:/bin";
    assertEquals(exe, ProgramSearch.resolve("exe", path));
    assertTrue(ProgramSearch.resolve("true", path).endsWith("true"));
    assertEquals(
        127,
        assertThrows(
                UnrunnableCommandException.class,
                () -> ProgramSearch.resolve("no-such-cmd-x", path))
            .exitCode());
    assertEquals(
        127,
        assertThrows(
                UnrunnableCommandException.class,
                () -> ProgramSearch.resolve(dir + "/missing", path))
            .exitCode());
    assertEquals(
        126,
        assertThrows(
                UnrunnableCommandException.class,
                () -> ProgramSearch.resolve("sub", dir.toString()))
            .exitCode());
    // access(X_OK) fails even for root when no execute bit is set.
    assertEquals(
        126,
        assertThrows(
                UnrunnableCommandException.class,
                () -> ProgramSearch.resolve(plain.toString(), path))
            .exitCode());
    assertEquals(
        126,
        assertThrows(
                UnrunnableCommandException.class,
                () -> ProgramSearch.resolve("plain", dir.toString()))
            .exitCode());
  }
}
