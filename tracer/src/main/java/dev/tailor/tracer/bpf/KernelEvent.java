package dev.tailor.tracer.bpf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One record of {@link BpfPrograms}' ring, decoded: the header (kind, thread, thread group, call
 * number, result, the six argument registers) and up to four parts, each read whole or marked as
 * not a path ({@link BpfPrograms#PART_PSEUDO}) or not read ({@link BpfPrograms#PART_FAILED}).
 */
record KernelEvent(
    int kind,
    int tid,
    int tgid,
    int nr,
    long ret,
    long[] args,
    byte[][] parts,
    int[] status,
    int peek) {

  KernelEvent {
    args = args.clone();
    parts = parts.clone();
    status = status.clone();
  }

  /**
   * Decodes the record of {@code length} bytes at {@code offset}; throws on a record too short for
   * its lengths.
   */
  static KernelEvent read(ByteBuffer b, int offset, int length) {
    if (length < BpfPrograms.DATA) {
      throw new IllegalArgumentException("record of " + length + " bytes");
    }
    long[] args = new long[6];
    for (int i = 0; i < 6; i++) {
      args[i] = b.getLong(offset + BpfPrograms.ARGS + 8 * i);
    }
    byte[][] parts = new byte[4][];
    int[] status = new int[4];
    int at = offset + BpfPrograms.DATA;
    int end = offset + length;
    for (int i = 0; i < 4; i++) {
      int n = b.getInt(offset + BpfPrograms.LEN + 4 * i);
      status[i] = b.get(offset + BpfPrograms.STATUS + i);
      if (n < 0 || at + n > end) {
        throw new IllegalArgumentException(
            "part " + i + " of " + n + " bytes past the record's end");
      }
      parts[i] = new byte[n];
      b.get(at, parts[i]);
      at += n;
    }
    return new KernelEvent(
        b.getInt(offset),
        b.getInt(offset + BpfPrograms.TID),
        b.getInt(offset + BpfPrograms.TGID),
        b.getInt(offset + BpfPrograms.NR),
        b.getLong(offset + BpfPrograms.RET),
        args,
        parts,
        status,
        b.getInt(offset + BpfPrograms.PEEK));
  }

  /** Whether part {@code i} holds bytes (it was read whole). */
  boolean has(int i) {
    return parts[i].length > 0 && status[i] == BpfPrograms.PART_OK;
  }

  /**
   * A string part as the call passed it, one char per byte; empty when it was not read or may be
   * cut (a string that fills the whole part, PATH_MAX bytes with its NUL).
   */
  Optional<String> string(int i) {
    byte[] p = parts[i];
    if (!has(i) || p.length >= BpfPrograms.PART) {
      return Optional.empty();
    }
    int n = p[p.length - 1] == 0 ? p.length - 1 : p.length;
    return Optional.of(new String(p, 0, n, StandardCharsets.ISO_8859_1));
  }

  /** Whether string part {@code i} was read but fills the whole part, so it may be cut. */
  boolean cut(int i) {
    return has(i) && parts[i].length >= BpfPrograms.PART;
  }

  /**
   * A walked part as an absolute path (its components come last first, each NUL-terminated); empty
   * when none was walked.
   */
  Optional<String> path(int i) {
    if (status[i] != BpfPrograms.PART_WALKED) {
      return Optional.empty();
    }
    byte[] p = parts[i];
    // Components come last first, each ending in a NUL: /c/b/a for "a\0b\0c\0"; bytes after the
    // last NUL are no whole component.
    int end = p.length;
    while (end > 0 && p[end - 1] != 0) {
      end--;
    }
    if (end == 0) {
      return Optional.of("/");
    }
    List<String> names =
        Arrays.asList(new String(p, 0, end - 1, StandardCharsets.ISO_8859_1).split("\0", -1));
    Collections.reverse(names);
    return Optional.of("/" + String.join("/", names));
  }

  /** {@code name}, when it is relative, joined to the path walked into part {@code i}, if any. */
  String under(int i, String name) {
    if (name.startsWith("/")) {
      return name;
    }
    return path(i).map(dir -> dir.endsWith("/") ? dir + name : dir + "/" + name).orElse(name);
  }

  /** Argument {@code i} as the kernel reads an int: the register's low 32 bits, signed. */
  int intArg(int i) {
    return (int) args[i];
  }
}
