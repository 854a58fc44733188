package dev.tailor.cli;

import java.time.Duration;

/** Parses {@code 90}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms}. */
final class Durations {
  private Durations() {}

  static Duration parse(String text) throws CommandException {
    String t = text.trim();
    try {
      if (t.endsWith("ms")) {
        return positive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), text);
      }
      if (t.isEmpty()) {
        throw new NumberFormatException("empty");
      }
      char unit = t.charAt(t.length() - 1);
      String n = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
      long v = Long.parseLong(n);
      return positive(
          switch (unit) {
            case 'h' -> Duration.ofHours(v);
            case 'm' -> Duration.ofMinutes(v);
            case 's' -> Duration.ofSeconds(v);
            default -> {
              if (!Character.isDigit(unit)) {
                throw new NumberFormatException();
              }
              yield Duration.ofSeconds(v);
            }
          },
          text);
    } catch (NumberFormatException e) {
      throw new CommandException(
          "--duration " + text + ": give a time such as 30s, 5m or 1h", Main.EXIT_TAILOR_FAILED);
    }
  }

  private static Duration positive(Duration d, String text) throws CommandException {
    if (d.isNegative() || d.isZero()) {
      throw new CommandException(
          "--duration " + text + ": must be more than zero", Main.EXIT_TAILOR_FAILED);
    }
    return d;
  }
}
