package dev.tailor.tracer.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.call.Errnos;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kernel's {@code bpf(2)} interface, the few commands tailor uses: maps, program loading with
 * the verifier's log, typed tracepoint attachment, and map reads. Every call returns a file
 * descriptor or a value, or throws with the command and errno.
 */
final class BpfKernel {
  static final int MAP_HASH = 1;
  static final int MAP_ARRAY = 2;
  static final int MAP_PERCPU_ARRAY = 6;
  static final int MAP_RINGBUF = 27;

  private static final int MAP_CREATE = 0;
  private static final int MAP_LOOKUP_ELEM = 1;
  private static final int MAP_UPDATE_ELEM = 2;
  private static final int MAP_GET_NEXT_KEY = 4;
  private static final int PROG_LOAD = 5;
  private static final int RAW_TRACEPOINT_OPEN = 17;
  private static final int BTF_LOAD = 18;

  private static final int PROG_TRACING = 26;
  private static final int TRACE_RAW_TP = 23;

  /**
   * {@code sizeof(union bpf_attr)} in the uapi tailor was written against; the kernel accepts zeros
   * past its own.
   */
  private static final int ATTR = 144;

  private BpfKernel() {}

  /** The bpf syscall's number on this architecture. */
  private static long number() {
    return switch (Arch.current()) {
      case "x86_64" -> 321;
      case "aarch64" -> 280;
      default -> throw new IllegalStateException("bpf(2) number unknown on " + Arch.current());
    };
  }

  private static final long SYS_BPF = number();

  /** bpf(cmd, attr): an fd or value, or -1 with errno. */
  private static long raw(int cmd, Memory attr) {
    return LibC.INSTANCE.syscall(SYS_BPF, (long) cmd, attr, (long) ATTR);
  }

  private static long call(int cmd, Memory attr, String what) throws IOException {
    long r = raw(cmd, attr);
    if (r < 0) {
      throw new IOException(what + " failed: " + errno());
    }
    return r;
  }

  /** The errno of the last bpf call, with its name. */
  private static String errno() {
    int errno = Native.getLastError();
    return "errno " + errno + " (" + Errnos.name(errno) + ")";
  }

  private static Memory attr() {
    Memory m = new Memory(ATTR);
    m.clear();
    return m;
  }

  /** A new map; returns its fd. */
  static int createMap(int type, int keySize, int valueSize, int maxEntries, String name)
      throws IOException {
    Memory a = attr();
    a.setInt(0, type);
    a.setInt(4, keySize);
    a.setInt(8, valueSize);
    a.setInt(12, maxEntries);
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    a.write(28, n, 0, Math.min(n.length, 15));
    return (int) call(MAP_CREATE, a, "creating BPF map " + name);
  }

  /** Writes {@code value} under {@code key}. */
  static void update(int map, Memory key, Memory value) throws IOException {
    call(MAP_UPDATE_ELEM, element(map, key, value), "writing a BPF map entry");
  }

  /** Reads the value under {@code key} into {@code value}; false when there is none. */
  static boolean lookup(int map, Memory key, Memory value) {
    return raw(MAP_LOOKUP_ELEM, element(map, key, value)) == 0;
  }

  /** The key after {@code key} (or the first key when {@code key} is null); false at the end. */
  static boolean nextKey(int map, Memory key, Memory next) {
    return raw(MAP_GET_NEXT_KEY, element(map, key, next)) == 0;
  }

  /** The attributes of a map element command: the map, a key, and a value (or the next key). */
  private static Memory element(int map, Memory key, Memory value) {
    Memory a = attr();
    a.setInt(0, map);
    a.setPointer(8, key);
    a.setPointer(16, value);
    return a;
  }

  /**
   * Loads a program for the typed tracepoint {@code btf_trace_<event>} (BTF id {@code btfId}); the
   * verifier's complaint is in the exception when it refuses.
   */
  static int loadTracing(long[] insns, int[] functions, int btfId, String name) throws IOException {
    int btf =
        (int)
            call(
                BTF_LOAD,
                btfAttr(functionTypes(functions.length)),
                "loading the BTF of BPF program " + name);
    try {
      return load(insns, functions, btf, btfId, name, 0);
    } catch (IOException quiet) {
      // Again with the verifier's log, which costs it several times the work: only to explain.
      return load(insns, functions, btf, btfId, name, 1);
    } finally {
      close(btf);
    }
  }

