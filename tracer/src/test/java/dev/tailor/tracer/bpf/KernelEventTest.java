package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelEventTest {
  /** A record as the programs lay it out, at offset 16 of a bigger buffer. */
  private static ByteBuffer record(byte[]... parts) {
    int used = 0;
    for (byte[] p : parts) {
      used += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(16 + BpfPrograms.DATA + used).order(ByteOrder.nativeOrder());
    b.putInt(16, BpfPrograms.CALL)
        .putInt(16 + BpfPrograms.TID, 11)
        .putInt(16 + BpfPrograms.TGID, 10)
        .putInt(16 + BpfPrograms.NR, 257)
        .putLong(16 + BpfPrograms.RET, -2)
        .putLong(16 + BpfPrograms.ARGS + 8, 0x1234);
    int at = 16 + BpfPrograms.DATA;
    for (int i = 0; i < parts.length; i++) {
      b.putInt(16 + BpfPrograms.LEN + 4 * i, parts[i].length);
      b.put(at, parts[i]);
      at += parts[i].length;
    }
    b.put(16 + BpfPrograms.STATUS + 2, (byte) BpfPrograms.PART_WALKED);
    return b;
  }

  @Test
  void read_headerAndParts() {
    ByteBuffer b =
        record(
            "name\0".getBytes(StandardCharsets.US_ASCII),
            new byte[0],
            "c\0b\0a\0".getBytes(StandardCharsets.US_ASCII));
    KernelEvent e = KernelEvent.read(b, 16, b.capacity() - 16);
    assertEquals(11, e.tid());
    assertEquals(10, e.tgid());
    assertEquals(257, e.nr());
    assertEquals(-2, e.ret());
    assertEquals(0x1234, e.args()[1]);
    assertEquals(Optional.of("name"), e.string(0));
    assertEquals(Optional.empty(), e.string(1));
    assertEquals(Optional.of("/a/b/c"), e.path(2));
    assertEquals(Optional.empty(), e.path(3), "not walked");
  }

  @Test
  void path_ofTheRootIsSlash() {
    ByteBuffer b = record(new byte[0], new byte[0], new byte[0]);
    assertEquals(Optional.of("/"), KernelEvent.read(b, 16, b.capacity() - 16).path(2));
  }

  @Test
  void read_aPartPastTheEnd_isRefused() {
    ByteBuffer b = record("abc\0".getBytes(StandardCharsets.US_ASCII));
    assertThrows(IllegalArgumentException.class, () -> KernelEvent.read(b, 16, b.capacity() - 17));
    assertThrows(IllegalArgumentException.class, () -> KernelEvent.read(b, 16, 10));
  }

  @Test
  void string_fillingThePart_mayBeCut() {
    byte[] full = new byte[BpfPrograms.PART];
    java.util.Arrays.fill(full, (byte) 'a');
    full[full.length - 1] = 0;
    ByteBuffer b = record(full);
    KernelEvent e = KernelEvent.read(b, 16, b.capacity() - 16);
    assertTrue(e.cut(0));
    assertEquals(Optional.empty(), e.string(0));
  }
}
