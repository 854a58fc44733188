package dev.tailor.cli;

/** A bad option or argument: exit code 2 for the profile commands, 125 for learn and enforce. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
