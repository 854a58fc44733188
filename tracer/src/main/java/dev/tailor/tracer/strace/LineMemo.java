package dev.tailor.tracer.strace;

import dev.tailor.tracer.event.CallMemo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The call lines seen so far (their text after the pid), each with its {@link CallMemo}, and the
 * word-at-a-time scans the parser's hot loop uses. Memory is bounded (about 12 MB): a full table
 * starts over, and long lines are never kept (they seldom repeat).
 */
final class LineMemo {
  /** Longest line text kept. */
  static final int MAX_KEY = 512;

  /** Lines kept before the table starts over. */
  private static final int CAPACITY = 1 << 16;

  private static final int SLOTS = CAPACITY * 2;

  /** Slots looked at before a line is taken as unknown, so no run of collisions costs much. */
  private static final int MAX_PROBES = 32;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Bytes of kept line text, in the order first seen: repeats of a log tend to come in that order.
   */
  private static final int ARENA = 8 << 20;

  /** Per slot: the key's hash in the high half, its entry + 1 in the low half; 0 when free. */
  private long[] slots = new long[SLOTS];

  private final byte[] arena = new byte[ARENA];
  private int arenaUsed;
  private final int[] starts = new int[CAPACITY];
  private final int[] lengths = new int[CAPACITY];
  private final CallMemo[] memos = new CallMemo[CAPACITY];
  private int size;
  private final long seed;

  /** A table with a fixed seed: tests that count collisions get the same table on every run. */
  LineMemo(long seed) {
    this.seed = seed;
  }

  /** The index of the first '\n' in {@code b[from, to)}, eight bytes a step; -1 when none. */
  static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
      // The lowest byte of w that is zero sets the lowest high bit here (higher ones may be false).
      long zero = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * A hash of {@code b[from, to)}, eight bytes a step. Seeded per table: the traced workload writes
   * the file names in these lines and must not be able to make them collide on purpose.
   */
  int hash(byte[] b, int from, int to) {
    long h = seed ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
    }
    for (; i < to; i++) {
      h = (h ^ b[i]) * 0x9E3779B97F4A7C15L;
    }
    h ^= h >>> 32;
    return (int) h;
  }

  /**
   * The memo of a line with this text, or null when it was not seen (or forgotten, or lies past a
   * crowded run of slots).
   */
  CallMemo find(byte[] b, int from, int to, int hash) {
    int mask = SLOTS - 1;
    for (int slot = hash & mask, probes = 0;
        probes < MAX_PROBES;
        slot = (slot + 1) & mask, probes++) {
      long s = slots[slot];
      if (s == 0) {
        return null;
      }
      if ((int) (s >>> 32) == hash) {
        int e = (int) s - 1;
        int start = starts[e];
        if (Arrays.equals(arena, start, start + lengths[e], b, from, to)) {
          return memos[e];
        }
      }
    }
    return null;
  }

  /**
   * Keeps a line not {@link #find found}, with a new memo; null when its slots are crowded (the
   * line is then parsed each time).
   */
  CallMemo add(byte[] b, int from, int to, int hash) {
    int length = to - from;
    if (size == CAPACITY || arenaUsed + length > ARENA) {
      slots = new long[SLOTS];
      Arrays.fill(memos, null);
      size = 0;
      arenaUsed = 0;
    }
    int mask = SLOTS - 1;
    int slot = hash & mask;
    for (int probes = 0; slots[slot] != 0; slot = (slot + 1) & mask, probes++) {
      if (probes == MAX_PROBES - 1) {
        return null;
      }
    }
    CallMemo memo = new CallMemo();
    System.arraycopy(b, from, arena, arenaUsed, length);
    starts[size] = arenaUsed;
    lengths[size] = length;
    memos[size] = memo;
    arenaUsed += length;
    size++;
    slots[slot] = ((long) hash << 32) | size;
    return memo;
  }
}
