package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tailor.tracer.event.CallMemo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RecordMemosTest {
  /**
   * A call record of {@code length} bytes: thread {@code tid}, the rest filled from {@code seed}.
   */
  static ByteBuffer record(int length, int tid, int seed) {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    for (int i = 0; i < length; i++) {
      b.put(i, (byte) (seed * 31 + i * 7));
    }
    b.putInt(0, BpfPrograms.CALL);
    b.putInt(BpfPrograms.TID, tid);
    b.putInt(BpfPrograms.TGID, tid);
    return b;
  }

  private static CallMemo find(RecordMemos m, ByteBuffer b) {
    return m.find(b, 0, b.limit(), RecordMemos.hash(b, 0, b.limit()));
  }

  private static void put(RecordMemos m, ByteBuffer b, CallMemo memo) {
    m.put(b, 0, b.limit(), RecordMemos.hash(b, 0, b.limit()), memo);
  }

  @Test
  void theSameRecordFromAnotherThread_findsTheMemo() {
    RecordMemos m = new RecordMemos();
    CallMemo memo = new CallMemo();
    put(m, record(150, 10, 1), memo);
    assertSame(memo, find(m, record(150, 10, 1)));
    assertSame(memo, find(m, record(150, 99, 1)), "thread ids are not the call's");
  }

  @Test
  void anyOtherByte_missesTheMemo() {
    RecordMemos m = new RecordMemos();
    ByteBuffer kept = record(141, 10, 2);
    put(m, kept, new CallMemo());
    for (int i = 0; i < kept.limit(); i++) {
      if (i >= BpfPrograms.TID && i < BpfPrograms.NR) {
        continue;
      }
      ByteBuffer other = record(141, 10, 2);
      other.put(i, (byte) (other.get(i) ^ 1));
      assertNull(find(m, other), "byte " + i);
    }
    assertNull(find(m, record(140, 10, 2)), "a shorter record");
    assertNull(find(m, record(142, 10, 2)), "a longer record");
  }

  @Test
  void aRecordFoundInTheRingAtAnOffset_isTheSame() {
    RecordMemos m = new RecordMemos();
    CallMemo memo = new CallMemo();
    ByteBuffer r = record(200, 5, 3);
    put(m, r, memo);
    ByteBuffer ring = ByteBuffer.allocate(1000).order(ByteOrder.nativeOrder());
    ring.put(333, r, 0, 200);
    assertSame(memo, m.find(ring, 333, 200, RecordMemos.hash(ring, 333, 200)));
    assertEquals(RecordMemos.hash(r, 0, 200), RecordMemos.hash(ring, 333, 200));
  }

  @Test
  void clear_andLongRecords_keepNothing() {
    RecordMemos m = new RecordMemos();
    ByteBuffer r = record(120, 1, 4);
    put(m, r, new CallMemo());
    m.clear();
    assertNull(find(m, r));
    ByteBuffer big = record(513, 1, 5);
    put(m, big, new CallMemo());
    assertNull(find(m, big), "records over 512 bytes are not kept");
  }

  @Test
  void aFullTable_startsOver() {
    RecordMemos m = new RecordMemos();
    ByteBuffer first = record(112, 1, 0);
    put(m, first, new CallMemo());
    for (int i = 1; i <= 1 << 16; i++) {
      ByteBuffer b = record(112, 1, 0);
      b.putInt(BpfPrograms.DATA, i);
      put(m, b, new CallMemo());
    }
    assertNull(find(m, first), "emptied when half the slots were used");
    ByteBuffer last = record(112, 1, 0);
    last.putInt(BpfPrograms.DATA, 1 << 16);
    assertEquals(true, find(m, last) != null);
  }
}
