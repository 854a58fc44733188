package dev.tailor.tracer;

import java.util.Locale;

/** The machine architecture in {@code uname -m} terms. */
public final class Arch {
  private Arch() {}

  /** The architecture this JVM runs on: {@code x86_64}, {@code aarch64}, ... */
  public static String current() {
    String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      case "x86", "i386", "i686" -> "i686";
      default -> a;
    };
  }
}
