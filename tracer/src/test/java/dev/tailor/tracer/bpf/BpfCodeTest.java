package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Encodings checked against the kernel's instruction-set document (opcode, regs, offset,
 * immediate).
 */
class BpfCodeTest {
  private static long insn(int opcode, int dst, int src, int off, int imm) {
    return (opcode & 0xffL)
        | ((long) (src << 4 | dst) << 8)
        | ((off & 0xffffL) << 16)
        | ((long) imm << 32);
  }

  @Test
  void build_encodesMovLoadStoreCallExit() {
    BpfCode c = new BpfCode();
    c.mov(BpfCode.R6, BpfCode.R1)
        .movImm(BpfCode.R0, -1)
        .load(BpfCode.DW, BpfCode.R2, BpfCode.R6, 8)
        .store(BpfCode.W, BpfCode.FP, -4, BpfCode.R2)
        .storeImm(BpfCode.B, BpfCode.R0, 3, 7)
        .call(14)
        .exit();
    assertArrayEquals(
        new long[] {
          insn(0xbf, 6, 1, 0, 0),
          insn(0xb7, 0, 0, 0, -1),
          insn(0x79, 2, 6, 8, 0),
          insn(0x63, 10, 2, -4, 0),
          insn(0x72, 0, 0, 3, 7),
          insn(0x85, 0, 0, 0, 14),
          insn(0x95, 0, 0, 0, 0)
        },
        c.build());
  }

  @Test
  void build_loadImm64TakesTwoSlots() {
    long[] code =
        new BpfCode().loadImm64(BpfCode.R1, 0x1122334455667788L).loadMap(BpfCode.R2, 9).build();
    assertEquals(4, code.length);
    assertEquals(insn(0x18, 1, 0, 0, 0x55667788), code[0]);
    assertEquals(insn(0, 0, 0, 0, 0x11223344), code[1]);
    assertEquals(insn(0x18, 2, 1, 0, 9), code[2]);
  }

  @Test
  void build_resolvesJumpsForwardAndBack() {
    BpfCode c = new BpfCode();
    BpfCode.Label top = c.label();
    BpfCode.Label end = c.label();
    c.bind(top)
        .jump(BpfCode.JEQ, BpfCode.R1, 5, end)
        .movImm(BpfCode.R0, 0)
        .jumpTo(top)
        .bind(end)
        .exit();
    long[] code = c.build();
    assertEquals(insn(0x15, 1, 0, 2, 5), code[0]);
    assertEquals(insn(0x05, 0, 0, -3, 0), code[2]);
  }

  @Test
  void build_callsAndCallbacksPointAtTheirFunctions() {
    BpfCode c = new BpfCode();
    BpfCode.Label f = c.label();
    c.callLocal(f).loadFunction(BpfCode.R2, f).ret(0).function(f).ret(1);
    long[] code = c.build();
    assertEquals(insn(0x85, 0, 1, 0, 4), code[0]);
    assertEquals(insn(0x18, 2, 4, 0, 3), code[1]);
    assertArrayEquals(new int[] {0, 5}, c.functionStarts());
  }

  @Test
  void build_anUnboundLabelIsAnError() {
    BpfCode c = new BpfCode();
    c.jumpTo(c.label());
    assertThrows(IllegalStateException.class, c::build);
  }
}
