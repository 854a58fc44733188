package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Errnos;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.event.CallMemo;
import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.record.Recorder;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Feeds what the kernel reported into a {@link Recorder}: each call that names files or sockets as
 * the typed call it was ({@link KernelDecoder}), forks, execs with the new program's argv, and
 * exits; then the counts, errnos and argument values from the kernel's maps. The recorder counts
 * nothing itself ({@link Recorder#countCallsElsewhere}), so nothing is counted twice; both
 * backends' calls go through the same interpreter.
 */
final class BpfOutput implements RingBuffer.Sink {
  /** strace -s 64: the longest argv item kept, as strace shortens it. */
  private static final int ARGV_ITEM = 64;

  private final Recorder recorder;
  private final FlushedPathResolver resolver;
  private final IntFunction<Optional<String>> syscallNames;
  private final KernelDecoder decoder;

  /** The row of each call number below {@link KernelProbes#SYSCALLS}, or null. */
  private final TracedCalls.Spec[] specByNumber = new TracedCalls.Spec[KernelProbes.SYSCALLS];

  private final Set<Integer> live = new HashSet<>();

  /** Calls read so far and how to replay them; emptied when full (a replay is an optimisation). */
  private final Map<Call, CallMemo> memos = new HashMap<>();

  private static final int MEMOS = 1 << 16;
  private final Set<String> unnamed = new TreeSet<>();
  private final Writer debug;
  private IntConsumer onRootStarted = pid -> {};
  private volatile boolean rootStarted;
  private boolean closed;
  private long line;
  private long unreadable;
  private long cut;
  private long unresolved;
  private long broken;

  BpfOutput(
      Recorder recorder,
      IntFunction<Optional<String>> syscallNames,
      Map<String, TracedCalls.Spec> specs,
      String arch,
      FlushedPathResolver resolver) {
    this.resolver = resolver;
    this.recorder = recorder;
    this.syscallNames = syscallNames;
    this.decoder = new KernelDecoder(arch);
    for (int nr = 0; nr < specByNumber.length; nr++) {
      specByNumber[nr] = syscallNames.apply(nr).map(specs::get).orElse(null);
    }
    this.debug = debugWriter();
    recorder.countCallsElsewhere();
    recorder.setSource("bpf");
  }

  /**
   * TAILOR_BPF_DEBUG=FILE keeps the calls the kernel reported, as the typed calls the recorder
   * read.
   */
  private static Writer debugWriter() {
    String file = System.getenv("TAILOR_BPF_DEBUG");
    if (file == null || file.isEmpty()) {
      return null;
    }
    try {
      return Files.newBufferedWriter(Path.of(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return null;
    }
  }

  /** Marks a process as followed (the workload's root, an attached target). */
  synchronized void follow(int pid) {
    live.add(pid);
    recorder.recordProcess(pid);
  }

  /** Whether every followed process and thread has exited. */
  synchronized boolean allExited() {
    // Exits whose records were lost (a full ring) must not keep tailor waiting.
    live.removeIf(pid -> !Files.exists(Path.of("/proc", Integer.toString(pid))));
    return live.isEmpty();
  }

  /** Called with the workload's first process once it has become the workload (its exec). */
  void onRootStarted(IntConsumer action) {
    this.onRootStarted = action;
  }

  boolean rootStarted() {
    return rootStarted;
  }

  /** Stops recording: later records (of a process still running, in attach mode) are dropped. */
  synchronized void close() {
    closed = true;
  }

  @Override
  public synchronized void record(ByteBuffer data, int offset, int length) {
    if (closed) {
      return;
    }
    KernelEvent e;
    try {
      e = KernelEvent.read(data, offset, length);
    } catch (RuntimeException ex) {
      broken++;
      return;
    }
    switch (e.kind()) {
      case BpfPrograms.CALL -> call(e);
      case BpfPrograms.EXEC -> exec(e);
      case BpfPrograms.FORK -> {
        int child = (int) e.args()[0];
        live.add(child);
        feed(e.tid(), new Call("clone", "", List.of(new Effect.Fork(child))));
      }
      case BpfPrograms.EXIT -> {
        live.remove(e.tid());
        int status = (int) e.args()[0];
        int signal = status & 0x7f;
        exit(
            signal == 0
                ? new ExitEvent(e.tid(), (status >> 8) & 0xff, "", 0)
                : new ExitEvent(
                    e.tid(), -1, SyscallModel.SIGNALS.name(signal).orElse("SIG" + signal), 0));
      }
      default -> broken++;
    }
  }

  private void call(KernelEvent e) {
    // The programs report no number past the table (syscallNames names none there either).
    TracedCalls.Spec spec =
        e.nr() >= 0 && e.nr() < specByNumber.length ? specByNumber[e.nr()] : null;
    if (spec == null) {
      return;
    }
    for (int part = 0; part < 2; part++) {
      if (e.status()[part] == BpfPrograms.PART_FAILED) {
        unreadable++;
      } else if (e.cut(part)) {
        cut++;
      }
    }
    for (int part = 2; part < 4; part++) {
      if (e.status()[part] == BpfPrograms.PART_FAILED) {
        unresolved++;
      }
    }
    repeatable(e.tid(), decoder.call(e, spec.name(), spec));
    if (e.ret() >= 0 && changesNames(spec)) {
      // Later names may resolve otherwise now: the cache of resolved folders starts over, and so
      // do the replays, which hold resolved paths.
      resolver.flush();
      memos.clear();
    }
  }

  /**
   * Whether a call that worked may have changed how names resolve: it removed, renamed or made a
   * name, or mounted.
   */
  private static boolean changesNames(TracedCalls.Spec spec) {
    if (spec.row().isEmpty()) {
      return MOUNTS.contains(spec.name());
    }
    PathSyscall row = spec.row().get();
    return NAMING.contains(row.access())
        || (row.second() != null && NAMING.contains(row.second().access()));
  }

  private static final Set<String> MOUNTS = Set.of("mount", "umount2", "move_mount", "pivot_root");

  /** The accesses that remove, rename or make a name. */
  private static final Set<Access> NAMING =
      EnumSet.of(Access.DELETE, Access.RENAME, Access.CREATE, Access.LINK, Access.MKDIR);

  /**
   * A successful exec, on the thread group's leader as strace reports it: a thread other than the
   * leader that exec'd takes the leader's id and its own ends ("superseded by execve").
   */
  private void exec(KernelEvent e) {
    int pid = e.tgid();
    if (e.ret() == 1) {
      rootStarted = true;
      onRootStarted.accept(pid);
    }
    if (e.nr() != pid && e.nr() > 0) {
      live.remove(e.nr());
      live.add(pid);
      exit(new ExitEvent(e.nr(), -1, "", pid));
    }
    Optional<String> given = e.string(0);
    if (given.isEmpty()) {
      unreadable++;
      return;
    }
    // execveat on an fd (/dev/fd/N): the file the kernel runs
    String path =
        given.get().startsWith("/dev/fd/") && e.path(3).isPresent()
            ? e.path(3).get()
            : e.under(2, given.get());
    PathArg program = new PathArg(path, PathArg.Base.CWD, "", true);
    feed(pid, new Call("execve", "", List.of(new Effect.Exec(program, argv(e), "", true))));
  }

  /**
   * argv in {@link dev.tailor.tracer.PathText} form, as strace -s 64 shortens it: items cut at 64
   * bytes end in {@code ...}, and a last {@code ...} says the kernel's copy was cut.
   */
  private static List<String> argv(KernelEvent e) {
    byte[] raw = e.parts()[1];
    List<String> items = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= raw.length; i++) {
      if (i == raw.length || raw[i] == 0) {
        if (i > start || i < raw.length) {
          String item =
              new String(
                  raw, start, Math.min(i, start + ARGV_ITEM) - start, StandardCharsets.ISO_8859_1);
          items.add(PathText.escape(item) + (i - start > ARGV_ITEM ? "..." : ""));
        }
        start = i + 1;
      }
    }
    if (Integer.toUnsignedLong(e.peek()) > raw.length) {
      items.add("...");
    }
    return items;
  }

  /**
   * Feeds a call, or replays it when the same call (pid aside) was read before and its effect did
   * not depend on the process's state: most of a busy workload's calls repeat (a compiler resolves
   * the same folders for every header), and a replay only adds the same accesses again.
   */
  private void repeatable(int pid, Call call) {
    debug(pid, call);
    CallMemo memo = memos.get(call);
    if (memo != null && memo.learned()) {
      recorder.accept(new RepeatedCall(pid, memo, ++line));
      return;
    }
    if (memo == null) {
      if (memos.size() >= MEMOS) {
        memos.clear();
      }
      memo = new CallMemo();
      memos.put(call, memo);
    }
    recorder.call(pid, call, Optional.of(memo));
  }

  private void feed(int pid, Call call) {
    debug(pid, call);
    recorder.call(pid, call, Optional.empty());
  }

  private void exit(ExitEvent x) {
    debug(
        x.pid(),
        "+++ "
            + (x.supersededBy() > 0
                ? "superseded by execve in pid " + x.supersededBy()
                : x.signal().isEmpty() ? "exited with " + x.code() : "killed by " + x.signal())
            + " +++");
    recorder.accept(x);
  }

  /** Writes what thread {@code pid} did to the TAILOR_BPF_DEBUG file, when there is one. */
  private void debug(int pid, Object what) {
    if (debug != null) {
      try {
        debug.write(pid + " " + what + "\n");
      } catch (IOException ex) {
        // debug only
      }
    }
  }

  /** Adds the kernel's counts, errnos and argument values, and what this trace could not see. */
  synchronized void finish(KernelProbes probes) {
    probes.counts().forEach((nr, n) -> recorder.addSyscallCount(name(nr), n));
    probes
        .errors()
        .forEach(
            (key, n) -> recorder.addSyscallErrors(name(key.get(0)), Errnos.name(key.get(1)), n));
    for (long[] a : probes.arguments()) {
      recorder.recordArgument(name((int) a[0]), (int) a[1], a[2], a[3]);
    }
    recorder.warn(
        "traced in the kernel (bpf): every call is counted with its errors and argument values; files, "
            + "execs and sockets come from the calls that name them, with paths resolved by the kernel at the call; reads "
            + "and writes through file descriptors are not followed, so files used only through descriptors the workload "
            + "inherited or received, and the peers of sendto and sendmsg, are not seen (--backend strace sees them)");
    long lost = probes.lost();
    if (lost > 0) {
      recorder.warnIncomplete(
          "the kernel dropped "
              + lost
              + " events (file, exec and socket calls) because tailor did not read "
              + "them fast enough: the file and socket lists may be incomplete, so may the AppArmor draft (learn "
              + "with --backend strace to see them all); the syscall counts, and so seccomp.json, are complete");
    }
    if (cut > 0) {
      recorder.warn(cut + " path arguments were PATH_MAX (4096) bytes or longer and are left out");
    }
    if (unreadable > 0) {
      recorder.warn(
          unreadable
              + " path arguments could not be read from the workload's memory and are left out");
    }
    if (unresolved > 0) {
      recorder.warn(
          unresolved
              + " directories and fds could not be resolved to a path in the kernel (deeper than "
              + "128 levels or longer than 4096 bytes); names relative to them are left out, and files opened through "
              + "them are named as the call named them, resolved on this machine");
    }
    if (broken > 0) {
      recorder.warnIncomplete(
          broken + " records from the kernel could not be read and are left out");
    }
    if (!unnamed.isEmpty()) {
      recorder.warn("syscall numbers unknown to libseccomp: " + String.join(", ", unnamed));
    }
    if (debug != null) {
      try {
        debug.close();
      } catch (IOException e) {
        // debug only
      }
    }
  }

  private String name(int number) {
    Optional<String> n = syscallNames.apply(number);
    if (n.isPresent()) {
      return n.get();
    }
    String raw = "syscall_0x" + Integer.toHexString(number);
    unnamed.add(raw);
    return raw;
  }
}
