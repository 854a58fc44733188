package dev.tailor.tracer.bpf;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A BPF program being written instruction by instruction, with labels for jumps, calls and
 * callbacks: a small assembler, so that tailor needs no compiler at run time (bpftrace brought LLVM
 * and ~0.7 s of compiling per run). Encodings follow the kernel's {@code
 * Documentation/bpf/standardization/instruction-set.rst}.
 */
final class BpfCode {
  static final int R0 = 0;
  static final int R1 = 1;
  static final int R2 = 2;
  static final int R3 = 3;
  static final int R4 = 4;
  static final int R5 = 5;
  static final int R6 = 6;
  static final int R7 = 7;
  static final int R8 = 8;
  static final int R9 = 9;

  /** The read-only frame pointer; the stack is the 512 bytes below it. */
  static final int FP = 10;

  static final int B = 0x10;
  static final int W = 0x00;
  static final int DW = 0x18;

  // ALU operations (with BPF_ALU64 = 0x07 or BPF_ALU = 0x04)
  static final int ADD = 0x00;
  static final int SUB = 0x10;
  static final int AND = 0x50;
  static final int LSH = 0x60;
  static final int RSH = 0x70;
  static final int NEG = 0x80;
  static final int MOV = 0xb0;
  static final int ARSH = 0xc0;

  // jumps (with BPF_JMP = 0x05)
  static final int JEQ = 0x10;
  static final int JGT = 0x20;
  static final int JGE = 0x30;
  static final int JNE = 0x50;
  static final int JSGE = 0x70;
  static final int JLE = 0xb0;
  static final int JSLT = 0xc0;
  static final int JSLE = 0xd0;

  private static final int ALU64 = 0x07;
  private static final int JMP = 0x05;
  private static final int K = 0x00;
  private static final int X = 0x08;

  /** A position in the program that jumps, calls and callbacks refer to. */
  static final class Label {
    private int at = -1;
  }

  private record Fixup(int insn, Label target, boolean imm) {}

  private final List<Long> insns = new ArrayList<>();
  private final List<Fixup> fixups = new ArrayList<>();

  /** Where each function other than the main program starts. */
  private final List<Label> functions = new ArrayList<>();

  private BpfCode emit(int opcode, int dst, int src, int off, int imm) {
    insns.add(
        (opcode & 0xffL)
            | ((long) ((src & 0xf) << 4 | (dst & 0xf)) << 8)
            | ((off & 0xffffL) << 16)
            | ((long) imm << 32));
    return this;
  }

  Label label() {
    return new Label();
  }

  /** Places {@code label} at the next instruction. */
  BpfCode bind(Label label) {
    if (label.at >= 0) {
      throw new IllegalStateException("label bound twice");
    }
    label.at = insns.size();
    return this;
  }

  /** Places {@code label} at the next instruction, the start of a subprogram or callback. */
  BpfCode function(Label label) {
    functions.add(label);
    return bind(label);
  }

  /** The instruction index of every function: 0 for the main program, then each subprogram's. */
  int[] functionStarts() {
    return IntStream.concat(IntStream.of(0), functions.stream().mapToInt(f -> f.at))
        .sorted()
        .toArray();
  }

  BpfCode mov(int dst, int src) {
    return emit(ALU64 | X | MOV, dst, src, 0, 0);
  }

  BpfCode movImm(int dst, int imm) {
    return emit(ALU64 | K | MOV, dst, 0, 0, imm);
  }

  /** A 64-bit ALU operation with a register operand. */
  BpfCode alu(int op, int dst, int src) {
    return emit(ALU64 | X | op, dst, src, 0, 0);
  }

  /** A 64-bit ALU operation with a constant operand. */
  BpfCode aluImm(int op, int dst, int imm) {
    return emit(ALU64 | K | op, dst, 0, 0, imm);
  }

  BpfCode add(int dst, int imm) {
    return aluImm(ADD, dst, imm);
  }

