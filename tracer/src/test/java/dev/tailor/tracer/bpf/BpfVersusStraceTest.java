package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5: on the real samples, the bpf backend sees exactly the syscalls the strace backend
 * sees. Runs both for real; skips where bpftrace cannot run (not root, not installed, no tracefs).
 */
class BpfVersusStraceTest {
  private static final Path REPO = Path.of(System.getProperty("tailor.repoRoot", "..")).toAbsolutePath().normalize();
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
  void run_pythonApp_sameSyscallsAsStrace() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    compare("python-app", work -> List.of("python3", sample("python-app/app.py"), work.toString()));
  }

  @Test
  void run_shellPipeline_sameSyscallsAsStrace() throws Exception {
    // dash's `wait "$job"` sleeps in rt_sigsuspend only when the background job is still running:
    // two runs of the pipeline may differ in that one call, whichever backend traced them.
    compare("pipeline", work -> List.of("sh", sample("pipeline/pipeline.sh")), Set.of("rt_sigsuspend"));
  }

  @Test
  void run_pythonThreads_sameSyscallsAsStrace() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    compare("threads-py", work -> List.of("python3", sample("threads/threads.py"), work.toString()));
  }

  @Test
  void run_cThreads_sameSyscallsAsStrace() throws Exception {
    assumeTrue(Commands.onPath("cc").isPresent(), "no C compiler");
    Path bin = tmp.resolve("threads");
    Process cc = new ProcessBuilder("cc", "-O2", "-pthread", "-o", bin.toString(), sample("threads/threads.c")).inheritIO().start();
    assertEquals(0, cc.waitFor());
    compare("threads-c", work -> List.of(bin.toString()));
  }

  @Test
  void run_dd_sameCountsAsStrace() throws Exception {
    // dd makes the same calls every run: the counts, not only the names, must match
    List<String> dd = List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000");
    Recording strace = record(StraceBackend.locate(), dd);
    Recording bpf = record(BpfBackend.locate(table::nameOf), dd);
    assertEquals(counts(strace), counts(bpf));
    assertTrue(counts(bpf).get("read") > 20000, counts(bpf)::toString);
  }

  @Test
  void run_childLeavesTheWorkloadsCgroup_stillCounted() throws Exception {
    assumeTrue(Commands.onPath("python3").isPresent(), "python3 not installed");
    Optional<Path> mount = WorkloadCgroup.mountPoint(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    assumeTrue(mount.isPresent(), "no cgroup v2 here");
    // The child moves itself to the root cgroup, then makes a call nothing else in this run makes.
    String script = "echo $$ > " + mount.get().resolve("cgroup.procs") + " && exec python3 -c 'import os; os.getpriority(os.PRIO_PROCESS, 0)'";
    compare("leaves-cgroup", work -> List.of("sh", "-c", "sh -c \"" + script.replace("\"", "\\\"") + "\"; true"));
  }

  @Test
  void run_pathsOf199BytesOrMore_areLeftOutWithAWarning() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("long"));
    Path kept = withLength(dir, BpfScript.MAX_STRING - 2);
    Path cut = withLength(dir, BpfScript.MAX_STRING - 1);
    Path longer = withLength(dir, 240);
    Recording bpf = record(BpfBackend.locate(table::nameOf), List.of("cat", kept.toString(), cut.toString(), longer.toString()));
    assertTrue(bpf.files().containsKey(kept.toString()), "a 198-byte path is read whole: " + bpf.files().keySet());
    assertTrue(!bpf.files().containsKey(cut.toString()) && !bpf.files().containsKey(longer.toString()), bpf.files().keySet()::toString);
    assertTrue(bpf.files().keySet().stream().noneMatch(p -> p.startsWith(dir.toString() + "/f") && !p.equals(kept.toString())),
        () -> "no cut-off name instead: " + bpf.files().keySet());
    assertTrue(bpf.warnings().contains("2 paths were 199 bytes or longer, more than bpftrace reads, and are left out "
        + "(trace with --backend strace to see them)"), bpf.warnings()::toString);
  }

  /** A file in {@code dir} whose absolute path is {@code length} bytes. */
  private static Path withLength(Path dir, int length) throws Exception {
    int name = length - dir.toString().length() - 1;
    assertTrue(name > 1 && name < 256, "tmp path too long for the test: " + dir);
    Path p = dir.resolve("f" + "x".repeat(name - 1));
    Files.writeString(p, "x\n");
    assertEquals(length, p.toString().length());
    return p;
  }

  private static java.util.Map<String, Long> counts(Recording r) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    r.syscalls().forEach((name, use) -> out.put(name, use.count()));
    return out;
  }

  private interface Command {
    List<String> in(Path work);
  }

  private void compare(String name, Command command) throws Exception {
    compare(name, command, Set.of());
  }

  /** As above, where {@code timing} names calls the workload makes or not depending on which process runs first. */
  private void compare(String name, Command command, Set<String> timing) throws Exception {
    Path straceWork = Files.createDirectories(tmp.resolve(name + "-strace"));
    Path bpfWork = Files.createDirectories(tmp.resolve(name + "-bpf"));
    Recording strace = record(StraceBackend.locate(), command.in(straceWork));
    Recording bpf = record(BpfBackend.locate(table::nameOf), command.in(bpfWork));
    Set<String> expected = new TreeSet<>(strace.syscalls().keySet());
    Set<String> actual = new TreeSet<>(bpf.syscalls().keySet());
    expected.removeAll(timing);
    actual.removeAll(timing);
    assertEquals(expected, actual, () -> name + ": strace only " + minus(expected, actual) + ", bpf only " + minus(actual, expected));
    // Execs travel through bpftrace's per-CPU output buffers; tailor reads until the dump's event
    // counter is reached, so every exec is there unless the kernel dropped events (a buffer
    // overflowed), and then the recording says how many: each exec missing is one of those.
    Set<String> missingExecs = minus(strace.execs().keySet(), bpf.execs().keySet());
    long unaccounted = missingExecs.size() - lostEvents(bpf.warnings());
    assertTrue(unaccounted <= 0,
        () -> name + ": execs missing beyond the events reported lost: " + missingExecs + ", " + bpf.warnings());
  }

  /** The events bpf's warnings say were lost or never arrived (0 when none). */
  static long lostEvents(List<String> warnings) {
    long n = 0;
    for (String w : warnings) {
      Matcher lost = Pattern.compile("^bpftrace lost (\\d+) events").matcher(w);
      Matcher never = Pattern.compile("^(\\d+) events \\(.*never arrived").matcher(w);
      if (lost.find()) {
        n += Long.parseLong(lost.group(1));
      } else if (never.find()) {
        n += Long.parseLong(never.group(1));
      }
    }
    return n;
  }

  @Test
  void lostEvents_readsBothWarnings() {
    assertEquals(0, lostEvents(List.of("traced with bpftrace: file accesses come from open")));
    assertEquals(7, lostEvents(List.of("bpftrace lost 3 events (opens, execs, sockets): the file",
        "4 events (opens, execs, sockets) that bpftrace printed never arrived: the file")));
  }

  private static Recording record(dev.tailor.tracer.backend.Backend backend, List<String> command) throws TraceException {
    UnaryOperator<String> names = raw -> raw.startsWith("syscall_0x")
        ? table.nameOf(Integer.parseInt(raw.substring(10), 16)).orElse(raw) : raw;
    Recorder r = new Recorder(backend.name(), backend.name(), new HostPathResolver(false), names,
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