  /**
   * The smallest BTF that describes a program's functions: one {@code int f(void)} prototype and a
   * static function of it per subprogram. The verifier wants it for programs with callbacks
   * (bpf_loop's step); it checks the callback's body once instead of once per loop round.
   */
  static byte[] functionTypes(int functions) {
    java.io.ByteArrayOutputStream strings = new java.io.ByteArrayOutputStream();
    strings.write(0);
    int intName = strings.size();
    strings.writeBytes("int\0".getBytes(StandardCharsets.US_ASCII));
    java.nio.ByteBuffer types =
        java.nio.ByteBuffer.allocate(16 + 12 + 12 * functions)
            .order(java.nio.ByteOrder.nativeOrder());
    types.putInt(intName).putInt(1 << 24).putInt(4).putInt(0x01000020); // 1: int, signed, 32 bits
    types.putInt(0).putInt(13 << 24).putInt(1); // 2: int (void)
    for (int i = 0; i < functions; i++) {
      int n = strings.size();
      strings.writeBytes(("f" + i + "\0").getBytes(StandardCharsets.US_ASCII));
      types.putInt(n).putInt(12 << 24).putInt(2); // 3 + i: static function of type 2
    }
    byte[] s = strings.toByteArray();
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(24 + types.capacity() + s.length)
            .order(java.nio.ByteOrder.nativeOrder());
    b.putShort((short) 0xeb9f)
        .put((byte) 1)
        .put((byte) 0)
        .putInt(24)
        .putInt(0)
        .putInt(types.capacity())
        .putInt(types.capacity())
        .putInt(s.length);
    b.put(types.array()).put(s);
    return b.array();
  }

  private static Memory btfAttr(byte[] btf) {
    Memory data = new Memory(btf.length);
    data.write(0, btf, 0, btf.length);
    Memory a = attr();
    a.setPointer(0, data);
    a.setInt(16, btf.length);
    return a;
  }

  private static int load(
      long[] insns, int[] functions, int btf, int btfId, String name, int logLevel)
      throws IOException {
    Memory code = new Memory(8L * insns.length);
    code.write(0, insns, 0, insns.length);
    Memory license = new Memory(4);
    license.setString(0, "GPL", "US-ASCII");
    int logSize = logLevel == 0 ? 1 : 1 << 22;
    Memory log = new Memory(logSize);
    log.setByte(0, (byte) 0);
    Memory a = attr();
    a.setInt(0, PROG_TRACING);
    a.setInt(4, insns.length);
    a.setPointer(8, code);
    a.setPointer(16, license);
    if (logLevel > 0) {
      a.setInt(24, logLevel);
      a.setInt(28, logSize);
      a.setPointer(32, log);
    }
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    a.write(48, n, 0, Math.min(n.length, 15));
    a.setInt(68, TRACE_RAW_TP);
    Memory funcs = new Memory(8L * functions.length);
    for (int i = 0; i < functions.length; i++) {
      funcs.setInt(8L * i, functions[i]);
      funcs.setInt(8L * i + 4, 3 + i);
    }
    a.setInt(72, btf);
    a.setInt(76, 8);
    a.setPointer(80, funcs);
    a.setInt(88, functions.length);
    a.setInt(108, btfId);
    long r = raw(PROG_LOAD, a);
    if (r < 0) {
      String errno = errno();
      String text = log.getString(0, "ISO-8859-1");
      throw new IOException(
          "the kernel refused tailor's BPF program "
              + name
              + ": "
              + errno
              + (text.isBlank() ? "" : "\n" + tail(text)));
    }
    return (int) r;
  }

  private static String tail(String log) {
    String[] lines = log.split("\n");
    return Arrays.stream(lines, Math.max(0, lines.length - 25), lines.length)
        .map(line -> line + "\n")
        .collect(Collectors.joining());
  }

  /** Attaches a loaded typed-tracepoint program; closing the returned fd detaches it. */
  static int attachTracing(int prog) throws IOException {
    Memory a = attr();
    a.setInt(8, prog);
    return (int) call(RAW_TRACEPOINT_OPEN, a, "attaching a BPF program");
  }

  static void close(int fd) {
    if (fd >= 0) {
      LibC.INSTANCE.close(fd);
    }
  }

  /** The number of possible CPUs, which per-CPU maps hold a value for each of. */
  static int possibleCpus() {
    try {
      // "0-3", "0,2-5": the highest number of any list item or range
      String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
      return 1
          + Arrays.stream(s.split("[,-]"))
              .mapToInt(n -> Integer.parseInt(n.trim()))
              .max()
              .orElseThrow();
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  static long pageSize() {
    return LibC.INSTANCE.sysconf(30 /* _SC_PAGESIZE */);
  }
}
