package dev.tailor.tracer;

import java.util.SortedSet;

/**
 * The syscalls a container runtime's init process makes after it has loaded the container's seccomp
 * filter and before (and including) its {@code execve} of the container's process: a profile must
 * allow them or the container dies in the runtime, before the workload starts.
 *
 * @param runtime the runtime's name, {@code runc} or {@code crun}
 * @param version the runtime's version as it prints it ({@code 1.1.5})
 * @param source how the list was measured, one sentence (shown in the report)
 * @param syscalls the names, sorted
 */
public record RuntimeBase(
    String runtime, String version, String source, SortedSet<String> syscalls) {
  public RuntimeBase {
    if (runtime == null || runtime.isEmpty() || version == null || source == null) {
      throw new IllegalArgumentException("a runtime base needs a runtime, a version and a source");
    }
    syscalls = SortedCopies.of(syscalls);
  }

  /** {@code runc 1.1.5}: what the report calls it. */
  public String label() {
    return runtime + " " + version;
  }

  /** This base and another of the same runtime and version, with the names of both. */
  public RuntimeBase merge(RuntimeBase other) {
    String s = source.equals(other.source) ? source : source + "; " + other.source;
    return new RuntimeBase(runtime, version, s, SortedCopies.union(syscalls, other.syscalls));
  }
}