  /** {@code dst = *(size *)(src + off)}. */
  BpfCode load(int size, int dst, int src, int off) {
    return emit(0x61 & ~0x18 | size, dst, src, off, 0);
  }

  /** {@code *(size *)(dst + off) = src}. */
  BpfCode store(int size, int dst, int off, int src) {
    return emit(0x63 & ~0x18 | size, dst, src, off, 0);
  }

  /** {@code *(size *)(dst + off) = imm}. */
  BpfCode storeImm(int size, int dst, int off, int imm) {
    return emit(0x62 & ~0x18 | size, dst, 0, off, imm);
  }

  /** {@code lock *(u64 *)(dst + off) += src}. */
  BpfCode atomicAdd(int dst, int off, int src) {
    return emit(0xc3 | DW, dst, src, off, 0);
  }

  /** {@code dst = imm64} (two slots). */
  BpfCode loadImm64(int dst, long value) {
    emit(0x18, dst, 0, 0, (int) value);
    return emit(0, 0, 0, 0, (int) (value >>> 32));
  }

  /** {@code dst = the map whose fd is {@code fd}}, for helper calls. */
  BpfCode loadMap(int dst, int fd) {
    emit(0x18, dst, 1 /* BPF_PSEUDO_MAP_FD */, 0, fd);
    return emit(0, 0, 0, 0, 0);
  }

  /** {@code dst = the address of subprogram {@code fn}}, a callback for {@code bpf_loop}. */
  BpfCode loadFunction(int dst, Label fn) {
    fixups.add(new Fixup(insns.size(), fn, true));
    emit(0x18, dst, 4 /* BPF_PSEUDO_FUNC */, 0, 0);
    return emit(0, 0, 0, 0, 0);
  }

  /** {@code if (dst op imm) goto target}. */
  BpfCode jump(int op, int dst, int imm, Label target) {
    fixups.add(new Fixup(insns.size(), target, false));
    return emit(JMP | K | op, dst, 0, 0, imm);
  }

  /** {@code if (dst op src) goto target}. */
  BpfCode jumpReg(int op, int dst, int src, Label target) {
    fixups.add(new Fixup(insns.size(), target, false));
    return emit(JMP | X | op, dst, src, 0, 0);
  }

  BpfCode jumpTo(Label target) {
    fixups.add(new Fixup(insns.size(), target, false));
    return emit(JMP, 0, 0, 0, 0);
  }

  /** Calls helper function {@code id} (arguments in r1-r5, result in r0; r1-r5 are lost). */
  BpfCode call(int id) {
    return emit(JMP | 0x80, 0, 0, 0, id);
  }

  /** Calls subprogram {@code fn} (a BPF-to-BPF call). */
  BpfCode callLocal(Label fn) {
    fixups.add(new Fixup(insns.size(), fn, true));
    return emit(JMP | 0x80, 0, 1 /* BPF_PSEUDO_CALL */, 0, 0);
  }

  BpfCode exit() {
    return emit(JMP | 0x90, 0, 0, 0, 0);
  }

  /** {@code return imm}. */
  BpfCode ret(int imm) {
    return movImm(R0, imm).exit();
  }

  /** The instructions, with every label resolved. */
  long[] build() {
    long[] out = insns.stream().mapToLong(Long::longValue).toArray();
    for (Fixup f : fixups) {
      if (f.target().at < 0) {
        throw new IllegalStateException("unbound label at instruction " + f.insn());
      }
      int rel = f.target().at - (f.insn() + 1);
      long insn = out[f.insn()];
      if (f.imm()) {
        out[f.insn()] = (insn & 0xffffffffL) | ((long) rel << 32);
      } else {
        if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
          throw new IllegalStateException("jump too far: " + rel);
        }
        out[f.insn()] = (insn & ~0xffff0000L) | ((rel & 0xffffL) << 16);
      }
    }
    return out;
  }
}
