package dev.tailor.tracer.runtime;

import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.strace.TraceParser;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Splits the trace of a container's start at the two moments that matter for its profile: when the
 * runtime's init process loads the container's seccomp filter, and when it execs the container's
 * process. Before the filter nothing counts (no filter sees it); between the two, the init's calls
 * are the runtime's own and are kept apart, names only (AppArmor confines only from the exec on);
 * from the exec on, everything is the workload's and goes to the recorder.
 *
 * <p>Events must reach this on one thread, in trace order (behind an {@code EventPipe}).
 */
public final class RuntimeInitGate implements Consumer<TraceEvent> {
  /** Where the gate is in the container's start. */
  public enum Stage {
    /** The init has not loaded its filter yet. */
    BEFORE_FILTER,
    /** The filter is loaded; the init is finishing its set-up. */
    RUNTIME,
    /** The container's process has been exec'd. */
    WORKLOAD
  }

  private final Consumer<TraceEvent> workload;
  private final int initPid;
  private final Map<Integer, Integer> threadGroups = new HashMap<>();
  private final TreeMap<String, Long> runtimeCalls = new TreeMap<>();
  private Stage stage = Stage.BEFORE_FILTER;
  private int initGroup;
  private boolean filterSeen;
  private long events;

  private RuntimeInitGate(Consumer<TraceEvent> workload, int initPid) {
    this.workload = workload;
    this.initPid = initPid;
    this.initGroup = initPid;
  }

  /**
   * A gate for a trace attached to the init process {@code pid} (every thread of it) before it
   * loaded its filter, as the OCI prestart hook does.
   */
  public static RuntimeInitGate attachedTo(int pid, Consumer<TraceEvent> workload) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid " + pid);
    }
    return new RuntimeInitGate(workload, pid);
  }

  /**
   * A gate for a trace of the runtime from its own start ({@code strace -f runc run}): the init is
   * the process that loads a filter first.
   */
  public static RuntimeInitGate fromRuntimeStart(Consumer<TraceEvent> workload) {
    return new RuntimeInitGate(workload, 0);
  }

  /**
   * How much of each call the parser must keep: the recorder's needs, plus the arguments that show
   * a filter load ({@code prctl}) and a new thread ({@code clone}).
   */
  public static TraceParser.Detail detail(String syscall) {
    if (syscall.equals("prctl") || syscall.equals("seccomp") || syscall.startsWith("clone")) {
      return TraceParser.Detail.ALL;
    }
    return Recorder.detail(syscall);
  }

  @Override
  public void accept(TraceEvent event) {
    events++;
    if (stage == Stage.WORKLOAD) {
      workload.accept(event);
      return;
    }
    if (!(event instanceof SyscallEvent call)) {
      return;
    }
    noteClone(call);
    if (stage == Stage.BEFORE_FILTER) {
      if (loadsFilter(call)) {
        stage = Stage.RUNTIME;
        filterSeen = true;
        initGroup = groupOf(call.pid());
      } else if (initPid > 0 && isExec(call) && groupOf(call.pid()) == initGroup) {
        // No filter at all (seccomp=unconfined): the workload starts here, and no runtime call
        // was made under a filter.
        stage = Stage.WORKLOAD;
        workload.accept(event);
      }
      return;
    }
    if (groupOf(call.pid()) != initGroup) {
      return;
    }
    runtimeCalls.merge(call.name(), 1L, Long::sum);
    if (isExec(call)) {
      stage = Stage.WORKLOAD;
      workload.accept(event);
    }
  }

  /** Where the trace got to. */
  public Stage stage() {
    return stage;
  }

  /** Whether the init loaded a seccomp filter (false: the container ran unconfined by seccomp). */
  public boolean filterSeen() {
    return filterSeen;
  }

  /** How many events the gate was given, whichever stage kept them. */
  public long events() {
    return events;
  }

  /** The init's calls from its filter load to its exec of the container's process, with counts. */
  public SortedMap<String, Long> runtimeCalls() {
    return Collections.unmodifiableSortedMap(runtimeCalls);
  }

  private int groupOf(int tid) {
    Integer g = threadGroups.get(tid);
    if (g != null) {
      return g;
    }
    // Attached to the init: every thread strace found was one of its threads.
    return initPid > 0 ? initPid : tid;
  }

  private void noteClone(SyscallEvent call) {
    String n = call.name();
    if (!(n.equals("clone") || n.equals("clone3") || n.equals("fork") || n.equals("vfork"))) {
      return;
    }
    // The init and its threads live in the container's pid namespace: the trace's ids come from
    // strace's --pidns-translation comment.
    long child = call.childPid();
    if (child <= 0 || child > Integer.MAX_VALUE) {
      return;
    }
    boolean thread = n.startsWith("clone") && call.args().contains("CLONE_THREAD");
    threadGroups.put((int) child, thread ? groupOf(call.pid()) : (int) child);
  }

  /**
   * A successful seccomp(SECCOMP_SET_MODE_FILTER) or prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER).
   */
  static boolean loadsFilter(SyscallEvent call) {
    if (call.failed() || call.unreturned() || call.returnValue() < 0) {
      return false;
    }
    String a = call.args();
    if (call.name().equals("seccomp")) {
      // Runtimes probe flags with a NULL program first; those calls fail and are not loads.
      return a.startsWith("SECCOMP_SET_MODE_FILTER") && !a.endsWith("NULL");
    }
    if (call.name().equals("prctl")) {
      // strace traces prctl raw (0x16 is PR_SET_SECCOMP, 0x2 SECCOMP_MODE_FILTER); older traces
      // name them.
      return a.startsWith("PR_SET_SECCOMP, SECCOMP_MODE_FILTER")
          || a.startsWith("PR_SET_SECCOMP, 2")
          || a.startsWith("0x16, 0x2,");
    }
    return false;
  }

  private static boolean isExec(SyscallEvent call) {
    return (call.name().equals("execve") || call.name().equals("execveat"))
        && call.returnValue() == 0;
  }
}
