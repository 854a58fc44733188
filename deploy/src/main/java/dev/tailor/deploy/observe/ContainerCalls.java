package dev.tailor.deploy.observe;

import java.time.Instant;
import java.util.List;

/**
 * What one container in observe mode did that its profile lacks.
 *
 * @param started when the agent began to observe it
 * @param running whether it is still observed (false once its processes were gone, or after the
 *     agent restarted)
 * @param ended when it stopped being observed; {@code started} while it runs
 * @param calls the distinct calls, sorted by syscall then paths
 * @param capped whether it made more distinct calls than are kept one by one (the rest are counted
 *     by syscall name only)
 */
public record ContainerCalls(
    ObservedContainer container,
    Instant started,
    boolean running,
    Instant ended,
    List<SeenCall> calls,
    boolean capped) {
  public ContainerCalls {
    calls = List.copyOf(calls);
  }

  /** Calls seen in all. */
  public long total() {
    return calls.stream().mapToLong(SeenCall::count).sum();
  }
}
