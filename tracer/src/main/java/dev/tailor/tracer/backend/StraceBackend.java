package dev.tailor.tracer.backend;

import dev.tailor.tracer.FileTrees;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.EventPipe;
import dev.tailor.tracer.event.SignalEvent;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.record.TaskIds;
import dev.tailor.tracer.runtime.RuntimeInitGate;
import dev.tailor.tracer.strace.TraceParser;
import dev.tailor.tracer.sys.LibC;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Traces with {@code strace -f -yy -q} writing to a FIFO that tailor parses while the workload
 * runs, so the trace never mixes with the workload's own output and never fills a disk. The
 * workload inherits tailor's stdin, stdout and stderr untouched (a terminal stays a terminal); that
 * is why this uses {@link ProcessBuilder#inheritIO()} rather than commons-exec, whose executor can
 * only pump streams through threads.
 */
public final class StraceBackend implements Backend {

  private final Path strace;

  private StraceBackend(Path strace) {
    this.strace = strace;
  }

  /** The strace on PATH. */
  public static StraceBackend locate() throws TraceException {
    Optional<Path> p = Commands.onPath("strace");
    if (p.isEmpty()) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "strace is not installed: install it (Debian/Ubuntu: apt-get install strace; Fedora: dnf install strace)");
    }
    return new StraceBackend(p.get());
  }

  @Override
  public String name() {
    return "strace";
  }

  /**
   * Makes strace add the tracer's own number to every id of another pid namespace (strace 5.9+): a
   * container's processes see their children as 2, 3, ... while the trace names them by host pid.
   */
  static final String PIDNS_TRANSLATION = "--pidns-translation";

  /** The strace options tailor uses, before {@code -o} and the target. */
  public static List<String> traceOptions() {
    // -f: every thread and child; -yy: resolved fd paths and socket details; -q: no attach
    // chatter but keeps "+++ exited"; -s 64: enough of argv for the report; -e raw=: the kernel's
    // numbers for the arguments a filter is learned from, where strace's names are not exact.
    return List.of(
        "-f", "-yy", "-q", "-s", "64", "-e", "raw=" + String.join(",", SyscallModel.STRACE_RAW));
  }

  /** strace with {@link #traceOptions}, to which the target is added. */
  private List<String> straceCommand() {
    List<String> argv = new ArrayList<>(traceOptions());
    argv.add(0, strace.toString());
    return argv;
  }

  @Override
  public int run(List<String> command, Recorder recorder) throws TraceException {
    return run(command, recorder, recorder, Recorder::detail);
  }

  /**
   * As {@link #run}, with every event passed through {@code through} (which hands on to the
   * recorder what it keeps) and parsed in the detail {@code detail} asks for.
   */
  public int run(
      List<String> command,
      Recorder recorder,
      Consumer<TraceEvent> through,
      Function<String, TraceParser.Detail> detail)
      throws TraceException {
    if (command.isEmpty()) {
      throw new TraceException(TraceException.Kind.NOT_FOUND, "no command given");
    }
    Commands.resolve(command.get(0));
    List<String> argv = straceCommand();
    if (through != recorder) {
      // A gated trace follows a container runtime into the container's pid namespace.
      argv.add(PIDNS_TRANSLATION);
    } else {
      // strace runs the command with tailor's own ids (setpriv --pdeathsig changes none).
      TaskIds.ofProcess((int) ProcessHandle.current().pid()).ifPresent(recorder::startedWith);
    }
    return trace(argv, command, recorder, through, detail, Optional.empty(), false);
  }

  /**
   * Attaches to a container runtime's init process {@code pid} (every thread) while it waits to
   * finish the container's set-up, and follows it and every child until all have exited. Events
   * pass through {@code gate}, which keeps the runtime's calls apart and hands the workload's on to
   * {@code recorder}. Returns once the whole process tree has exited.
   */
  public void attachInit(int pid, Recorder recorder, RuntimeInitGate gate) throws TraceException {
    if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
      throw new TraceException(TraceException.Kind.FAILED, "no such process: " + pid);
    }
    List<String> argv = straceCommand();
    argv.addAll(List.of(PIDNS_TRANSLATION, "-p", Integer.toString(pid)));
    int code =
        trace(argv, List.of(), recorder, gate, RuntimeInitGate::detail, Optional.empty(), true);
    if (code != 0 && gate.events() == 0) {
      throw new TraceException(TraceException.Kind.FAILED, AttachRefusal.explain(List.of(pid)));
    }
  }

  @Override
  public void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder)
      throws TraceException {
    List<String> argv = straceCommand();
    for (int pid : pids) {
      ProcTargets.attachTo(pid, recorder);
      argv.addAll(List.of("-p", Integer.toString(pid)));
    }
    int code = trace(argv, List.of(), recorder, recorder, Recorder::detail, duration, true);
    // strace exits 1 when it cannot seize a target, and 128+SIGINT when tailor stopped it
    // (--duration, Ctrl-C): an idle target that made no call in that time was still attached.
    if (code != 0 && code != 128 + SignalRelay.SIGINT && recorder.progress().calls() == 0) {
      throw new TraceException(TraceException.Kind.FAILED, AttachRefusal.explain(pids));
    }
  }

  private int trace(
      List<String> straceArgs,
      List<String> command,
      Recorder recorder,
      Consumer<TraceEvent> downstream,
      Function<String, TraceParser.Detail> detail,
      Optional<Duration> duration,
      boolean attaching)
      throws TraceException {
    Path fifo = Commands.privateFifo("tailor-", "trace.fifo");
    Path dir = fifo.getParent();
    try {
      String guarded = realDir(dir);
      List<String> argv = new ArrayList<>(diesWithTailor());
      // As the bpf backend does: without a terminal (CI), strace and so the workload get a session
      // of their own, so that a signal to tailor's whole process group (a runner stopping its job)
      // reaches the workload once, passed on by tailor, and whether it got one directly is never a
      // guess from how soon the trace tells. With a terminal, Ctrl-C reaches it directly.
      Optional<Path> setsid = attaching ? Optional.empty() : Commands.setsidWithoutTerminal();
      setsid.ifPresent(p -> argv.add(p.toString()));
      boolean ownSession = setsid.isPresent();
      argv.addAll(straceArgs);
      argv.addAll(List.of("-o", fifo.toString()));
      if (!command.isEmpty()) {
        argv.add("--");
        argv.addAll(command);
      }
      // Parsing on the reader thread, recording on the pipe's: the FIFO drains at parsing speed.
      EventPipe pipe = new EventPipe(downstream);
      AtomicInteger rootPid = new AtomicInteger();
      AtomicReference<Throwable> readerError = new AtomicReference<>();
      AtomicReference<String> execFailure = new AtomicReference<>();
      Deliveries deliveries = new Deliveries();
      Consumer<TraceEvent> sink =
          event -> {
            if (event instanceof SignalEvent s && s.pid() == rootPid.get()) {
              deliveries.seen(s.signal());
            }
            if (rootPid.get() == 0 && event instanceof SyscallEvent s) {
              rootPid.set(event.pid());
              // strace's first traced call is the command's execve: when it fails the command
              // never ran.
              if (!attaching && s.name().equals("execve") && s.failed()) {
                execFailure.set(s.errno().orElse("") + " " + s.result());
              }
            }
            pipe.accept(event);
          };
      TraceParser parser = new TraceParser(sink, 0, detail);
      AtomicBoolean opened = new AtomicBoolean();
      Thread reader =
          new Thread(
              () -> {
                // The pipe closes last, whatever happened: the recorder gets every event parsed.
                try (pipe;
                    InputStream in = new FileInputStream(fifo.toFile())) {
                  opened.set(true);
                  // Both ends are open: the names are no longer needed, and a SIGKILLed tailor
                  // leaves no folder behind.
                  FileTrees.deleteQuietly(dir);
                  byte[] buf = new byte[1 << 16];
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    parser.feed(buf, 0, n);
                    if (in.available() == 0) {
                      // Nothing more ready: the recorder sees what came so far (the live
                      // counts), not only once a batch of 2,048 events is full.
                      pipe.flush();
                    }
                  }
                  parser.finish();
                } catch (Throwable t) {
                  readerError.set(t);
                }
              },
              "tailor-trace-reader");
      reader.setDaemon(true);
      reader.start();

      // The relay is in force before strace starts: a signal that comes before the workload is
      // known waits for it (or for strace's end), and none can reach the JVM's default handler,
      // which would end tailor and leave the workload running untraced.
      AtomicReference<Process> started = new AtomicReference<>();
      AtomicBoolean over = new AtomicBoolean();
      int code;
      Optional<String> cutShort;
      try (SignalRelay relay =
          SignalRelay.install(
              (signal, fromTerminal, count) -> {
                SignalRelay.awaitUntil(
                    () -> over.get() || (attaching ? started.get() != null : rootPid.get() != 0));
                if (over.get()) {
                  SignalRelay.told(signal, "came as tracing ended: nothing to pass it on to");
                  return;
                }
                long arrived = System.nanoTime();
                if (attaching) {
                  // SIGINT makes strace detach; Ctrl-C on the terminal already reached it.
                  if (!fromTerminal) {
                    LibC.INSTANCE.kill((int) started.get().pid(), SignalRelay.SIGINT);
                  }
                  SignalRelay.told(signal, "stops tracing: strace detaches, the targets run on");
                } else if (ownSession || fromTerminal || count >= 3) {
                  if (fromTerminal) {
                    deliveries.expect(Deliveries.name(signal));
                  }
                  SignalRelay.forward(rootPid.get(), signal, fromTerminal, count);
                } else if (!deliveries.reachedWorkload(Deliveries.name(signal), arrived)) {
                  SignalRelay.forward(rootPid.get(), signal, fromTerminal, count);
                } else {
                  SignalRelay.told(
                      signal,
                      "reached the workload directly too (it was sent to tailor's process group); not passed on again");
                }
              })) {
        Process process = Commands.start(argv, "strace");
        started.set(process);
        code = waitFor(process, duration);
        // Told to the recorder only now: it is fed from the trace's thread alone.
        cutShort =
            relay.cutShort(attaching ? "stopped tracing" : "passed the signal on to the workload");
      } finally {
        over.set(true);
      }
      if (!opened.get()) {
        unblock(fifo);
      }
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      cutShort.ifPresent(recorder::warn);
      if (readerError.get() != null) {
        throw new TraceException(
            TraceException.Kind.FAILED,
            "reading the trace failed: " + readerError.get(),
            readerError.get());
      }
      // Only tailor may use the FIFO's folder: a workload that touched it could have written
      // trace lines of its own.
      if (recorder.touched(guarded)) {
        throw new TraceException(
            TraceException.Kind.FAILED,
            "the workload accessed tailor's private trace folder "
                + dir
                + ": it could have written trace lines of its own, "
                + "so this trace cannot be trusted and no profile is written");
      }
      if (execFailure.get() != null) {
        String why = execFailure.get();
        boolean missing = why.startsWith("ENOENT");
        String text =
            why.contains("(") ? why.substring(why.indexOf('(') + 1, why.lastIndexOf(')')) : why;
        throw new TraceException(
            missing ? TraceException.Kind.NOT_FOUND : TraceException.Kind.CANNOT_RUN,
            command.get(0) + ": cannot run: " + text.toLowerCase(Locale.ROOT));
      }
      if (!attaching && rootPid.get() == 0) {
        throw new TraceException(
            TraceException.Kind.FAILED,
            "strace could not trace the command (strace exit "
                + code
                + "): ptrace is not permitted here? "
                + "Run as root or with CAP_SYS_PTRACE (in a container: --cap-add SYS_PTRACE), "
                + "and check kernel.yama.ptrace_scope");
      }
      return code;
    } finally {
      FileTrees.deleteQuietly(dir);
    }
  }

  /**
   * The prefix that makes strace die with tailor: {@code setpriv --pdeathsig KILL} (util-linux, in
   * every Debian and Ubuntu) sets PR_SET_PDEATHSIG, so even a SIGKILLed tailor takes its strace
   * along instead of leaving it writing "Broken pipe" to a FIFO nobody reads. The kernel then
   * detaches the workload, which runs on untraced, as with any tracer that goes away.
   */
  private static List<String> diesWithTailor() {
    return Commands.onPath("setpriv")
        .map(p -> List.of(p.toString(), "--pdeathsig", "KILL", "--"))
        .orElse(List.of());
  }

  private static int waitFor(Process process, Optional<Duration> duration) {
    if (duration.isPresent()) {
      long deadline = System.nanoTime() + duration.get().toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        try {
          process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          // keep waiting
        }
      }
      if (process.isAlive()) {
        // SIGINT makes strace detach cleanly; the targets keep running.
        LibC.INSTANCE.kill((int) process.pid(), SignalRelay.SIGINT);
      }
    }
    return Commands.waitUninterruptibly(process);
  }

  /** The folder as the kernel names it (symlinks resolved), one char per byte like trace paths. */
  private static String realDir(Path dir) {
    try {
      return dir.toRealPath().toString();
    } catch (IOException e) {
      return dir.toAbsolutePath().toString();
    }
  }

  /**
   * Opens the FIFO for writing so a reader stuck in open() sees end of file (strace died first).
   */
  private static void unblock(Path fifo) {
    Thread t =
        new Thread(
            () -> {
              try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.flush();
              } catch (IOException e) {
                // reader gone
              }
            },
            "tailor-fifo-unblock");
    t.setDaemon(true);
    t.start();
  }
}
