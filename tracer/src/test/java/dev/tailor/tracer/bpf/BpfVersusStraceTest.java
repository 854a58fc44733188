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
    compare("pipeline", work -> List.of("sh", sample("pipeline/pipeline.sh")));
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

  private interface Command {
    List<String> in(Path work);
  }

  private void compare(String name, Command command) throws Exception {
    Path straceWork = Files.createDirectories(tmp.resolve(name + "-strace"));
    Path bpfWork = Files.createDirectories(tmp.resolve(name + "-bpf"));
    Recording strace = record(StraceBackend.locate(), command.in(straceWork));
    Recording bpf = record(BpfBackend.locate(table::nameOf), command.in(bpfWork));
    Set<String> expected = new TreeSet<>(strace.syscalls().keySet());
    Set<String> actual = new TreeSet<>(bpf.syscalls().keySet());
    assertEquals(expected, actual, () -> name + ": strace only " + minus(expected, actual) + ", bpf only " + minus(actual, expected));
    // Execs and opens travel through bpftrace's per-CPU output buffers, and bpftrace 0.17 can end
    // without reading events still below a buffer's wake-up mark (seen: 1 run in 8 missed the
    // exec of python and a fifth of its opens, with no "Lost events" message). The syscall counts
    // above live in a kernel map and are exact; of the events, only the workload's own first exec
    // is certain (it switches tracking on).
    assertTrue(bpf.execs().keySet().stream().anyMatch(strace.execs().keySet()::contains),
        () -> name + ": execs " + strace.execs().keySet() + " vs " + bpf.execs().keySet());
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
