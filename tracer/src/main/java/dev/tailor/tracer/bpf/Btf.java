package dev.tailor.tracer.bpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  private final byte[] strings;
  private final int[] kind;
  private final int[] nameOff;

  /** Size for INT, STRUCT, UNION, ENUM; the referred type for TYPEDEF and modifiers. */
  private final int[] sizeOrType;

  private final int[] firstMember;
  private final int[] memberCount;
  private final int[] memberName;
  private final int[] memberType;

  /** In bits. */
  private final int[] memberOffset;

  private final Map<String, Integer> structs = new HashMap<>();
  private final Map<String, Integer> typedefs = new HashMap<>();

  private Btf(ByteBuffer b) {
    int magic = Short.toUnsignedInt(b.getShort(0));
    if (magic != 0xeb9f) {
      b.order(
          b.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      if (Short.toUnsignedInt(b.getShort(0)) != 0xeb9f) {
        throw new IllegalArgumentException("not BTF (magic " + Integer.toHexString(magic) + ")");
      }
    }
    int hdrLen = b.getInt(4);
    int typeOff = hdrLen + b.getInt(8);
    int typeLen = b.getInt(12);
    int strOff = hdrLen + b.getInt(16);
    int strLen = b.getInt(20);
    strings = new byte[strLen];
    b.get(strOff, strings);
    // Two passes: count, then fill flat arrays (vmlinux has ~130k types and ~400k members).
    int types = 0;
    int members = 0;
    for (int i = typeOff; i < typeOff + typeLen; types++) {
      int info = b.getInt(i + 4);
      int k = (info >>> 24) & 0x1f;
      int vlen = info & 0xffff;
      if (k == STRUCT || k == UNION) {
        members += vlen;
      }
      i += 12 + extra(k, vlen);
    }
    kind = new int[types + 1];
    nameOff = new int[types + 1];
    sizeOrType = new int[types + 1];
    firstMember = new int[types + 1];
    memberCount = new int[types + 1];
    memberName = new int[members];
    memberType = new int[members];
    memberOffset = new int[members];
    int id = 1;
    int m = 0;
    for (int i = typeOff; i < typeOff + typeLen; id++) {
      int info = b.getInt(i + 4);
      int k = (info >>> 24) & 0x1f;
      int vlen = info & 0xffff;
      boolean kflag = info < 0;
      kind[id] = k;
      nameOff[id] = b.getInt(i);
      sizeOrType[id] = b.getInt(i + 8);
      if (k == STRUCT || k == UNION) {
        firstMember[id] = m;
        memberCount[id] = vlen;
        for (int j = 0; j < vlen; j++, m++) {
          int at = i + 12 + 12 * j;
          memberName[m] = b.getInt(at);
          memberType[m] = b.getInt(at + 4);
          int off = b.getInt(at + 8);
          memberOffset[m] = kflag ? off & 0xffffff : off;
        }
        if (nameOff[id] != 0 && k == STRUCT) {
          structs.putIfAbsent(string(nameOff[id]), id);
        }
      } else if (k == TYPEDEF && nameOff[id] != 0) {
        typedefs.putIfAbsent(string(nameOff[id]), id);
      }
      i += 12 + extra(k, vlen);
    }
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

  /** This kernel's BTF. */
  static Btf load() throws IOException {
    return parse(Files.readAllBytes(VMLINUX));
  }

  static Btf parse(byte[] data) {
    return new Btf(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The id of typedef {@code name} (a typed tracepoint's {@code btf_trace_<name>}). */
  int typedef(String name) {
    Integer id = typedefs.get(name);
    if (id == null) {
      throw new IllegalArgumentException("no typedef " + name + " in this kernel's BTF");
    }
    return id;
  }

  /**
   * The byte offset of member {@code member} of struct {@code struct}. Members of anonymous structs
   * and unions are found as the compiler finds them.
   */
  int offset(String struct, String member) {
    Integer id = structs.get(struct);
    if (id == null) {
      throw new IllegalArgumentException("no struct " + struct + " in this kernel's BTF");
    }
    long bits = member(id, member);
    if (bits < 0) {
      throw new IllegalArgumentException("struct " + struct + " has no member " + member);
    }
    if (bits % 8 != 0) {
      throw new IllegalArgumentException(struct + "." + member + " is a bit field");
    }
    return (int) (bits / 8);
  }

  /** The bit offset of member {@code name} of struct or union {@code type}, or -1. */
  private long member(int type, String name) {
    if (kind[type] != STRUCT && kind[type] != UNION) {
      return -1;
    }
    byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
    for (int m = firstMember[type]; m < firstMember[type] + memberCount[type]; m++) {
      if (memberName[m] == 0) {
        long inner = member(resolve(memberType[m]), name);
        if (inner >= 0) {
          return memberOffset[m] + inner;
        }
      } else if (equals(memberName[m], wanted)) {
        return memberOffset[m];
      }
    }
    return -1;
  }

  /** Skips typedefs and qualifiers (an anonymous member's type may carry them). */
  private int resolve(int type) {
    int t = type;
    for (int guard = 0; guard < 64 && MODIFIERS.contains(kind[t]); guard++) {
      t = sizeOrType[t];
    }
    return t;
  }

  private boolean equals(int off, byte[] name) {
    return off + name.length < strings.length
        && Arrays.equals(strings, off, off + name.length, name, 0, name.length)
        && strings[off + name.length] == 0;
  }

  private String string(int off) {
    int end = off;
    while (end < strings.length && strings[end] != 0) {
      end++;
    }
    return new String(strings, off, end - off, StandardCharsets.US_ASCII);
  }
}
