package dev.tailor.tracer.event;

/**
 * A process began clone, clone3, fork or vfork and has not returned yet. Its child's first calls
 * can appear in the trace before the parent's call returns with the child's pid, so this is the
 * moment the recorder knows whose child a new pid is.
 */
public record CloneStarted(int pid, String name) implements TraceEvent {}
