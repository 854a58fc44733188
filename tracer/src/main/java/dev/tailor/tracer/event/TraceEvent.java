package dev.tailor.tracer.event;

/** One thing a trace says a process did; the parser emits these in trace order. */
public sealed interface TraceEvent
    permits SyscallEvent,
        RepeatableCall,
        RepeatedCall,
        CloneStarted,
        ExitEvent,
        SignalEvent,
        UnparsedLine {
  /** The process (thread) id the line belongs to. */
  int pid();
}
