package dev.tailor.tracer.record;

import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.event.CallMemo;
import dev.tailor.tracer.event.CloneStarted;
import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.RepeatableCall;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.event.SignalEvent;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.event.UnparsedLine;
import dev.tailor.tracer.strace.StraceText;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Feeds calls to the {@link Recorder}: strace's events through the {@link StraceDecoder}, a kernel
 * decoder's typed calls as they are, each applied by the one {@link CallInterpreter}; counts each
 * call unless a backend counts them elsewhere; and keeps the replay memos, so that a call seen
 * again (pid aside) adds what its first sighting added without being read again.
 */
final class CallFeed {
  /** Calls that change or read what a repeat of the same line would not share. */
  private static final Set<String> NEVER_REPLAYED =
      Set.of("chdir", "fchdir", "clone", "clone3", "fork", "vfork");

  private final Recorder recorder;
  private final Progress progress;
  private final UnaryOperator<String> syscallNames;
  private final Map<String, String> renamedSyscalls = new HashMap<>();
  private final StraceDecoder decoder = new StraceDecoder();

  /** What the call being read did that a repeat of it must do again. */
  private final Effects effects = new Effects();

  private final CallInterpreter calls;

  /** Whether calls are counted here; see {@link Recorder#countCallsElsewhere}. */
  private boolean countCalls = true;

  /** The memo offered for the next call, and its pid. */
  private CallMemo offered;

  private int offeredPid;

  /** The pid of the last call, already noted. */
  private int lastPid = -1;

  CallFeed(
      Recorder recorder,
      PathResolver resolver,
      UnaryOperator<String> syscallNames,
      String initialCwd) {
    this.recorder = recorder;
    this.progress = recorder.progress();
    this.syscallNames = syscallNames;
    this.calls = new CallInterpreter(recorder, effects, resolver, initialCwd);
  }

  void countCallsElsewhere() {
    countCalls = false;
  }

  /** The interpreter the calls are applied by: their paths, ids and notes. */
  CallInterpreter calls() {
    return calls;
  }

  void accept(TraceEvent event) {
    if (event instanceof RepeatedCall r) {
      r.memo().replay(r.pid());
      return;
    }
    if (event instanceof RepeatableCall r) {
      offered = r.memo();
      offeredPid = r.pid();
      return;
    }
    if (event instanceof SyscallEvent s) {
      syscall(s);
      return;
    }
    // An offer is for the call right after it; an unlearned memo is simply never replayed.
    offered = null;
    if (event instanceof CloneStarted c) {
      calls.paths().cloneStarted(c.pid());
    } else if (event instanceof ExitEvent e) {
      recorder.recordProcess(e.pid());
      calls.exited(e.pid());
    } else if (event instanceof SignalEvent s) {
      recorder.recordProcess(s.pid());
    } else if (event instanceof UnparsedLine u) {
      recorder.unparsed(u);
    }
  }

  private void syscall(SyscallEvent e) {
    CallMemo memo = offeredPid == e.pid() ? offered : null;
    offered = null;
    if (!StraceText.decodable(e.args()) || !StraceText.decodable(e.result())) {
      // Guessing what an unknown escape means would record a path that appears nowhere in the log.
      recorder.unusable(
          e.line(),
          "an escape strace does not write in "
              + e.name()
              + ": "
              + StraceText.printable(e.args() + " = " + e.result(), 160));
      return;
    }
    String name =
        e.name().startsWith("syscall_")
            ? renamedSyscalls.computeIfAbsent(e.name(), syscallNames)
            : e.name();
    interpret(e.pid(), memo, e.line(), name, () -> decoder.decode(e, name, e.errno().orElse("")));
  }

  void call(int pid, Call call, Optional<CallMemo> memo) {
    offered = null;
    interpret(pid, memo.orElse(null), 0, call.name(), () -> call);
  }

  /** Applies a decoded call: counted here unless counted elsewhere, then its effects. */
  private void interpret(
      int pid, CallMemo offeredMemo, long line, String name, Supplier<Call> decode) {
    if (countCalls) {
      progress.called();
    }
    notePid(pid);
    CallMemo memo = NEVER_REPLAYED.contains(name) ? null : offeredMemo;
    effects.start(memo != null);
    Call call;
    try {
      call = decode.get();
      calls.apply(pid, call, countCalls);
    } catch (RuntimeException ex) {
      // A malformed argument must never stop the recording; the line is unused, the call not
      // counted.
      effects.end();
      recorder.unusable(line, "could not read arguments of " + name + ": " + ex.getMessage());
      return;
    }
    // Where calls are counted elsewhere, a repeat replays the call's effects alone.
    long[] counter = null;
    long[] errors = null;
    if (countCalls) {
      counter = recorder.callCounter(name);
      counter[0]++;
      if (!call.errno().isEmpty()) {
        errors = recorder.errorCounter(name, call.errno());
        errors[0]++;
      }
    }
    if (memo != null && !effects.readState) {
      memo.learn(replay(counter, errors, effects.parts()));
    }
    effects.end();
  }

  /**
   * What a repeat of a call does: the bookkeeping of {@link #interpret}, then the call's own parts.
   */
  private CallMemo.Replay replay(long[] counter, long[] errors, CallMemo.Replay[] parts) {
    return pid -> {
      notePid(pid);
      if (counter != null) {
        progress.called();
        counter[0]++;
      }
      if (errors != null) {
        errors[0]++;
      }
      for (CallMemo.Replay part : parts) {
        part.apply(pid);
      }
    };
  }

  /**
   * Notes a pid at its call; a pid new while exactly one process is inside clone/fork is its child.
   */
  private void notePid(int pid) {
    if (pid == lastPid) {
      return;
    }
    lastPid = pid;
    if (recorder.recordProcess(pid)) {
      calls.newPid(pid);
    }
  }
}
