package dev.tailor.tracer;

/**
 * The command to run does not exist (exit code 127) or cannot be executed (126), decided before any
 * filter is loaded.
 */
public class UnrunnableCommandException extends Exception {
  private static final long serialVersionUID = 1L;

  /** As a shell answers when it does not find a command. */
  public static final int NOT_FOUND = 127;

  /** As a shell answers when it finds a command it cannot execute. */
  public static final int CANNOT_RUN = 126;

  private final int exitCode;

  public UnrunnableCommandException(int exitCode, String message) {
    super(message);
    if (exitCode != NOT_FOUND && exitCode != CANNOT_RUN) {
      throw new IllegalArgumentException("exit code " + exitCode);
    }
    this.exitCode = exitCode;
  }

  /** 127 when not found, 126 when found but not executable. */
  public int exitCode() {
    return exitCode;
  }
}
