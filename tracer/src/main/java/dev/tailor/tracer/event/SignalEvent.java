package dev.tailor.tracer.event;

/** A signal delivered to a process: {@code --- SIGCHLD {...} ---}. */
public record SignalEvent(int pid, String signal) implements TraceEvent {}
