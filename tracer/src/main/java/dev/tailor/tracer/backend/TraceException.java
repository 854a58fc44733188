package dev.tailor.tracer.backend;

/** Tracing could not start or failed; the message is one line for the user. */
public final class TraceException extends Exception {
  /** What kind of failure, which decides the exit code (as {@code docker run}). */
  public enum Kind {
    /** The command does not exist (127). */
    NOT_FOUND,
    /** The command exists but cannot be run (126). */
    CANNOT_RUN,
    /** tailor or its tracer failed (125). */
    FAILED
  }

  private final Kind kind;

  public TraceException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public TraceException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
