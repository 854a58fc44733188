package dev.tailor.tracer;

import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The values one argument of one syscall had, as the kernel received them (the register, not a
 * tracer's name for it), with how many calls passed each. Only arguments that {@code
 * dev.tailor.tracer.call.SyscallModel} marks as filterable are recorded: small enumerations and
 * flag words, never pointers.
 *
 * @param syscall the syscall's name
 * @param index the argument's position, from 0, as seccomp numbers it
 * @param values each value seen (the 64-bit register; an {@code int} argument as its low 32 bits,
 *     unsigned) and how many calls passed it
 * @param runs the runs that made these calls
 */
public record ArgumentUse(
    String syscall, int index, SortedMap<Long, Long> values, SortedSet<String> runs) {
  public ArgumentUse {
    if (index < 0 || index > 5) {
      throw new IllegalArgumentException(
          "argument index " + index + " of " + syscall + " is not 0 to 5");
    }
    values = SortedCopies.of(values);
    runs = SortedCopies.of(runs);
  }

  /** The key of this use in a {@link Recording}: {@code syscall[index]}, e.g. {@code ioctl[1]}. */
  public String key() {
    return key(syscall, index);
  }

  /** The key of argument {@code index} of {@code syscall}. */
  public static String key(String syscall, int index) {
    return syscall + "[" + index + "]";
  }

  /** How many calls passed a value: the counts of every value, added. */
  public long calls() {
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The union of two uses of the same argument: every value of either, counts added. */
  public ArgumentUse merge(ArgumentUse other) {
    TreeMap<Long, Long> v = new TreeMap<>(values);
    other.values.forEach((k, n) -> v.merge(k, n, Long::sum));
    return new ArgumentUse(syscall, index, v, SortedCopies.union(runs, other.runs));
  }

  /** This use with its runs renamed. */
  ArgumentUse withRuns(SortedSet<String> newRuns) {
    return new ArgumentUse(syscall, index, values, newRuns);
  }
}
