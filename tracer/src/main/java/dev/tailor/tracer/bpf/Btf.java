package dev.tailor.tracer.bpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's own description of its types ({@code /sys/kernel/btf/vmlinux}): where a field sits
 * in a kernel struct on this very kernel, and the ids the verifier wants for typed tracepoints. The
 * programs tailor loads read {@code task_struct}, {@code dentry} and {@code mount} fields at these
 * offsets, so one build runs on any kernel with BTF; the verifier checks every typed load against
 * the same data.
 *
 * <p>The data is read once and searched where it lies: only where each type starts is indexed
 * (vmlinux has ~130k types and ~400k members, and tailor asks for some 40 of them).
 */
final class Btf {
  static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  static final int INT = 1;
  static final int ARRAY = 3;
  static final int STRUCT = 4;
  static final int UNION = 5;
  static final int TYPEDEF = 8;
  static final int VOLATILE = 9;
  static final int CONST = 10;
  static final int RESTRICT = 11;
  static final int TYPE_TAG = 18;
  private static final Set<Integer> MODIFIERS =
      Set.of(TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG);

  private final ByteBuffer data;
  private final int strOff;
  private final int strEnd;

  /** Where type id i's 12-byte header starts in {@link #data} (id 0 is void). */
  private final int[] start;

  private final Map<String, Integer> found = new HashMap<>();

  private Btf(ByteBuffer b) {
    int magic = Short.toUnsignedInt(b.getShort(0));
    if (magic != 0xeb9f) {
      b.order(
          b.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      if (Short.toUnsignedInt(b.getShort(0)) != 0xeb9f) {
        throw new IllegalArgumentException("not BTF (magic " + Integer.toHexString(magic) + ")");
      }
    }
    data = b;
    int hdrLen = b.getInt(4);
    int typeOff = hdrLen + b.getInt(8);
    int typeEnd = typeOff + b.getInt(12);
    strOff = hdrLen + b.getInt(16);
    strEnd = strOff + b.getInt(20);
    int[] at = new int[1 << 12];
    int id = 1;
    for (int i = typeOff; i < typeEnd; id++) {
      if (id == at.length) {
        at = Arrays.copyOf(at, at.length * 2);
      }
      at[id] = i;
      int info = b.getInt(i + 4);
      i += 12 + extra(kind(info), info & 0xffff);
    }
    start = Arrays.copyOf(at, id);
  }

  private static int kind(int info) {
    return (info >>> 24) & 0x1f;
  }

  /** Bytes after a type's 12-byte header, by kind (see the kernel's btf.rst). */
  private static int extra(int kind, int vlen) {
    return switch (kind) {
      case INT, 14 /* VAR */, 17 /* DECL_TAG */ -> 4;
      case ARRAY -> 12;
      case STRUCT, UNION, 15 /* DATASEC */, 19 /* ENUM64 */ -> 12 * vlen;
      case 6 /* ENUM */, 13 /* FUNC_PROTO */ -> 8 * vlen;
      default -> 0;
    };
  }

  /**
   * This kernel's BTF. Read into memory outside the heap: the read's pages are the only ones it
   * touches (a heap copy and arrays of every type and member cost more than the parse).
   */
  static Btf load() throws IOException {
    try (FileChannel c = FileChannel.open(VMLINUX)) {
      ByteBuffer b = ByteBuffer.allocateDirect((int) c.size());
      while (b.hasRemaining() && c.read(b) > 0) {}
      return new Btf(b.flip().slice().order(ByteOrder.LITTLE_ENDIAN));
    }
  }

  static Btf parse(byte[] data) {
    return new Btf(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
  }

  private int kindOf(int id) {
    return kind(data.getInt(start[id] + 4));
  }

  /** The first type of kind {@code k} named {@code name}, found once. */
  private int named(int k, String name, String what) {
    return found.computeIfAbsent(k + " " + name, key -> scan(k, name, what));
  }

  private int scan(int k, String name, String what) {
    byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
    for (int id = 1; id < start.length; id++) {
      int nameOff = data.getInt(start[id]);
      if (nameOff != 0 && kindOf(id) == k && equals(nameOff, wanted)) {
        return id;
      }
    }
    throw new IllegalArgumentException("no " + what + " " + name + " in this kernel's BTF");
  }

  /** The id of typedef {@code name} (a typed tracepoint's {@code btf_trace_<name>}). */
  int typedef(String name) {
    return named(TYPEDEF, name, "typedef");
  }

  /**
   * The byte offset of member {@code member} of struct {@code struct}. Members of anonymous structs
   * and unions are found as the compiler finds them.
   */
  int offset(String struct, String member) {
    long bits = member(named(STRUCT, struct, "struct"), member.getBytes(StandardCharsets.US_ASCII));
    if (bits < 0) {
      throw new IllegalArgumentException("struct " + struct + " has no member " + member);
    }
    if (bits % 8 != 0) {
      throw new IllegalArgumentException(struct + "." + member + " is a bit field");
    }
    return (int) (bits / 8);
  }

  /** The bit offset of member {@code name} of struct or union {@code type}, or -1. */
  private long member(int type, byte[] name) {
    int info = data.getInt(start[type] + 4);
    if (kind(info) != STRUCT && kind(info) != UNION) {
      return -1;
    }
    for (int j = 0, at = start[type] + 12; j < (info & 0xffff); j++, at += 12) {
      int memberName = data.getInt(at);
      long offset = info < 0 ? data.getInt(at + 8) & 0xffffff : data.getInt(at + 8);
      if (memberName == 0) {
        long inner = member(resolve(data.getInt(at + 4)), name);
        if (inner >= 0) {
          return offset + inner;
        }
      } else if (equals(memberName, name)) {
        return offset;
      }
    }
    return -1;
  }

  /** Skips typedefs and qualifiers (an anonymous member's type may carry them). */
  private int resolve(int type) {
    int t = type;
    for (int guard = 0; guard < 64 && MODIFIERS.contains(kindOf(t)); guard++) {
      t = data.getInt(start[t] + 8);
    }
    return t;
  }

  private boolean equals(int off, byte[] name) {
    int at = strOff + off;
    if (at + name.length >= strEnd) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (data.get(at + i) != name[i]) {
        return false;
      }
    }
    return data.get(at + name.length) == 0;
  }
}
