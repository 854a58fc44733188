package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.ProcTargets;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.backend.ToolInvocation;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.sys.LibC;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Traces with bpftrace: every syscall of the process tree is counted in the kernel (no ptrace
 * stop per call), and opens, execs, chdirs and sockets are reported as lines on a pipe. The
 * workload starts under a tiny bash wrapper that waits on a FIFO until bpftrace is attached, then
 * execs the command itself; tracking begins inside that exec, so nothing is missed and nothing of
 * the wrapper is counted. Needs root, bpftrace (0.17 or newer) and tracefs.
 */
public final class BpfBackend implements Backend {
  static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));
  private static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
  private static final int SIGUSR1 = 10;
  private static final int SIGKILL = 9;
  /** Waits on the FIFO for "go", then becomes the command with its own argv[0]. */
  private static final String WRAPPER =
      "IFS= read -r go < \"$1\" && [ \"$go\" = go ] || exit 125; exec -a \"$2\" \"$3\" \"${@:4}\"";

  private final Path bpftrace;
  private final IntFunction<Optional<String>> syscallNames;
  private final PathResolver resolver;

  private BpfBackend(Path bpftrace, IntFunction<Optional<String>> syscallNames, PathResolver resolver) {
    this.bpftrace = bpftrace;
    this.syscallNames = syscallNames;
    this.resolver = resolver;
  }

  /**
   * The bpftrace on PATH, after checking that it can run here (root, tracefs mounted; tracefs is
   * mounted when missing).
   *
   * @param syscallNames names of this architecture's syscall numbers (libseccomp's table)
   */
  public static BpfBackend locate(IntFunction<Optional<String>> syscallNames) throws TraceException {
    if (LibC.INSTANCE.geteuid() != 0) {
      throw new TraceException(TraceException.Kind.FAILED, "the bpf backend needs root (bpftrace loads BPF programs); run as root or use --backend strace");
    }
    Optional<Path> p = Commands.onPath("bpftrace");
    if (p.isEmpty()) {
      throw new TraceException(TraceException.Kind.FAILED,
          "bpftrace is not installed: install it (Debian/Ubuntu: apt-get install bpftrace) or use --backend strace");
    }
    ensureTracefs();
    return new BpfBackend(p.get(), syscallNames, new HostPathResolver(false));
  }

  /**
   * Why the bpf backend cannot run here, or empty when it can: checks as {@link #locate} does,
   * then attaches one probe and detaches it (a second or so).
   */
  public static Optional<String> unavailable() {
    try {
      BpfBackend b = locate(n -> Optional.empty());
      ToolInvocation probe = ToolInvocation.run(List.of(b.bpftrace.toString(), "-e",
          "tracepoint:raw_syscalls:sys_enter /pid == 0/ { @n = count(); } BEGIN { printf(\"ok\\n\"); exit(); }"),
          Duration.ofSeconds(30));
      if (probe.timedOut()) {
        return Optional.of("bpftrace did not start within 30 s");
      }
      if (probe.exitCode() != 0 || !probe.output().contains("ok")) {
        return Optional.of("a one-probe bpftrace test failed: " + firstError(probe.output()));
      }
      return Optional.empty();
    } catch (TraceException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.of("cannot run bpftrace: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "bpf";
  }

  @Override
  public int run(List<String> command, Recorder recorder) throws TraceException {
    if (command.isEmpty()) {
      throw new TraceException(TraceException.Kind.NOT_FOUND, "no command given");
    }
    Path program = Commands.resolve(command.get(0));
    Path bash = Commands.onPath("bash").orElseThrow(
        () -> new TraceException(TraceException.Kind.FAILED, "bash is needed to start the workload under bpftrace; install bash"));
    Path dir = privateDir();
    Optional<WorkloadCgroup> cgroup = Optional.empty();
    try {
      Path fifo = dir.resolve("go.fifo");
      if (LibC.INSTANCE.mkfifo(fifo.toString(), 0600) != 0) {
        throw new TraceException(TraceException.Kind.FAILED, "cannot create a FIFO in " + dir);
      }
      List<String> argv = new ArrayList<>();
      // Without a terminal (CI), the workload gets a session of its own, so that a signal to
      // tailor's whole process group (a runner stopping its job) reaches it once, forwarded by
      // tailor, rather than twice. With a terminal it stays in the foreground group, where
      // Ctrl-C reaches it directly and SignalRelay does not repeat it.
      if (LibC.INSTANCE.isatty(0) != 1 && LibC.INSTANCE.isatty(1) != 1 && LibC.INSTANCE.isatty(2) != 1) {
        Commands.onPath("setsid").ifPresent(p -> argv.add(p.toString()));
      }
      argv.addAll(List.of(bash.toString(), "-c", WRAPPER, "tailor-wrapper", fifo.toString(),
          command.get(0), program.toAbsolutePath().toString()));
      argv.addAll(command.subList(1, command.size()));
      Process workload;
      try {
        workload = new ProcessBuilder(argv).inheritIO().start();
      } catch (IOException e) {
        throw new TraceException(TraceException.Kind.FAILED, "cannot start the workload: " + e.getMessage(), e);
      }
      int root = (int) workload.pid();
      BpfOutput output = new BpfOutput(recorder, resolver, syscallNames, Arch.current());
      output.follow(root);
      output.setCwd(root, Path.of("").toAbsolutePath().toString());
      cgroup = WorkloadCgroup.create();
      // The root joins the workload's cgroup once it has exec'd the command; its children are
      // born inside. Until then (and for any process that leaves) the @g map tracks it.
      cgroup.ifPresent(c -> output.onRootStarted(c::add));
      Tracer tracer;
      try {
        tracer = start(dir, BpfScript.text(new BpfScript.Plan(root, List.of(), Files.exists(BTF),
            cgroup.map(WorkloadCgroup::id).orElse(0L), BpfScript.numbers(syscallNames))), output);
      } catch (TraceException e) {
        workload.destroyForcibly();
        throw e;
      }
      release(fifo, workload, tracer);
      AtomicBoolean stop = new AtomicBoolean();
      Optional<String> cut;
      int exit;
      // Signals go to the workload, as with strace; once its root is gone, a signal ends tracing.
      try (SignalRelay relay = SignalRelay.install((signal, fromTerminal, count) -> {
        if (workload.isAlive()) {
          SignalRelay.forward(root, signal, fromTerminal, count);
        } else {
          stop.set(true);
        }
      })) {
        exit = waitUninterruptibly(workload);
        // Children the workload left running are still its own: follow them until they exit too,
        // as strace -f does, unless tailor is told to stop.
        while (!output.allExited() && !stop.get()) {
          sleep(50);
        }
        cut = relay.cutShort("passed the signal on to the workload");
      }
      tracer.stop(output);
      cut.ifPresent(recorder::warn);
      if (!output.rootStarted()) {
        throw new TraceException(exit == 126 || exit == 127 ? TraceException.Kind.CANNOT_RUN : TraceException.Kind.FAILED,
            "the workload did not start (exit " + exit + ")");
      }
      output.finish();
      return exit;
    } finally {
      cgroup.ifPresent(WorkloadCgroup::close);
      deleteTree(dir);
    }
  }

  @Override
  public void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder) throws TraceException {
    BpfOutput output = new BpfOutput(recorder, resolver, syscallNames, Arch.current());
    for (int pid : pids) {
      if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
        throw new TraceException(TraceException.Kind.FAILED, "no such process: " + pid);
      }
      recorder.addTarget(ProcTargets.describe(pid));
      output.follow(pid);
      ProcTargets.cwd(pid).ifPresent(cwd -> {
        output.setCwd(pid, cwd);
        recorder.setCwd(pid, cwd);
      });
    }
    Path dir = privateDir();
    try {
      Tracer tracer = start(dir, BpfScript.text(new BpfScript.Plan(0, pids, Files.exists(BTF), 0,
          BpfScript.numbers(syscallNames))), output);
      AtomicBoolean stop = new AtomicBoolean();
      Optional<String> cut;
      // bpftrace runs in a session of its own: any signal to tailor, Ctrl-C included, ends tracing.
      try (SignalRelay relay = SignalRelay.install((signal, fromTerminal, count) -> stop.set(true))) {
        long deadline = duration.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        while (!stop.get() && System.nanoTime() < deadline && !output.allExited() && tracer.alive()) {
          sleep(50);
        }
        cut = relay.cutShort("stopped tracing");
      }
      tracer.stop(output);
      cut.ifPresent(recorder::warn);
      output.finish();
    } finally {
      deleteTree(dir);
    }
  }

  /** A running bpftrace and the threads reading its output. */
  private final class Tracer {
    final Process process;
    final Thread out;
    final Thread err;
    final List<String> errors;

    Tracer(Process process, Thread out, Thread err, List<String> errors) {
      this.process = process;
      this.out = out;
      this.err = err;
      this.errors = errors;
    }

    boolean alive() {
      return process.isAlive();
    }

    /**
     * Ends tracing without losing what bpftrace still holds. Not with SIGINT: bpftrace 0.17 then
     * detaches every probe (~80 ms each here) before its END probe runs, and a SIGINT that lands
     * while it reads a batch of events makes it drop the rest of that batch (its finalize path)
     * or, outside its poll, goes unnoticed until the next event. Instead SIGUSR1 makes it print
     * every map with the probes still attached; the counts come from that dump, and the dump's
     * event counter says how many event lines to wait for. Then bpftrace is killed: the kernel
     * detaches its probes after tailor has moved on.
     */
    void stop(BpfOutput output) throws TraceException {
      try {
        if (process.isAlive()) {
          LibC.INSTANCE.kill((int) process.pid(), SIGUSR1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output.countsSeen() && process.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        // Event lines printed before the dump may still be in a per-CPU buffer: read until all are in.
        long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (output.countsSeen() && !output.drained() && process.isAlive() && System.nanoTime() < drain) {
          Thread.sleep(5);
        }
        output.close();
        if (process.isAlive()) {
          LibC.INSTANCE.kill((int) process.pid(), SIGKILL);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      if (!output.countsSeen()) {
        try {
          err.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new TraceException(TraceException.Kind.FAILED,
            "bpftrace ended without reporting its syscall counts: " + firstError(String.join("\n", errors)));
      }
    }
  }

  private Tracer start(Path dir, String script, BpfOutput output) throws TraceException {
    Path file = dir.resolve("tailor.bt");
    try {
      Files.writeString(file, script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TraceException(TraceException.Kind.FAILED, "cannot write the bpftrace script: " + e.getMessage(), e);
    }
    List<String> argv = new ArrayList<>();
    // Dies with tailor (PR_SET_PDEATHSIG, kept across the execs; setsid does not fork here, as
    // this child leads no process group), even when tailor is SIGKILLed.
    Commands.onPath("setpriv").ifPresent(s -> argv.addAll(List.of(s.toString(), "--pdeathsig", "KILL", "--")));
    // Its own session: a Ctrl-C on the terminal reaches the workload, not the tracer counting it.
    Commands.onPath("setsid").ifPresent(s -> argv.add(s.toString()));
    argv.addAll(List.of(bpftrace.toString(), "-B", "line", file.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().put("BPFTRACE_STRLEN", Integer.toString(BpfScript.MAX_STRING));
    pb.environment().put("BPFTRACE_MAP_KEYS_MAX", "65536");
    pb.environment().put("BPFTRACE_PERF_RB_PAGES", "256");
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process;
    try {
      process = pb.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new TraceException(TraceException.Kind.FAILED, "cannot start bpftrace: " + e.getMessage(), e);
    }
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread out = reader(process.getInputStream(), output::line, "tailor-bpf-out");
    Thread err = reader(process.getErrorStream(), line -> {
      if (line.startsWith("Lost ")) {
        output.line(line);
      } else if (errors.size() < 50) {
        errors.add(line);
      }
    }, "tailor-bpf-err");
    Tracer tracer = new Tracer(process, out, err, errors);
    try {
      // Compiling and attaching takes a second or more; the workload waits until then.
      while (!output.ready.await(50, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive()) {
          err.join(2000);
          throw new TraceException(TraceException.Kind.FAILED, "bpftrace failed to start: " + firstError(String.join("\n", errors)));
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TraceException(TraceException.Kind.FAILED, "interrupted while bpftrace started");
    }
    QuietTracepoints.in(process.pid());
    return tracer;
  }

  private static Thread reader(InputStream in, java.util.function.Consumer<String> sink, String name) {
    Thread t = new Thread(() -> {
      // ISO-8859-1: one char per byte, nothing a path could contain is lost (paths come hex-escaped anyway).
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16)) {
        String line;
        while ((line = r.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // bpftrace gone
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Writes "go" to the wrapper's FIFO; a wrapper that died meanwhile must not block tailor. */
  private static void release(Path fifo, Process workload, Tracer tracer) throws TraceException {
    AtomicBoolean written = new AtomicBoolean();
    Thread t = new Thread(() -> {
      try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
        out.write("go\n".getBytes(StandardCharsets.US_ASCII));
        written.set(true);
      } catch (IOException e) {
        // reported below
      }
    }, "tailor-bpf-release");
    t.setDaemon(true);
    t.start();
    try {
      while (t.isAlive() && workload.isAlive()) {
        t.join(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!written.get() && !workload.isAlive()) {
      tracer.process.destroyForcibly();
      throw new TraceException(TraceException.Kind.FAILED, "the workload wrapper exited before it was started (exit " + workload.exitValue() + ")");
    }
  }

  /** Mounts tracefs where bpftrace looks for it when it is missing (fresh VMs often lack it). */
  static void ensureTracefs() throws TraceException {
    for (Path root : TRACEFS) {
      if (Files.isDirectory(root.resolve("events/raw_syscalls"))) {
        return;
      }
    }
    Path target = TRACEFS.get(0);
    String message;
    try {
      message = ToolInvocation.run(List.of("mount", "-t", "tracefs", "nodev", target.toString()), Duration.ofSeconds(30))
          .output().trim();
    } catch (IOException e) {
      message = e.getMessage();
    }
    if (!Files.isDirectory(target.resolve("events/raw_syscalls"))) {
      throw new TraceException(TraceException.Kind.FAILED, "tracefs is not mounted and mounting it at " + target + " failed"
          + (message.isEmpty() ? "" : " (" + message.lines().findFirst().orElse("") + ")")
          + ": mount it (mount -t tracefs nodev " + target + ") or use --backend strace");
    }
  }

  private static String firstError(String text) {
    return text.lines().filter(l -> l.contains("ERROR") || l.contains("rror:"))
        .filter(l -> !l.contains("RLIMIT_MEMLOCK")).findFirst()
        .or(() -> text.lines().filter(l -> !l.isBlank() && !l.contains("RLIMIT_MEMLOCK")).findFirst())
        .orElse("no message").trim();
  }

  private static Path privateDir() throws TraceException {
    try {
      return Files.createTempDirectory("tailor-bpf-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new TraceException(TraceException.Kind.FAILED, "cannot create a temporary folder: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  private static int waitUninterruptibly(Process p) {
    while (true) {
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        // the trace must end before profiles are written
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      // polled again by the caller
    }
  }
}
