package dev.tailor.tracer.strace;

import java.util.Arrays;

/** Interns syscall names without allocating for names already seen. */
final class NameTable {
  private final String[] names = new String[1024];
  private final byte[][] keys = new byte[1024][];

  String intern(byte[] b, int from, int to) {
    int h = 0;
    for (int k = from; k < to; k++) {
      h = 31 * h + b[k];
    }
    int slot = (h & 0x7fffffff) % names.length;
    for (int probe = 0; probe < names.length; probe++) {
      byte[] key = keys[slot];
      if (key == null) {
        keys[slot] = Arrays.copyOfRange(b, from, to);
        names[slot] = StraceBytes.latin1(b, from, to).intern();
        return names[slot];
      }
      if (Arrays.equals(key, 0, key.length, b, from, to)) {
        return names[slot];
      }
      slot = (slot + 1) % names.length;
    }
    return StraceBytes.latin1(b, from, to).intern();
  }
}
