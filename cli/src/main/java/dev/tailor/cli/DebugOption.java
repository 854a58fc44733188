package dev.tailor.cli;

import picocli.CommandLine.Option;

/** {@code --debug}: a failing command prints the stack trace after its one error line. */
final class DebugOption {
  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean on;

  /** What {@link Main#fail} prints the trace of: {@code e} with --debug, nothing without. */
  Throwable trace(Throwable e) {
    return on ? e : null;
  }
}
