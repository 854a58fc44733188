package dev.tailor.tracer.event;

/**
 * The handshake for a call line that may come again byte for byte (pid aside). The parser hands one
 * out with the call ({@link RepeatableCall}); the consumer says once how that call's effect replays
 * for any pid ({@link #learn}), or leaves it unlearned when the effect depends on more than the
 * line (a working directory, a fork); once learned, the parser sends an identical line as a {@link
 * RepeatedCall}, without parsing it again. Written on the consumer's thread, read on the parser's.
 */
public final class CallMemo {
  /** The effect of one call, applied again for a process. */
  @FunctionalInterface
  public interface Replay {
    void apply(int pid);
  }

  private volatile Replay replay;

  /** Says how the call replays; the parser may then skip identical lines. */
  public void learn(Replay replay) {
    this.replay = replay;
  }

  /** Whether {@link #replay} can be used. */
  public boolean learned() {
    return replay != null;
  }

  /** Applies the learned effect for {@code pid}; only after {@link #learned()}. */
  public void replay(int pid) {
    Replay r = replay;
    if (r == null) {
      throw new IllegalStateException("replay of a call that was not learned");
    }
    r.apply(pid);
  }
}
