package dev.tailor.tracer.event;

/**
 * A process or thread ended: {@code +++ exited with N +++}, {@code +++ killed by SIG +++}, or
 * {@code +++ superseded by execve in pid N +++}.
 *
 * @param code the exit status when it exited, else -1
 * @param signal the killing signal's name, else empty
 * @param supersededBy the pid whose execve replaced this thread, else 0
 */
public record ExitEvent(int pid, int code, String signal, int supersededBy) implements TraceEvent {}
