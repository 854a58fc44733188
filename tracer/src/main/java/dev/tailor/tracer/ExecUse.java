package dev.tailor.tracer;

import java.util.List;
import java.util.SortedSet;

/**
 * A program the workload executed successfully.
 *
 * @param path the program's path as passed to execve, absolute, in {@link PathText} form
 * @param argv the arguments of the first such exec, each in {@link PathText} form (strace may have
 *     shortened long ones)
 */
public record ExecUse(String path, List<String> argv, long count, SortedSet<String> runs) {
  public ExecUse {
    argv = List.copyOf(argv);
    runs = SortedCopies.of(runs);
  }

  /** The union of two execs of the same path. */
  public ExecUse merge(ExecUse other) {
    return new ExecUse(path, argv, count + other.count, SortedCopies.union(runs, other.runs));
  }
}
