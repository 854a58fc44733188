package dev.tailor.tracer.call;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the values of one argument are called: an enumeration (a value has one name) or a flag word
 * (a value is a set of named bits). The tables hold the kernel's numbers, the same on x86_64 and
 * aarch64 for every argument tailor records. They name values for people and read a tracer's
 * symbolic text back into numbers only where that text is exact: a flag word strace prints as known
 * names plus a hex remainder.
 */
public final class ValueNames {
  /** By value, ascending: a flag word's name lists its bits low to high. */
  private final java.util.SortedMap<Long, String> names;

  private final Map<String, Long> numbers;
  private final boolean flags;

  private ValueNames(Map<Long, String> names, boolean flags) {
    this.names = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(names));
    TreeMap<String, Long> n = new TreeMap<>();
    names.forEach((v, k) -> n.put(k, v));
    this.numbers = Map.copyOf(n);
    this.flags = flags;
  }

  /** An enumeration: each value has at most one name. */
  static ValueNames enumeration(Map<Long, String> names) {
    return new ValueNames(names, false);
  }

  /** A flag word: a value is the names of its bits joined by {@code |}. */
  static ValueNames flags(Map<Long, String> bits) {
    return new ValueNames(bits, true);
  }

  /**
   * Whether this is a flag word, whose names strace writes exactly (known bits, then the rest in
   * hex).
   */
  public boolean isFlags() {
    return flags;
  }

  /**
   * The value's name ({@code AF_INET}, {@code PROT_READ|PROT_WRITE}), or empty when it has none.
   */
  public Optional<String> name(long value) {
    if (!flags) {
      return Optional.ofNullable(names.get(value));
    }
    if (value == 0) {
      return Optional.ofNullable(names.get(0L));
    }
    StringBuilder b = new StringBuilder();
    long rest = value;
    for (Map.Entry<Long, String> e : names.entrySet()) {
      long bit = e.getKey();
      if (bit != 0 && (rest & bit) == bit) {
        b.append(b.length() == 0 ? "" : "|").append(e.getValue());
        rest &= ~bit;
      }
    }
    if (rest != 0) {
      b.append(b.length() == 0 ? "" : "|").append("0x").append(Long.toHexString(rest));
    }
    return Optional.of(b.toString());
  }

  /** The value in hex, with its name where it has one: {@code 0x5412 (TIOCSTI)}. */
  public String describe(long value) {
    String hex = "0x" + Long.toHexString(value);
    return name(value).filter(n -> !n.equals(hex)).map(n -> hex + " (" + n + ")").orElse(hex);
  }

  /**
   * The number a flag word's text stands for ({@code PROT_READ|PROT_EXEC}, {@code
   * CLONE_VM|0x400000}), or empty when any part is not a known name or a number: an unknown name is
   * never guessed.
   */
  public Optional<Long> parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    long v = 0;
    for (String part : t.split("\\|", -1)) {
      String p = part.trim();
      Optional<Long> n = Optional.ofNullable(numbers.get(p)).or(() -> number(p));
      if (n.isEmpty()) {
        return Optional.empty();
      }
      v |= n.get();
    }
    return Optional.of(v);
  }

  /** A decimal or {@code 0x} hex number as strace prints a raw value, or empty. */
  public static Optional<Long> number(String text) {
    String t = text.trim();
    try {
      if (t.startsWith("0x")) {
        return t.length() > 2 && t.length() <= 18
            ? Optional.of(Long.parseUnsignedLong(t.substring(2), 16))
            : Optional.empty();
      }
      if (t.startsWith("-")) {
        return t.length() > 1 && Character.isDigit(t.charAt(1))
            ? Optional.of(Long.parseLong(t))
            : Optional.empty();
      }
      return !t.isEmpty() && Character.isDigit(t.charAt(0))
          ? Optional.of(Long.parseUnsignedLong(t))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
