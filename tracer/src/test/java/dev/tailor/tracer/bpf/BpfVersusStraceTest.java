package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues #5, #11 and #13: on the real samples, the bpf backend sees what the strace backend sees:
 * the same syscalls, the same files with the same accesses (everything an AppArmor rule is made
 * of), execs, sockets, capabilities, and the same argument values. Runs both for real, one after
 * the other in the same work folder; skips where the bpf backend cannot run (not root, no BTF).
 */
class BpfVersusStraceTest {
  private static final Path REPO =
      Path.of(System.getProperty("tailor.repoRoot", "..")).toAbsolutePath().normalize();
  private static SyscallTable table;

  @TempDir Path tmp;

  @BeforeAll
  static void needBpfAndStrace() throws Exception {
    Optional<String> why = BpfBackend.unavailable();
    assumeTrue(why.isEmpty(), () -> "bpf backend unavailable: " + why.orElse(""));
    assumeTrue(Commands.onPath("strace").isPresent(), "strace not installed");
    table = SyscallTable.forNativeArch();
  }

  @Test
  void run_pythonApp_sameAsStrace() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    compare(work -> List.of("python3", sample("python-app/app.py"), work.toString()), Set.of());
  }

  @Test
  void run_shellPipeline_sameAsStrace() throws Exception {
    // dash's `wait "$job"` sleeps in rt_sigsuspend only when the background job is still running:
    // two runs of the pipeline may differ in that one call, whichever backend traced them.
    compare(work -> List.of("sh", sample("pipeline/pipeline.sh")), Set.of("rt_sigsuspend"));
  }

  @Test
  void run_pythonThreads_sameAsStrace() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    compare(work -> List.of("python3", sample("threads/threads.py"), work.toString()), Set.of());
  }

  @Test
  void run_cThreads_sameAsStrace() throws Exception {
    assumeTrue(Commands.onPath("cc").isPresent(), "no C compiler");
    Path bin = tmp.resolve("threads");
    Process cc =
        new ProcessBuilder(
                "cc", "-O2", "-pthread", "-o", bin.toString(), sample("threads/threads.c"))
            .inheritIO()
            .start();
    assertEquals(0, cc.waitFor());
    compare(work -> List.of(bin.toString()), Set.of());
  }

  @Test
  void run_hostileNames_sameAsStrace() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    Recording bpf =
        compare(
            work ->
                List.of(
                    "python3",
                    sample("hostile-names/make_names.py"),
                    work.resolve("names").toString()),
            Set.of());
    assertTrue(
        bpf.files().keySet().stream().anyMatch(k -> k.contains("new\\x0aline.txt")),
        bpf.files().keySet()::toString);
  }

  @Test
  void run_relativeNames_resolvedAtTheCall() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    // Names relative to a directory fd, to the working directory after chdir and fchdir, and in a
    // child that changes its directory after the fork: each resolved where the process was then.
    String script =
        String.join(
            "\n",
            "import os",
            "os.mkdir('a'); os.mkdir('a/b')",
            "d = os.open('a', os.O_RDONLY | os.O_DIRECTORY)",
            "os.mkdir('c', dir_fd=d)",
            "open(os.open('f', os.O_WRONLY | os.O_CREAT, dir_fd=d), 'w').close()",
            "os.rename('f', 'g', src_dir_fd=d, dst_dir_fd=d)",
            "os.chdir('a/b')",
            "open('h', 'w').close()",
            "os.fchdir(d)",
            "os.unlink('g')",
            "pid = os.fork()",
            "if pid == 0:",
            "    os.chdir('c')",
            "    open('child', 'w').close()",
            "    os._exit(0)",
            "os.waitpid(pid, 0)",
            "open('parent', 'w').close()");
    Recording bpf =
        compare(
            work -> List.of("sh", "-c", "cd " + work + " && exec python3 -c \"$0\"", script),
            Set.of());
    Set<String> files = bpf.files().keySet();
    for (String f : List.of("/a/c", "/a/f", "/a/g", "/a/b/h", "/a/c/child", "/a/parent")) {
      assertTrue(files.stream().anyMatch(k -> k.endsWith("/work" + f)), () -> f + " in " + files);
    }
  }

  @Test
  void run_execOfAScript_execAndInterpreterAsStrace() throws Exception {
    Path script = Files.writeString(tmp.resolve("hello.sh"), "#!/bin/sh\necho hello > /dev/null\n");
    script.toFile().setExecutable(true);
    Recording bpf = compare(work -> List.of(script.toString()), Set.of());
    assertTrue(bpf.execs().containsKey(script.toString()), bpf.execs().keySet()::toString);
  }

  @Test
  void run_dd_sameCountsAndErrorsAsStrace() throws Exception {
    // dd makes the same calls every run: the counts, not only the names, must match
    List<String> dd = List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000");
    Recording strace = record(StraceBackend.locate(), dd);
    Recording bpf = record(BpfBackend.locate(table::nameOf), dd);
    assertEquals(counts(strace), counts(bpf));
    assertEquals(errors(strace), errors(bpf));
    assertTrue(counts(bpf).get("read") > 20000, counts(bpf)::toString);
  }

  @Test
  void run_childLeavesTheWorkloadsCgroup_stillFollowed() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    Optional<Path> mount =
        WorkloadCgroup.mountPoint(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    assumeTrue(mount.isPresent(), "no cgroup v2 here");
    // The child moves itself to the root cgroup, then makes a call nothing else in this run makes.
    String script =
        "echo $$ > "
            + mount.get().resolve("cgroup.procs")
            + " && exec python3 -c 'import os; os.getpriority(os.PRIO_PROCESS, 0); open(\"/etc/hostname\").close()'";
    compare(
        work -> List.of("sh", "-c", "sh -c \"" + script.replace("\"", "\\\"") + "\"; true"),
        Set.of());
  }

  @Test
  void run_longPaths_keptWholeUpToPathMax() throws Exception {
    // 300 bytes: past bpftrace's old 199-byte limit; 4200: past PATH_MAX, which the kernel refuses
    // too.
    Path dir = Files.createDirectories(tmp.resolve("d".repeat(200)).resolve("e".repeat(60)));
    Path kept =
        Files.writeString(dir.resolve("f".repeat(300 - dir.toString().length() - 1)), "x\n");
    assertEquals(300, kept.toString().length());
    String tooLong = "/" + "x/".repeat(2100);
    Recording bpf =
        record(
            BpfBackend.locate(table::nameOf),
            List.of("sh", "-c", "cat " + kept + " " + tooLong + " 2>/dev/null; true"));
    assertTrue(bpf.files().containsKey(kept.toString()), bpf.files().keySet()::toString);
    assertTrue(
        bpf.files().keySet().stream().noneMatch(k -> k.startsWith("/x/x/")),
        bpf.files().keySet()::toString);
    assertTrue(
        bpf.warnings()
            .contains("1 path arguments were PATH_MAX (4096) bytes or longer and are left out"),
        bpf.warnings()::toString);
  }

  private static Map<String, Long> counts(Recording r) {
    Map<String, Long> out = new TreeMap<>();
    r.syscalls().forEach((name, use) -> out.put(name, use.count()));
    return out;
  }

  private static Map<String, Map<String, Long>> errors(Recording r) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    r.syscalls()
        .forEach(
            (name, use) -> {
              if (!use.errors().isEmpty()) {
                out.put(name, new TreeMap<>(use.errors()));
              }
            });
    return out;
  }

  private interface Command {
    List<String> in(Path work);
  }

  /**
   * Runs {@code command} bare once (so that caches it writes are there for both traced runs), then
   * under strace and under bpf, each in a fresh folder of the same name; compares what a profile is
   * made of. {@code timing} names calls the workload makes or not depending on which process runs
   * first. Returns the bpf recording.
   */
  private Recording compare(Command command, Set<String> timing) throws Exception {
    Path work = tmp.resolve("work");
    fresh(work);
    Process bare =
        new ProcessBuilder(command.in(work))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertEquals(0, bare.waitFor(), "bare run of " + command.in(work));
    fresh(work);
    Recording strace = record(StraceBackend.locate(), command.in(work));
    fresh(work);
    Recording bpf = record(BpfBackend.locate(table::nameOf), command.in(work));
    Set<String> expected = new TreeSet<>(strace.syscalls().keySet());
    Set<String> actual = new TreeSet<>(bpf.syscalls().keySet());
    expected.removeAll(timing);
    actual.removeAll(timing);
    assertEquals(
        expected,
        actual,
        () ->
            "syscalls: strace only "
                + minus(expected, actual)
                + ", bpf only "
                + minus(actual, expected));
    assertEquals(ruled(strace), ruled(bpf), "files with the accesses rules are made of");
    assertEquals(strace.execs().keySet(), bpf.execs().keySet(), "execs");
    assertEquals(strace.sockets().keySet(), bpf.sockets().keySet(), "sockets");
    assertEquals(strace.capabilities().keySet(), bpf.capabilities().keySet(), "capabilities");
    assertEquals(values(strace), values(bpf), "argument values");
    assertTrue(
        bpf.warnings().stream().noneMatch(w -> w.contains("dropped") || w.contains("could not")),
        bpf.warnings()::toString);
    return bpf;
  }

  /**
   * Each file a successful access that needs a rule was made to (all but stat-like ones, which need
   * none), with those accesses and whether it is a directory: what the AppArmor draft is written
   * from.
   */
  static Map<String, String> ruled(Recording r) {
    Map<String, String> out = new TreeMap<>();
    for (FileUse f : r.files().values()) {
      EnumSet<Access> kinds =
          f.accesses().isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(f.accesses());
      kinds.remove(Access.STAT);
      if (!kinds.isEmpty()) {
        // Two runs differ in pids and in mktemp's random names, whichever backend traced them.
        String path =
            f.path()
                .replaceAll("^/proc/[0-9]+/", "/proc/PID/")
                .replaceAll("^/tmp/tmp\\.[A-Za-z0-9]{10}", "/tmp/tmp.XXXXXXXXXX");
        out.merge(
            path, kinds + (f.directory() ? " dir" : ""), (x, y) -> x.equals(y) ? x : x + " + " + y);
      }
    }
    return out;
  }

  /** Each recorded argument with the values it had (not how often: that depends on timing). */
  static Map<String, Set<Long>> values(Recording r) {
    Map<String, Set<Long>> out = new TreeMap<>();
    for (ArgumentUse a : r.arguments().values()) {
      out.put(a.key(), new TreeSet<>(a.values().keySet()));
    }
    return out;
  }

  /** An empty {@code dir}; rm, as Java cannot name every file the hostile-names sample makes. */
  private static void fresh(Path dir) throws Exception {
    assertEquals(
        0, new ProcessBuilder("rm", "-rf", "--", dir.toString()).inheritIO().start().waitFor());
    Files.createDirectories(dir);
  }

  private static Recording record(Backend backend, List<String> command) throws TraceException {
    UnaryOperator<String> names =
        raw ->
            raw.startsWith("syscall_0x")
                ? table.nameOf(Integer.parseInt(raw.substring(10), 16)).orElse(raw)
                : raw;
    Recorder r =
        new Recorder(
            backend.name(),
            backend.name(),
            new HostPathResolver(false),
            names,
            Optional.of(Path.of("").toAbsolutePath().toString()));
    int exit = backend.run(command, r);
    assertEquals(0, exit, backend.name() + " run of " + command);
    return r.toRecording("t", "x86_64");
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }

  private static String sample(String relative) {
    return REPO.resolve("samples").resolve(relative).toString();
  }
}
