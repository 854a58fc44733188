package dev.tailor.tracer.bpf;

import com.sun.jna.Memory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * tailor's programs loaded and attached, with the maps they fill: per-syscall counts, errnos and
 * argument values, the followed thread groups, and the ring of events. Loading takes milliseconds
 * (no compiler), and detaching typed tracepoints is immediate, so neither start-up nor exit waits
 * for the kernel.
 */
final class KernelProbes implements AutoCloseable {
  /**
   * Syscall numbers the tables hold; every architecture tailor knows numbers its calls below this.
   */
  static final int SYSCALLS = 1024;

  /** Bytes of the event ring: ~100k path events before tailor must have read them. */
  static final long RING = 16L << 20;

  private final List<Integer> fds = new ArrayList<>();
  private final int cpus = BpfKernel.possibleCpus();
  private BpfPrograms.Maps maps;
  private RingBuffer ring;

  private KernelProbes() {}

  /**
   * Creates the maps, loads the programs for {@code plan} and attaches them. {@code syscallNames}
   * names this architecture's numbers, {@code specs} are the rows by name; {@code track} are thread
   * groups followed from the start (attached processes).
   */
  static KernelProbes attach(
      KernelLayout layout,
      BpfPrograms.Plan plan,
      IntFunction<Optional<String>> syscallNames,
      Map<String, TracedCalls.Spec> specs,
      List<Integer> track)
      throws IOException {
    KernelProbes p = new KernelProbes();
    try {
      p.maps =
          new BpfPrograms.Maps(
              p.map(BpfKernel.MAP_PERCPU_ARRAY, 4, 8, SYSCALLS, "tailor_counts"),
              p.map(BpfKernel.MAP_HASH, 8, 8, 16384, "tailor_errors"),
              p.map(BpfKernel.MAP_HASH, 16, 8, 65536, "tailor_args"),
              p.map(BpfKernel.MAP_HASH, 4, 8, 65536, "tailor_tracked"),
              p.map(BpfKernel.MAP_ARRAY, 4, TracedCalls.ROW, SYSCALLS, "tailor_spec"),
              p.map(BpfKernel.MAP_PERCPU_ARRAY, 4, BpfPrograms.SCRATCH, 1, "tailor_scratch"),
              p.map(BpfKernel.MAP_RINGBUF, 0, 0, (int) RING, "tailor_events"),
              p.map(BpfKernel.MAP_PERCPU_ARRAY, 4, 8, 1, "tailor_stats"));
      Memory key = new Memory(4);
      Memory row = new Memory(TracedCalls.ROW);
      for (int nr = 0; nr < SYSCALLS; nr++) {
        TracedCalls.Spec s = syscallNames.apply(nr).map(specs::get).orElse(null);
        if (s != null) {
          key.setInt(0, nr);
          row.write(0, TracedCalls.encode(s), 0, TracedCalls.ROW);
          BpfKernel.update(p.maps.spec(), key, row);
        }
      }
      Memory one = new Memory(8);
      one.setLong(0, 1);
      for (int pid : track) {
        key.setInt(0, pid);
        BpfKernel.update(p.maps.tracked(), key, one);
      }
      p.ring = RingBuffer.map(p.maps.events(), RING);
      BpfPrograms programs = new BpfPrograms(layout, p.maps, plan);
      // Processes first, so that no call of a new child is seen before its fork.
      int fork = p.keep(load(programs.processes().fork(), layout.processFork(), "tailor_fork"));
      int exec = p.keep(load(programs.processes().exec(), layout.processExec(), "tailor_exec"));
      int exit = p.keep(load(programs.processes().exit(), layout.processExit(), "tailor_exit"));
      int calls = p.keep(load(programs.sysExit(), layout.sysExit(), "tailor_sys_exit"));
      for (int prog : List.of(fork, exec, exit, calls)) {
        p.keep(BpfKernel.attachTracing(prog));
      }
      return p;
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private int keep(int fd) {
    fds.add(fd);
    return fd;
  }

  private int map(int type, int keySize, int valueSize, int entries, String name)
      throws IOException {
    return keep(BpfKernel.createMap(type, keySize, valueSize, entries, name));
  }

  private static int load(BpfCode code, int btfId, String name) throws IOException {
    return BpfKernel.loadTracing(code.build(), code.functionStarts(), btfId, name);
  }

  RingBuffer ring() {
    return ring;
  }

  /** Calls counted per syscall number. */
  Map<Integer, Long> counts() {
    Map<Integer, Long> out = new TreeMap<>();
    for (int nr = 0; nr < SYSCALLS; nr++) {
      long sum = perCpuSum(maps.counts(), nr);
      if (sum > 0) {
        out.put(nr, sum);
      }
    }
    return out;
  }

  /** Failed calls per {syscall number, errno}. */
  Map<List<Integer>, Long> errors() {
    Map<List<Integer>, Long> out =
        new TreeMap<>(
            Comparator.comparing((List<Integer> k) -> k.get(0)).thenComparing(k -> k.get(1)));
    hash(maps.errors(), 8, (k, v) -> out.put(List.of(k.getInt(0), k.getInt(4)), v));
    return out;
  }

  /**
   * Argument values per {syscall number, argument index} and value: {nr, index, value} -> calls.
   */
  List<long[]> arguments() {
    List<long[]> out = new ArrayList<>();
    hash(
        maps.args(), 16, (k, v) -> out.add(new long[] {k.getInt(0), k.getInt(4), k.getLong(8), v}));
    return out;
  }

  /** Events the ring had no room for. */
  long lost() {
    return perCpuSum(maps.stats(), 0);
  }

  /** The sum over every CPU of per-CPU array {@code map}'s value at {@code index} (0: none). */
  private long perCpuSum(int map, int index) {
    Memory key = new Memory(4);
    key.setInt(0, index);
    Memory value = new Memory(8L * cpus);
    long sum = 0;
    if (BpfKernel.lookup(map, key, value)) {
      for (int c = 0; c < cpus; c++) {
        sum += value.getLong(8L * c);
      }
    }
    return sum;
  }

  private static void hash(int map, int keySize, BiConsumer<Memory, Long> sink) {
    Memory key = null;
    Memory next = new Memory(keySize);
    Memory value = new Memory(8);
    while (BpfKernel.nextKey(map, key, next)) {
      if (BpfKernel.lookup(map, next, value)) {
        sink.accept(next, value.getLong(0));
      }
      if (key == null) {
        key = new Memory(keySize);
      }
      key.write(0, next.getByteArray(0, keySize), 0, keySize);
    }
  }

  /** Detaches every program and frees the maps. */
  @Override
  public void close() {
    if (ring != null) {
      ring.close();
      ring = null;
    }
    for (int i = fds.size() - 1; i >= 0; i--) {
      BpfKernel.close(fds.get(i));
    }
    fds.clear();
  }
}
