package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.Target;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InheritedAndInterpretersTest {
  private static Recording record(Recorder r, String text) throws IOException {
    new TraceParser(r).parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("test", "x86_64");
  }

  private static final String TRACE =
      String.join(
          "\n",
          "10 write(1</tmp/job/stdout>, \"hello\\n\", 6) = 6",
          "10 newfstatat(2</tmp/job/stderr>, \"\", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0",
          "10 openat(AT_FDCWD</work>, \"out.txt\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</work/out.txt>",
          "10 write(3</work/out.txt>, \"x\", 1) = 1",
          "10 copy_file_range(3</work/out.txt>, NULL, 1</tmp/job/stdout>, NULL, 1, 0) = 1",
          "10 +++ exited with 0 +++",
          "");

  @Test
  void filesOnlyUsedThroughFds_areInherited_notRules() throws IOException {
    Recording r =
        record(
            new Recorder(
                "run",
                "text",
                PathResolver.LEXICAL,
                UnaryOperator.identity(),
                Optional.of("/work")),
            TRACE);
    assertEquals(Set.of("/tmp/job/stdout", "/tmp/job/stderr"), r.inherited().keySet());
    assertTrue(r.inherited().get("/tmp/job/stdout").accesses().contains(Access.WRITE));
    assertTrue(r.files().containsKey("/work/out.txt"), "opened by name: a rule");
    assertTrue(
        r.files().get("/work/out.txt").accesses().contains(Access.READ), "copy_file_range read it");
    assertFalse(r.files().containsKey("/tmp/job/stdout"));
  }

  @Test
  void stdioReopenedByName_isInherited_notARule_andNoAdviceToUseYy() throws IOException {
    Recording r =
        record(
            new Recorder(
                "run",
                "text",
                PathResolver.LEXICAL,
                UnaryOperator.identity(),
                Optional.of("/work")),
            String.join(
                "\n",
                // sh's 'echo > /dev/stdout' with stdout a pipe (podman without -t), and with a
                // terminal (-t)
                "10 openat(AT_FDCWD</work>, \"/dev/stdout\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3<pipe:[2002177]>",
                "10 openat(AT_FDCWD</work>, \"/dev/stderr\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4</dev/pts/0>",
                "10 openat(AT_FDCWD</work>, \"/proc/self/fd/1\", O_RDONLY) = 5<pipe:[2002177]>",
                // nginx's image links its log to /dev/stdout: the fd is the pipe, the name is the
                // log's
                "10 openat(AT_FDCWD</work>, \"/var/log/nginx/access.log\", O_WRONLY|O_CREAT|O_APPEND, 0644) = 6<pipe:[2002177]>",
                "10 write(1<pipe:[2002177]>, \"x\", 1) = 1",
                "10 openat(AT_FDCWD</work>, \"out.txt\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 7</work/out.txt>",
                "10 +++ exited with 0 +++",
                ""));
    assertEquals(Set.of("/work/out.txt"), r.files().keySet());
    assertEquals(
        Set.of("/dev/stdout", "/dev/pts/0", "/var/log/nginx/access.log"), r.inherited().keySet());
    assertEquals(
        Set.of(Access.WRITE),
        r.inherited().get("/dev/stdout").accesses(),
        "O_CREAT on a reopened fd makes nothing");
    assertEquals(Set.of(Access.APPEND), r.inherited().get("/var/log/nginx/access.log").accesses());
    assertFalse(
        r.warnings().stream().anyMatch(w -> w.contains("-yy")),
        "the trace is -yy: " + r.warnings());

    Recording bare =
        record(
            new Recorder(
                "run",
                "text",
                PathResolver.LEXICAL,
                UnaryOperator.identity(),
                Optional.of("/work")),
            "10 openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY) = 3\n10 +++ exited with 0 +++\n");
    assertTrue(
        bare.warnings().stream().anyMatch(w -> w.contains("-yy")),
        "a trace without -yy still says so: " + bare.warnings());
  }

  @Test
  void attachedProcesses_keepFdOnlyFiles_asTheyMayHaveOpenedThemBeforeTheTrace()
      throws IOException {
    Recorder rec =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    rec.addTarget(new Target(10, "/usr/bin/x", List.of("x"), "0 0 0 0", "0"));
    Recording r = record(rec, TRACE);
    assertTrue(r.inherited().isEmpty());
    assertTrue(r.files().containsKey("/tmp/job/stdout"));
  }

  @Test
  void execOfAScript_givesItsInterpreterReadAndMmap(@TempDir Path dir) throws IOException {
    Path inner = dir.resolve("inner.sh");
    Files.writeString(inner, "#!/bin/sh\necho inner\n");
    Path outer = dir.resolve("outer");
    // A script whose interpreter is a script: the kernel follows up to four levels.
    Files.writeString(outer, "#! " + inner + " -e\n");
    Path notExec = dir.resolve("rewritten");
    Files.writeString(notExec, "#!/etc/passwd\n");
    for (Path p : List.of(inner, outer, notExec)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Recorder rec =
        new Recorder(
            "run", "text", new HostPathResolver(false), UnaryOperator.identity(), Optional.of("/"));
    Recording r =
        record(
            rec,
            String.join(
                "\n",
                "10 execve(\"" + outer + "\", [\"outer\"], 0x7ffc /* 1 var */) = 0",
                "11 execve(\"" + notExec + "\", [\"rewritten\"], 0x7ffc /* 1 var */) = 0",
                "10 +++ exited with 0 +++",
                "11 +++ exited with 0 +++",
                ""));
    String sh = new HostPathResolver(false).resolve("/bin/sh", true);
    assertTrue(
        r.files()
            .get(inner.toString())
            .accesses()
            .containsAll(Set.of(Access.READ, Access.MMAP_EXEC)),
        r.files().keySet().toString());
    assertTrue(
        r.files().get(sh).accesses().containsAll(Set.of(Access.READ, Access.MMAP_EXEC)),
        sh + " in " + r.files().keySet());
    assertFalse(
        r.files().containsKey("/etc/passwd"),
        "the kernel runs only an executable interpreter: a #! line naming another file grants nothing");
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.contains("#! scripts")), r.warnings().toString());
  }

  @Test
  void interpreterLine_asTheKernelReadsIt() {
    assertEquals(Optional.of("/bin/sh"), Interpreters.of("#!/bin/sh\n"));
    assertEquals(Optional.of("/usr/bin/env"), Interpreters.of("#! \t/usr/bin/env python3\n"));
    assertEquals(Optional.of("/bin/sh"), Interpreters.of("#!/bin/sh"));
    assertEquals(Optional.empty(), Interpreters.of("\u007fELF"));
    assertEquals(Optional.empty(), Interpreters.of("#!\n"));
    assertEquals(
        Optional.empty(),
        Interpreters.of("#!/" + "a".repeat(300)),
        "a name the kernel's 256-byte buffer cuts");
  }
}
