package dev.tailor.tracer.backend;

import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A way of watching a workload: it feeds what it sees into a {@link Recorder}. */
public interface Backend {
  /** The name users pick it by ({@code strace}, {@code bpf}). */
  String name();

  /**
   * How the recorder this backend feeds should resolve argument paths on this machine: by default
   * without a cache, so that each call is resolved as the machine is when it is read.
   */
  default PathResolver pathResolver() {
    return new HostPathResolver(false);
  }

  /**
   * Runs {@code command} to completion under tracing, with stdin, stdout and stderr passed through.
   * Signals sent to tailor are forwarded to the workload.
   *
   * @return the workload's exit code (128 + signal when a signal killed it)
   */
  int run(List<String> command, Recorder recorder) throws TraceException;

  /**
   * Attaches to running processes (every thread, and children they start) until {@code duration}
   * ends, tailor is interrupted, or every target has exited; then detaches, leaving them running.
   */
  void attach(List<Integer> pids, Optional<Duration> duration, Recorder recorder)
      throws TraceException;
}
