package dev.tailor.cli;

import dev.tailor.deploy.hook.HookFiles;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a hook may still take: runtimes kill a hook at the timeout of its hooks.d file (30 s as
 * {@code tailor hook install} writes them), and then say only "context deadline exceeded". A hook
 * that counts from its own JVM's start (which alone takes seconds on a loaded machine) ends a few
 * seconds before that, with its own line in its log.
 */
final class HookDeadline {
  /**
   * The time a hook has from its JVM's start: the hooks.d timeout (30 s) less a margin for the
   * runtime.
   */
  static final Duration BUDGET = Duration.ofSeconds(25);

  /**
   * The learn hook's time from its JVM's start: its longer hooks.d timeout less the same margin.
   */
  static final Duration LEARN_BUDGET = Duration.ofSeconds(HookFiles.LEARN_TIMEOUT_SECONDS - 5);

  private HookDeadline() {}

  /**
   * When the hook started: its process's start, or now where the system does not say or the process
   * is older than the budget (the hook runs inside a longer-lived JVM, as in tests).
   */
  static Instant start(Duration budget) {
    Instant now = Instant.now();
    Instant process = ProcessHandle.current().info().startInstant().orElse(now);
    return process.plus(budget).isBefore(now) ? now : process;
  }

  /** What is left of {@link #BUDGET}, at least {@code least}. */
  static Duration remaining(Duration least) {
    return remaining(BUDGET, least);
  }

  /** What is left of {@code budget} from the hook's start, at least {@code least}. */
  static Duration remaining(Duration budget, Duration least) {
    Duration left = Duration.between(Instant.now(), start(budget).plus(budget));
    return left.compareTo(least) < 0 ? least : left;
  }

  /**
   * Runs {@code atDeadline} on a daemon thread once the budget is spent, unless the returned thread
   * is interrupted first (when the hook has ended); {@code atDeadline} logs and halts the JVM.
   */
  static Thread watch(Runnable atDeadline) {
    long millis = Math.max(0, remaining(Duration.ZERO).toMillis());
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
                atDeadline.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "tailor-hook-deadline");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
