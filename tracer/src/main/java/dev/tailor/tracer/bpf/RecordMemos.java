package dev.tailor.tracer.bpf;

import dev.tailor.tracer.event.CallMemo;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The memos of calls already decoded, found by the bytes of their kernel record with the thread ids
 * left out: {@link KernelDecoder} reads nothing else, so a record seen again byte for byte is the
 * same call, and a learned one is replayed without being decoded or hashed as a call. Only the same
 * call from the same place matches (its pointer arguments are in the record); other repeats are
 * still found by {@link BpfOutput}'s memos of decoded calls. An open-addressing table that is
 * emptied when it fills, as those are.
 */
final class RecordMemos {
  private static final int SLOTS = 1 << 17;
  private static final int LIMIT = SLOTS / 2;

  /** Records longer than this are not kept (long paths repeat less, and cost a copy each). */
  private static final int LONGEST = 512;

  private final int[] hashes = new int[SLOTS];
  private final byte[][] keys = new byte[SLOTS][];
  private final CallMemo[] memos = new CallMemo[SLOTS];
  private int size;

  /**
   * The memo of the record of {@code length} bytes at {@code offset}, or null; {@code hash} is
   * {@link #hash} of it.
   */
  CallMemo find(ByteBuffer b, int offset, int length, int hash) {
    for (int slot = hash & (SLOTS - 1); keys[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
      if (hashes[slot] == hash && same(keys[slot], b, offset, length)) {
        return memos[slot];
      }
    }
    return null;
  }

  /** Keeps {@code memo} for the record; a record too long to keep is left out. */
  void put(ByteBuffer b, int offset, int length, int hash, CallMemo memo) {
    if (length > LONGEST) {
      return;
    }
    if (size >= LIMIT) {
      clear();
    }
    int slot = hash & (SLOTS - 1);
    while (keys[slot] != null) {
      slot = (slot + 1) & (SLOTS - 1);
    }
    byte[] key = new byte[length];
    b.get(offset, key);
    Arrays.fill(key, BpfPrograms.TID, BpfPrograms.NR, (byte) 0);
    keys[slot] = key;
    hashes[slot] = hash;
    memos[slot] = memo;
    size++;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(keys, null);
      Arrays.fill(memos, null);
      size = 0;
    }
  }

  /** A hash of the record's bytes, its thread ids (TID, TGID) left out. */
  static int hash(ByteBuffer b, int offset, int length) {
    long h = b.getInt(offset);
    int i = BpfPrograms.NR;
    for (; i + 8 <= length; i += 8) {
      h = h * 0x9E3779B97F4A7C15L + b.getLong(offset + i);
    }
    for (; i < length; i++) {
      h = h * 31 + b.get(offset + i);
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private static boolean same(byte[] key, ByteBuffer b, int offset, int length) {
    if (key.length != length) {
      return false;
    }
    for (int i = 0; i < BpfPrograms.TID; i++) {
      if (key[i] != b.get(offset + i)) {
        return false;
      }
    }
    // the thread ids (TID up to NR) are zero in the key and not compared
    int rest = length - BpfPrograms.NR;
    return b.slice(offset + BpfPrograms.NR, rest)
            .mismatch(ByteBuffer.wrap(key, BpfPrograms.NR, rest))
        == -1;
  }
}
