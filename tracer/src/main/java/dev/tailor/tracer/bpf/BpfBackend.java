package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.backend.Backend;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.ProcTargets;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.backend.TraceException;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Traces in the kernel with tailor's own BPF programs ({@link BpfPrograms}): every syscall of the
 * process tree is counted with its errno and argument values at its exit, and the calls that name
 * files or sockets are reported with their paths as the kernel resolved them at the call; no ptrace
 * stop, no compiler (the programs are assembled here and loaded in milliseconds). The workload
 * starts under a tiny bash wrapper ({@link WorkloadWrapper}) that waits on a FIFO until the
 * programs are attached, then execs the command itself; following begins inside that exec, so
 * nothing is missed and nothing of the wrapper is counted. Needs root and a kernel with BTF (typed
 * tracepoints).
 */
public final class BpfBackend implements Backend {
  private final IntFunction<Optional<String>> syscallNames;
  private final KernelLayout layout;

  /** The bash the workload wrapper runs in, found on PATH by {@link #locate}. */
  private final Path bash;

  /** The rows the programs and the reader share, built once for this kernel's layout. */
  private final Map<String, TracedCalls.Spec> specs;

  private final int exitNr;
  private final int exitGroupNr;
  private final int sigreturnNr;
  private final FlushedPathResolver resolver = new FlushedPathResolver();

  private BpfBackend(
      IntFunction<Optional<String>> syscallNames,
      KernelLayout layout,
      Path bash,
      int exitNr,
      int exitGroupNr,
      int sigreturnNr) {
    this.syscallNames = syscallNames;
    this.layout = layout;
    this.bash = bash;
    this.specs = TracedCalls.specs(layout.statMode());
    this.exitNr = exitNr;
    this.exitGroupNr = exitGroupNr;
    this.sigreturnNr = sigreturnNr;
  }

