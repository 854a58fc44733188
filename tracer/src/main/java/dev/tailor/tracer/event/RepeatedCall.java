package dev.tailor.tracer.event;

/**
 * A call whose line is byte for byte one the consumer learned (pid aside), sent in place of its
 * {@link SyscallEvent}.
 *
 * @param line the 1-based line number of the repeat
 */
public record RepeatedCall(int pid, CallMemo memo, long line) implements TraceEvent {}
