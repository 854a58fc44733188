package dev.tailor.tracer.bpf;

import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * bench/run.sh's measure of the bpf reader thread's CPU time per event (not a test): kernel records
 * as the ring holds them, fed to the {@link BpfOutput} the reader thread runs, distinct calls (each
 * names another file) and repeated ones (the same call in other processes). Prints "distinct NS
 * repeated NS", nanoseconds of this thread's CPU per event, best of the rounds.
 */
public final class ReaderCost {
  private static final int OPENAT = 257;
  private static final int NEWFSTATAT = 262;
  private static final int AT_FDCWD = -100;

  private ReaderCost() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long bestDistinct = Long.MAX_VALUE;
    long bestRepeated = Long.MAX_VALUE;
    for (int round = 0; round < rounds; round++) {
      BpfOutput out = output();
      ByteBuffer[] distinct = new ByteBuffer[n];
      ByteBuffer[] repeated = new ByteBuffer[n];
      for (int i = 0; i < n; i++) {
        String file = "/nonexistent/include/r" + round + "/dir" + (i % 97) + "/header" + i + ".h";
        distinct[i] =
            (i % 2 == 0)
                ? record(
                    100 + i % 7,
                    OPENAT,
                    3 + i % 5,
                    new long[] {AT_FDCWD, 0, 0},
                    file,
                    "/work",
                    file)
                : record(
                    100 + i % 7,
                    NEWFSTATAT,
                    -2,
                    new long[] {AT_FDCWD, 0, 0, 0},
                    file,
                    "/work",
                    null);
        repeated[i] =
            (i % 2 == 0)
                ? record(
                    100 + i % 7,
                    OPENAT,
                    3 + i % 5,
                    new long[] {AT_FDCWD, 0, 0},
                    "/usr/lib/libc.so.6",
                    "/work",
                    "/usr/lib/libc.so.6")
                : record(
                    100 + i % 7,
                    NEWFSTATAT,
                    -2,
                    new long[] {AT_FDCWD, 0, 0, 0},
                    "/usr/include/stdio.h",
                    "/work",
                    null);
      }
      long t0 = cpu.getCurrentThreadCpuTime();
      for (ByteBuffer b : distinct) {
        out.record(b, 0, b.limit());
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (ByteBuffer b : repeated) {
        out.record(b, 0, b.limit());
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      bestDistinct = Math.min(bestDistinct, (t1 - t0) / n);
      bestRepeated = Math.min(bestRepeated, (t2 - t1) / n);
    }
    System.out.println("distinct " + bestDistinct + " repeated " + bestRepeated);
  }

  private static BpfOutput output() {
    Recorder r =
        new Recorder(
            "bench", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    Map<String, TracedCalls.Spec> specs = TracedCalls.specs(24);
    return new BpfOutput(
        r,
        nr -> Optional.ofNullable(nr == OPENAT ? "openat" : nr == NEWFSTATAT ? "newfstatat" : null),
        specs,
        "x86_64",
        new FlushedPathResolver());
  }

  /**
   * A call record: part 0 the name, part 2 the walked working directory, part 3 the walked fd path
   * (or none).
   */
  private static ByteBuffer record(
      int tid, int nr, long ret, long[] args, String name, String cwd, String fdPath) {
    byte[][] parts = {
      (name + "\0").getBytes(StandardCharsets.ISO_8859_1),
      new byte[0],
      walked(cwd),
      fdPath == null ? new byte[0] : walked(fdPath)
    };
    int[] status = {
      BpfPrograms.PART_OK,
      BpfPrograms.PART_OK,
      BpfPrograms.PART_WALKED,
      fdPath == null ? BpfPrograms.PART_OK : BpfPrograms.PART_WALKED
    };
    int size = BpfPrograms.DATA;
    for (byte[] p : parts) {
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
      b.putInt(BpfPrograms.LEN + 4 * i, parts[i].length);
      b.put(BpfPrograms.STATUS + i, (byte) status[i]);
      b.put(at, parts[i]);
      at += parts[i].length;
    }
    return b;
  }

  /** A walked path: its components last first, each NUL-terminated. */
  private static byte[] walked(String path) {
    String[] c = path.substring(1).split("/");
    StringBuilder s = new StringBuilder();
    for (int i = c.length - 1; i >= 0; i--) {
      s.append(c[i]).append('\0');
    }
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
