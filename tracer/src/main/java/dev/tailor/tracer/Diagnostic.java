package dev.tailor.tracer;

/**
 * Something the parser or recorder could not use, with where it was.
 *
 * @param source the trace file or stream it came from
 * @param line the 1-based line number, or 0 where there is none
 */
public record Diagnostic(String source, long line, String message) {}
