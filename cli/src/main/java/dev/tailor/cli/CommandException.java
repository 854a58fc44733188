package dev.tailor.cli;

/** A command failed in a way the user can act on; the message is one line. */
final class CommandException extends Exception {
  private final int exitCode;

  CommandException(String message) {
    this(message, -1);
  }

  /**
   * @param exitCode the exit code, or -1 for the command's own "failed" code
   */
  CommandException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode(int failedCode) {
    return exitCode < 0 ? failedCode : exitCode;
  }
}
