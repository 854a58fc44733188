package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BtfTest {
  /** struct s { int a; union { struct { int b; int c; }; long d; }; int e; }; typedef int t; */
  private static byte[] sample() {
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    strings.write(0);
    int[] names = new int[6];
    String[] n = {"int", "s", "a", "b", "c", "e"};
    for (int i = 0; i < n.length; i++) {
      names[i] = strings.size();
      strings.writeBytes((n[i] + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    int d = strings.size();
    strings.writeBytes("d\0t\0".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer t = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    t.putInt(names[0]).putInt(1 << 24).putInt(4).putInt(32); // 1 int
    t.putInt(0).putInt(4 << 24 | 2).putInt(8); // 2 anonymous struct { b, c }
    t.putInt(names[3]).putInt(1).putInt(0).putInt(names[4]).putInt(1).putInt(32);
    t.putInt(0).putInt(5 << 24 | 2).putInt(8); // 3 anonymous union { struct; d }
    t.putInt(0).putInt(2).putInt(0).putInt(d).putInt(1).putInt(0);
    t.putInt(names[1]).putInt(4 << 24 | 3).putInt(16); // 4 struct s { a, union, e }
    t.putInt(names[2])
        .putInt(1)
        .putInt(0)
        .putInt(0)
        .putInt(3)
        .putInt(32)
        .putInt(names[5])
        .putInt(1)
        .putInt(96);
    t.putInt(d + 2).putInt(8 << 24).putInt(1); // 5 typedef t
    int typeLen = t.position();
    byte[] s = strings.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(24 + typeLen + s.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xeb9f)
        .put((byte) 1)
        .put((byte) 0)
        .putInt(24)
        .putInt(0)
        .putInt(typeLen)
        .putInt(typeLen)
        .putInt(s.length);
    b.put(t.array(), 0, typeLen).put(s);
    return b.array();
  }

  @Test
  void offset_findsMembersOfAnonymousStructsAndUnions() {
    Btf btf = Btf.parse(sample());
    assertEquals(0, btf.offset("s", "a"));
    assertEquals(4, btf.offset("s", "b"));
    assertEquals(8, btf.offset("s", "c"));
    assertEquals(4, btf.offset("s", "d"));
    assertEquals(12, btf.offset("s", "e"));
    assertEquals(5, btf.typedef("t"));
  }

  @Test
  void offset_ofWhatIsNotThereNamesIt() {
    Btf btf = Btf.parse(sample());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> btf.offset("s", "zz"))
            .getMessage()
            .contains("s has no member zz"));
    assertThrows(IllegalArgumentException.class, () -> btf.offset("nope", "a"));
    assertThrows(IllegalArgumentException.class, () -> btf.typedef("nope"));
  }

  @Test
  void parse_notBtfIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Btf.parse(new byte[24]));
  }

  @Test
  void functionTypes_areBtfThatParses() {
    Btf btf = Btf.parse(BpfKernel.functionTypes(3));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> btf.offset("int", "x"))
            .getMessage()
            .contains("no struct int"));
  }

  @Test
  void load_thisKernel_hasTheFieldsTheProgramsRead() throws Exception {
    assumeTrue(Files.isReadable(Btf.VMLINUX), "this kernel has no BTF");
    Btf btf = Btf.load();
    // struct path { struct vfsmount *mnt; struct dentry *dentry; } on every kernel
    assertEquals(0, btf.offset("path", "mnt"));
    assertEquals(8, btf.offset("path", "dentry"));
    KernelLayout k = KernelLayout.of(btf, dev.tailor.tracer.Arch.current());
    assertTrue(k.mmArgEnd() > k.mmArgStart(), "arg_end follows arg_start in mm_struct");
    assertTrue(k.sysExit() > 0 && k.processExec() > 0);
  }
}
