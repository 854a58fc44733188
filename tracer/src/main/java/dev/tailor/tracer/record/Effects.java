package dev.tailor.tracer.record;

import dev.tailor.tracer.event.CallMemo;
import java.util.ArrayList;
import java.util.List;

/**
 * What reading one call did that a repeat of the same line must do again (the rest is idempotent:
 * sets, first-seen records), and whether it read state a repeat may not share (a working
 * directory). Kept by the {@link CallFeed} for the call being read; the {@link CallInterpreter} and
 * {@link ProcessPaths} add to it.
 */
final class Effects {
  /** The parts to apply again, while a call that may repeat is read; null otherwise. */
  private List<CallMemo.Replay> parts;

  /** Whether the call read state a repeat may not share. */
  boolean readState;

  void start(boolean mayRepeat) {
    parts = mayRepeat ? new ArrayList<>(2) : null;
    readState = false;
  }

  void end() {
    parts = null;
  }

  /** Adds a part to the replay of the call being read, if it may repeat. */
  void also(CallMemo.Replay part) {
    if (parts != null) {
      parts.add(part);
    }
  }

  /** Applies a part for {@code pid} now, and again on each repeat of the call. */
  void now(int pid, CallMemo.Replay part) {
    part.apply(pid);
    also(part);
  }

  CallMemo.Replay[] parts() {
    return parts.toArray(CallMemo.Replay[]::new);
  }
}
