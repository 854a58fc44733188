package dev.tailor.tracer.event;

/**
 * A trace line the parser could not read; it never stops parsing.
 *
 * @param pid the pid the line began with, or 0
 * @param line the 1-based line number
 * @param reason what was wrong
 * @param text the start of the line, printable ASCII only
 */
public record UnparsedLine(int pid, long line, String reason, String text) implements TraceEvent {}