  /**
   * The backend for this machine, after checking that it can run here: root, and a kernel that
   * describes itself with BTF.
   *
   * @param names names of this architecture's syscall numbers (libseccomp's table)
   */
  public static BpfBackend locate(IntFunction<Optional<String>> names) throws TraceException {
    // The names of the numbers the programs count, asked once: the reader names the syscall of
    // every event it reads.
    List<Optional<String>> byNumber =
        IntStream.range(0, KernelProbes.SYSCALLS).mapToObj(names::apply).toList();
    IntFunction<Optional<String>> syscallNames =
        n -> n >= 0 && n < byNumber.size() ? byNumber.get(n) : Optional.empty();
    if (LibC.INSTANCE.geteuid() != 0) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "the bpf backend needs root (it loads BPF programs into the kernel); run as root or use --backend strace");
    }
    Path bash =
        Commands.onPath("bash")
            .orElseThrow(
                () ->
                    new TraceException(
                        TraceException.Kind.FAILED,
                        "bash is needed to start the workload under the bpf backend (it waits until tracing is on); install bash"));
    if (!Files.isReadable(Btf.VMLINUX)) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "this kernel has no BTF ("
              + Btf.VMLINUX
              + " is missing; CONFIG_DEBUG_INFO_BTF), which tailor's BPF programs need; use --backend strace");
    }
    KernelLayout layout;
    try {
      layout = KernelLayout.of(Btf.load(), Arch.current());
    } catch (IOException | RuntimeException e) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "cannot read this kernel's BTF: " + e.getMessage() + "; use --backend strace",
          e);
    }
    int exit = byNumber.indexOf(Optional.of("exit"));
    int exitGroup = byNumber.indexOf(Optional.of("exit_group"));
    int sigreturn = byNumber.indexOf(Optional.of("rt_sigreturn"));
    if (exit < 0 || exitGroup < 0 || sigreturn < 0) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "the syscall table has no exit, exit_group or rt_sigreturn; use --backend strace");
    }
    return new BpfBackend(syscallNames, layout, bash, exit, exitGroup, sigreturn);
  }

  /**
   * Why the bpf backend cannot run here, or empty when it can: checks as {@link #locate} does, then
   * loads and attaches the programs and detaches them (a tenth of a second or so).
   */
  public static Optional<String> unavailable() {
    try {
      dev.tailor.tracer.seccomp.SyscallTable table =
          dev.tailor.tracer.seccomp.SyscallTable.forNativeArch();
      BpfBackend b = locate(table::nameOf);
      b.attachProbes(0, 0, List.of()).close();
      return Optional.empty();
    } catch (TraceException e) {
      return Optional.of(e.getMessage());
    } catch (dev.tailor.tracer.seccomp.SeccompException e) {
      return Optional.of("libseccomp's syscall table is not available: " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      return Optional.of("cannot use BPF here: " + e.getMessage());
    }
  }

  /**
   * Loads and attaches the programs for a workload in cgroup {@code cgroup} (0: none) whose root
   * {@code root} is followed from its first exec (0: none), and for the thread groups {@code
   * track}.
   */
  private KernelProbes attachProbes(long cgroup, int root, List<Integer> track)
      throws TraceException {
    BpfPrograms.Plan plan =
        new BpfPrograms.Plan(
            cgroup, root, exitNr, exitGroupNr, sigreturnNr, TracedCalls.usedArgMask(specs));
    try {
      return KernelProbes.attach(layout, plan, syscallNames, specs, track);
    } catch (IOException e) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "cannot load tailor's BPF programs: "
              + e.getMessage()
              + (e.getMessage().contains("EPERM")
                  ? " (a container without CAP_BPF and CAP_PERFMON, or locked down?)"
                  : "")
              + "; use --backend strace",
          e);
    }
  }

  @Override
  public String name() {
    return "bpf";
  }

  /** Cached, and emptied whenever the workload changes names: see {@link FlushedPathResolver}. */
  @Override
  public FlushedPathResolver pathResolver() {
    return resolver;
  }

  @Override
  public int run(List<String> command, Recorder recorder) throws TraceException {
    if (command.isEmpty()) {
      throw new TraceException(TraceException.Kind.NOT_FOUND, "no command given");
    }
    Path program = Commands.resolve(command.get(0));
    Path fifo = Commands.privateFifo("tailor-bpf-", "go.fifo");
    Optional<WorkloadCgroup> cgroup = Optional.empty();
    RingReader reader = null;
    try {
      List<String> argv = WorkloadWrapper.argv(bash, fifo, command, program);
      BpfOutput output = new BpfOutput(recorder, syscallNames, specs, Arch.current(), resolver);
      AtomicReference<Process> started = new AtomicReference<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean over = new AtomicBoolean();
      int exit;
      Optional<String> cut;
      // The relay is in force before the workload starts, so no signal reaches the JVM's default
      // handler (which would end tailor and leave the workload running). A signal that comes
      // before the command runs (the wrapper waits until tracing is on) is passed on once it does;
      // once the workload's root is gone, a signal ends tracing.
      try (SignalRelay relay =
          SignalRelay.install(
              (signal, fromTerminal, count) -> {
                SignalRelay.awaitUntil(
                    () ->
                        over.get()
                            || output.rootStarted()
                            || (started.get() != null && !started.get().isAlive()));
                Process workload = started.get();
                if (workload != null && workload.isAlive() && output.rootStarted()) {
                  SignalRelay.forward((int) workload.pid(), signal, fromTerminal, count);
                } else {
                  stop.set(true);
                  SignalRelay.told(signal, "came after the workload ended: tracing stops");
                }
              })) {
        Process workload = Commands.start(argv, "the workload");
        started.set(workload);
        int root = (int) workload.pid();
        WorkloadWrapper.awaitWrapper(root, workload, bash);
        output.follow(root);
        recorder.setCwd(root, Path.of("").toAbsolutePath().toString());
        // The wrapper waits to exec the command, with the ids the command starts with.
        dev.tailor.tracer.record.TaskIds.ofProcess(root)
            .ifPresent(ids -> recorder.attachedWith(root, ids));
        cgroup = WorkloadCgroup.create();
        // The root joins the workload's cgroup once it has exec'd the command; its children are
        // born inside. Until then (and for any process that leaves) the tracked map follows it.
        cgroup.ifPresent(c -> output.onRootStarted(c::add));
        try {
          long cgroupId = cgroup.map(WorkloadCgroup::id).orElse(0L);
          reader = new RingReader(attachProbes(cgroupId, root, List.of()), output);
        } catch (TraceException e) {
          workload.destroyForcibly();
          throw e;
        }
        WorkloadWrapper.release(fifo, workload);
        exit = Commands.waitUninterruptibly(workload);
        // Children the workload left running are still its own: follow them until they exit too,
        // as strace -f does, unless tailor is told to stop.
        while (!output.allExited() && !stop.get()) {
          sleep(20);
        }
        cut = relay.cutShort("passed the signal on to the workload");
      } finally {
        over.set(true);
        if (reader != null) {
          reader.stop();
        }
      }
      cut.ifPresent(recorder::warn);
      if (!output.rootStarted()) {
        throw new TraceException(
            exit == 126 || exit == 127
                ? TraceException.Kind.CANNOT_RUN
                : TraceException.Kind.FAILED,
            "the workload did not start (exit " + exit + ")");
      }
      reader.finish();
      return exit;
    } finally {
      cgroup.ifPresent(WorkloadCgroup::close);
      dev.tailor.tracer.FileTrees.deleteQuietly(fifo.getParent());
    }
  }

  @Override
  public void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder)
      throws TraceException {
    BpfOutput output = new BpfOutput(recorder, syscallNames, specs, Arch.current(), resolver);
    for (int pid : pids) {
      ProcTargets.attachTo(pid, recorder);
      output.follow(pid);
    }
    RingReader reader = new RingReader(attachProbes(0, 0, pids), output);
    Optional<String> cut;
    try {
      AtomicBoolean stop = new AtomicBoolean();
      // Any signal to tailor, Ctrl-C included, ends tracing; the targets run on.
      try (SignalRelay relay =
          SignalRelay.install(
              (signal, fromTerminal, count) -> {
                stop.set(true);
                SignalRelay.told(signal, "stops tracing: the targets run on");
              })) {
        long deadline = duration.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        while (!stop.get() && System.nanoTime() < deadline && !output.allExited()) {
          sleep(20);
        }
        cut = relay.cutShort("stopped tracing");
      }
    } finally {
      reader.stop();
    }
    cut.ifPresent(recorder::warn);
    reader.finish();
  }

  /** Sleeps for a poll; an interrupt only ends the sleep, the caller polls again. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      // polled again by the caller
    }
  }
}
