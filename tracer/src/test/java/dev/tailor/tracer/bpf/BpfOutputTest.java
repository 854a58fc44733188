package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BpfOutputTest {
  private static final int OPENAT = 257;
  private static final int NEWFSTATAT = 262;
  private static final long AT_FDCWD = -100 & 0xffffffffL;

  /** A call record as the ring holds it. */
  static ByteBuffer record(int tid, int nr, long ret, long[] args, KernelEvent parts) {
    int size = BpfPrograms.DATA;
    for (byte[] p : parts.parts()) {
      size += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    b.putInt(0, BpfPrograms.CALL);
    b.putInt(BpfPrograms.TID, tid);
    b.putInt(BpfPrograms.TGID, tid);
    b.putInt(BpfPrograms.NR, nr);
    b.putLong(BpfPrograms.RET, ret);
    for (int i = 0; i < args.length; i++) {
      b.putLong(BpfPrograms.ARGS + 8 * i, args[i]);
    }
    int at = BpfPrograms.DATA;
    for (int i = 0; i < 4; i++) {
      byte[] p = parts.parts()[i];
      b.putInt(BpfPrograms.LEN + 4 * i, p.length);
      b.put(BpfPrograms.STATUS + i, (byte) parts.status()[i]);
      b.put(at, p);
      at += p.length;
    }
    b.putInt(BpfPrograms.USED, at - BpfPrograms.DATA);
    return b;
  }

  /**
   * The calls of four threads, each made three times from one place: an open of an absolute name, a
   * failed stat of a relative one, an open of a relative one; {@code samePlace} false gives every
   * call another path pointer, so no record repeats byte for byte.
   */
  private static List<ByteBuffer> workload(boolean samePlace) {
    List<ByteBuffer> out = new ArrayList<>();
    long pointer = 0x7ffd0000L;
    for (int tid = 100; tid < 104; tid++) {
      for (int i = 0; i < 3; i++) {
        long p = samePlace ? 0x7ffd0000L : pointer++;
        out.add(
            record(
                tid,
                OPENAT,
                3,
                new long[] {AT_FDCWD, p, 0},
                KernelDecoderTest.call(3, new long[0], "/etc/hosts", null, null, "/etc/hosts", 0)));
        out.add(
            record(
                tid,
                NEWFSTATAT,
                -2,
                new long[] {AT_FDCWD, p, p + 64, 0},
                KernelDecoderTest.call(-2, new long[0], "inc/x.h", null, "/work", null, 0)));
        out.add(
            record(
                tid,
                OPENAT,
                4,
                new long[] {AT_FDCWD, p, 01101},
                KernelDecoderTest.call(4, new long[0], "out.o", null, "/work", "/work/out.o", 0)));
      }
    }
    return out;
  }

  private static Recording recorded(List<ByteBuffer> records) {
    Recorder r =
        new Recorder(
            "t", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    BpfOutput out =
        new BpfOutput(
            r,
            nr ->
                Optional.ofNullable(
                    nr == OPENAT ? "openat" : nr == NEWFSTATAT ? "newfstatat" : null),
            TracedCalls.specs(24),
            "x86_64",
            new FlushedPathResolver());
    for (ByteBuffer b : records) {
      out.record(b, 0, b.limit());
    }
    return r.toRecording("t", "x86_64");
  }

  /** Calls replayed by their record's bytes are recorded as calls decoded one by one. */
  @Test
  void repeatsOfARecord_recordAsDecodedCalls() {
    Recording replayed = recorded(workload(true));
    Recording decoded = recorded(workload(false));
    assertEquals(RecordingJson.toJson(decoded), RecordingJson.toJson(replayed));
    assertEquals(12, replayed.files().get("/etc/hosts").count());
    assertEquals(12, replayed.files().get("/work/inc/x.h").count());
    // each open counts its two accesses (O_WRONLY|O_CREAT|O_TRUNC: write, create)
    assertEquals(24, replayed.files().get("/work/out.o").count());
  }
}
