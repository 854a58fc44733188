package dev.tailor.tracer.event;

/**
 * Comes just before the {@link SyscallEvent} of a line that may repeat: the consumer may {@link
 * CallMemo#learn learn} how to replay that call.
 */
public record RepeatableCall(int pid, CallMemo memo) implements TraceEvent {}
