package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.seccomp.SeccompGenerator;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code tailor enforce} as a real process: the command replaces the JVM. */
class EnforceCommandTest {
  @TempDir static Path dir;

  private static boolean hasStrace;

  @BeforeAll
  static void findStrace() {
    hasStrace =
        List.of("/usr/bin/strace", "/bin/strace").stream()
            .anyMatch(p -> Files.isExecutable(Path.of(p)));
  }

  private record Run(int exit, String out, String err) {}

  private static Run tailor(String... args) throws Exception {
    return run(TailorProcess.tailorCommand(args));
  }

  private static Run run(List<String> cmd) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Test-only: the syscall names strace sees a command make (its first word on each line). */
  private static Set<String> syscallsOf(String... command) throws Exception {
    assumeTrue(hasStrace, "strace is not installed");
    Path log = Files.createTempFile(dir, "trace", ".strace");
    List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", log.toString()));
    cmd.addAll(List.of(command));
    Run r = run(cmd);
    assertTrue(Files.size(log) > 0, "strace wrote nothing: " + r.err());
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
      String rest = line.substring(line.indexOf(' ') + 1).stripLeading();
      int paren = rest.indexOf('(');
      if (paren > 0 && rest.substring(0, paren).matches("[a-z0-9_]+")) {
        names.add(rest.substring(0, paren));
      }
    }
    assertTrue(names.contains("execve"), names.toString());
    return names;
  }

  /** The profile tailor generates for a recording of exactly these syscalls on this machine. */
  private static Path profile(Set<String> names) throws Exception {
    TreeMap<String, SyscallUse> uses = new TreeMap<>();
    for (String n : names) {
      uses.put(n, new SyscallUse(1, new TreeMap<>(), new TreeSet<>(Set.of("test"))));
    }
    Recording rec =
        new RecordingBuilder()
            .name("test")
            .arch(SyscallTable.nativeArch())
            .inRun("test")
            .syscalls(uses)
            .build();
    Path f = Files.createTempFile(dir, "profile", ".json");
    SeccompJson.write(SeccompGenerator.generate(rec).profile(), f);
    return f;
  }

  @Test
  void enforce_profileOfTrue_runsIt() throws Exception {
    Path p = profile(syscallsOf("/bin/true"));
    Run r = tailor("enforce", "--seccomp", p.toString(), "--", "/bin/true");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err());
  }

  /**
   * Once the filter is loaded the JVM's thread must not go back into Java: held there for a
   * safepoint it waits on a futex, which a profile of /bin/true denies, and the JVM crashes instead
   * of starting the workload. A JVM made to safepoint every millisecond crashed 22 times in 120
   * such runs (under a CPU hog) before the load and exec moved into machine code of their own.
   */
  @Test
  void enforce_jvmSafepointingAllTheTime_stillStartsTheWorkload() throws Exception {
    Set<String> names = syscallsOf("/bin/true");
    names.remove("futex");
    Path p = profile(names);
    List<String> jvm =
        List.of(
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:+SafepointALot",
            "-XX:GuaranteedSafepointInterval=1");
    for (int i = 0; i < 25; i++) {
      Run r =
          run(
              TailorProcess.tailorCommand(
                  jvm, "enforce", "--seccomp", p.toString(), "--", "/bin/true"));
      assertEquals(0, r.exit(), "run " + i + ": " + r.err());
    }
  }

  @Test
  void enforce_withoutMkdir_mkdirIsDenied() throws Exception {
    Path target = dir.resolve("made");
    Set<String> names = syscallsOf("mkdir", target.toString());
    assertTrue(Files.isDirectory(target));
    Files.delete(target);
    assertTrue(names.remove("mkdir") | names.remove("mkdirat"), names.toString());
    names.add("write"); // a successful mkdir writes nothing; the failing one reports on stderr
    Run r = tailor("enforce", "--seccomp", profile(names).toString(), "mkdir", target.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Operation not permitted"), r.err());
    assertFalse(Files.exists(target));
  }

  @Test
  void enforce_optionsAfterCommand_belongToIt() throws Exception {
    Path p = profile(syscallsOf("/bin/ls", "-d", "-l", "/"));
    Run r = tailor("enforce", "--seccomp", p.toString(), "/bin/ls", "-d", "-l", "/");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("d"), r.out());
  }

  @Test
  void enforce_workloadExitCode_isPassedThrough() throws Exception {
    Path p = profile(syscallsOf("sh", "-c", "exit 3"));
    Run r = tailor("enforce", "--seccomp", p.toString(), "--", "sh", "-c", "exit 3");
    assertEquals(3, r.exit(), r.err());
  }

  @Test
  void enforce_unknownCommand_exits127() throws Exception {
    Path p = profile(Set.of("execve", "exit_group"));
    Run r = tailor("enforce", "--seccomp", p.toString(), "--", "no-such-command-tailor");
    assertEquals(127, r.exit(), r.err());
    assertEquals("tailor: no-such-command-tailor: command not found in PATH\n", r.err());
  }

  @Test
  void enforce_notExecutable_exits126() throws Exception {
    Path p = profile(Set.of("execve", "exit_group"));
    Path plain = Files.writeString(dir.resolve("plain.sh"), "exit 0\n");
    Run r = tailor("enforce", "--seccomp", p.toString(), plain.toString());
    assertEquals(126, r.exit(), r.err());
    assertEquals("tailor: " + plain + ": permission denied\n", r.err());
  }

  @Test
  void enforce_profileWithoutExecve_exits126BeforeLoading() throws Exception {
    Path p = profile(Set.of("read", "exit_group"));
    Run r = tailor("enforce", "--seccomp", p.toString(), "/bin/true");
    assertEquals(126, r.exit(), r.err());
    assertEquals(
        "tailor: the profile does not allow execve, so no command can start under it\n", r.err());
  }

  @Test
  void enforce_badProfile_exits125WithOneLine() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"), "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": 3}");
    Run r = tailor("enforce", "--seccomp", bad.toString(), "/bin/true");
    assertEquals(125, r.exit(), r.err());
    assertEquals(
        "tailor: " + bad + ": not an OCI seccomp profile: 'syscalls' is not an array\n", r.err());
    Path unknownAction =
        Files.writeString(dir.resolve("act.json"), "{\"defaultAction\": \"SCMP_ACT_MAYBE\"}");
    r = tailor("enforce", "--seccomp", unknownAction.toString(), "/bin/true");
    assertEquals(125, r.exit(), r.err());
    assertEquals(
        "tailor: cannot enforce "
            + unknownAction
            + ": defaultAction: unknown action SCMP_ACT_MAYBE\n",
        r.err());
  }

  @Test
  void enforce_unknownSyscallName_warnsAndRuns() throws Exception {
    Set<String> names = new TreeSet<>(syscallsOf("/bin/true"));
    names.add("not_a_syscall");
    // Hand-written: the generator would leave the unknown name out.
    Path p = Files.createTempFile(dir, "unknown", ".json");
    Files.writeString(
        p,
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\""
            + String.join("\", \"", names)
            + "\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
    Run r = tailor("enforce", "--seccomp", p.toString(), "/bin/true");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.err().startsWith("tailor: warning: ") && r.err().contains("'not_a_syscall'"), r.err());
  }

  @Test
  void enforce_workload_startsWithCleanSignalState() throws Exception {
    String[] cmd = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"};
    Path p = profile(syscallsOf(cmd));
    List<String> args = new ArrayList<>(List.of("enforce", "--seccomp", p.toString(), "--"));
    args.addAll(List.of(cmd));
    Run r = tailor(args.toArray(new String[0]));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("SigBlk:\t0000000000000000\n"), r.out());
    long ignored = Long.parseLong(r.out().replaceAll("(?s).*SigIgn:\t([0-9a-f]+).*", "$1"), 16);
    assertEquals(0, ignored & (1L << (13 - 1)), "SIGPIPE ignored: " + r.out());
  }

  @Test
  void enforce_execFailsAfterLoading_exits126WithOneLine() throws Exception {
    Path script = dir.resolve("no-interpreter.sh");
    Files.writeString(script, "#!/nonexistent/interpreter\n");
    script.toFile().setExecutable(true);
    // write: the message after a failed execv goes through the loaded filter too.
    Path p = profile(Set.of("execve", "exit_group", "write"));
    Run r = tailor("enforce", "--seccomp", p.toString(), script.toString());
    assertEquals(126, r.exit(), r.err());
    assertEquals(
        "tailor: cannot execute " + script + " after loading the seccomp profile\n", r.err());
  }

  @Test
  void enforce_execveDeniedByArgRule_exits126AfterLoading() throws Exception {
    Path p = Files.createTempFile(dir, "deny", ".json");
    Files.writeString(
        p,
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"execve\"],"
            + " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 2, \"value\": 0, \"op\": \"SCMP_CMP_NE\"}]}]}");
    Run r = tailor("enforce", "--seccomp", p.toString(), "/bin/true");
    assertEquals(126, r.exit(), r.err());
    assertEquals("tailor: cannot execute /bin/true: the seccomp profile denies execve\n", r.err());
  }
}
