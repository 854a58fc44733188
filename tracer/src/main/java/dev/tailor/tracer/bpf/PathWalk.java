package dev.tailor.tracer.bpf;

import static dev.tailor.tracer.bpf.BpfCode.*;
import static dev.tailor.tracer.bpf.BpfPrograms.*;

import dev.tailor.tracer.bpf.BpfCode.Label;

/**
 * The path walk of {@link BpfPrograms}: the path of a working directory or of an open file's {@code
 * struct path}, component by component from its dentry up to the root and across mounts through
 * each mount's mountpoint, as the kernel's d_path does; and where in the programs the walks are
 * asked for.
 */
final class PathWalk {
  private final KernelLayout k;
  private final BpfPrograms.Maps m;

  PathWalk(KernelLayout layout, BpfPrograms.Maps maps) {
    this.k = layout;
    this.m = maps;
  }

  /** The stack slot holding the path to walk into part 2 or 3 (0: none). */
  static int request(int part) {
    return part == 2 ? S_WA : S_WB;
  }

  /**
   * Walks the requested paths into parts 2 and 3, from one place: each call site makes the verifier
   * check the walk again for every state that reaches it.
   */
  static void walkRequests(BpfCode c, Label walk) {
    for (int part = 2; part <= 3; part++) {
      Label skip = c.label();
      c.load(DW, R1, FP, request(part)).jump(JEQ, R1, 0, skip).movImm(R2, part).callLocal(walk);
      c.bind(skip);
    }
  }

  /**
   * Asks for a walk (see {@link #walkRequests}) of the directory a relative path is relative to:
   * the dirfd argument at spec byte {@code dirSlot}, or the cwd.
   */
  void baseWalk(BpfCode c, int dirSlot, int part, Label done) {
    Label cwd = c.label();
    c.load(B, R1, FP, dirSlot).jump(JEQ, R1, TracedCalls.NONE, cwd);
    argument(c, R1, R1, cwd);
    c.aluImm(LSH, R1, 32).aluImm(ARSH, R1, 32).jump(JEQ, R1, AT_FDCWD, cwd);
    c.store(DW, FP, S_FD, R1);
    fdWalk(c, part, done);
    c.jumpTo(done);
    c.bind(cwd);
    cwdWalk(c, part, done);
  }

  /** Asks for a walk of the current task's working directory into {@code part}. */
  void cwdWalk(BpfCode c, int part, Label fail) {
    c.call(CURRENT_TASK);
    readKernel(c, S_TMP, R0, k.taskFs(), fail);
    c.load(DW, R1, FP, S_TMP).add(R1, k.fsPwd()).store(DW, FP, request(part), R1);
  }

  /** Asks for a walk of the file the current task has open as fd {@code S_FD} into {@code part}. */
  void fdWalk(BpfCode c, int part, Label fail) {
    c.call(CURRENT_TASK);
    readKernel(c, S_TMP, R0, k.taskFiles(), fail);
    c.load(DW, R3, FP, S_TMP);
    readKernel(c, S_TMP, R3, k.filesFdt(), fail);
    c.load(DW, R3, FP, S_TMP);
    readKernelInt(c, S_TMP2, R3, k.fdtMaxFds()).jump(JNE, R0, 0, fail);
    c.load(DW, R1, FP, S_FD).load(DW, R2, FP, S_TMP2).jumpReg(JGE, R1, R2, fail);
    c.load(DW, R3, FP, S_TMP);
    readKernel(c, S_TMP, R3, k.fdtFd(), fail);
    c.load(DW, R3, FP, S_FD).aluImm(LSH, R3, 3).load(DW, R1, FP, S_TMP).alu(ADD, R3, R1);
    readKernel(c, S_TMP, R3, 0, fail);
    c.load(DW, R1, FP, S_TMP).jump(JEQ, R1, 0, fail);
    c.add(R1, k.fileFPath()).store(DW, FP, request(part), R1);
  }

  // Stack of the walk subprogram: the state its loop callback reads and writes.
  private static final int W_DENTRY = -40;
  private static final int W_MNT = -32;
  private static final int W_STATUS = -24;
  private static final int W_START = -16;
  private static final int W_KEY = -4;

  /**
   * {@code walk(struct path *path, int part)}: the path's components from its dentry up to the
   * root, each NUL-terminated, last first, appended to the record as {@code part}; across mounts
   * through each mount's mountpoint. A file on a filesystem that is mounted nowhere (a pipe, a
   * socket, an anonymous inode) is reported as no path.
   */
  void function(BpfCode c, Label walk) {
    Label callback = c.label();
    Label ret = c.label();
    Label failed = c.label();
    c.function(walk);
    c.mov(R6, R1).mov(R7, R2).aluImm(AND, R7, 3);
    readKernel(c, W_DENTRY, R6, k.pathDentry(), ret);
    readKernel(c, W_MNT, R6, k.pathMnt(), ret);
    c.storeImm(W, FP, W_KEY, 0);
    mapKey(c, m.scratch(), W_KEY).call(LOOKUP).jump(JEQ, R0, 0, ret);
    c.mov(R8, R0);
    c.load(W, R1, R8, USED).store(DW, FP, W_START, R1).storeImm(DW, FP, W_STATUS, 0);
    c.jump(JGT, R1, LIMIT, failed);
    // bpf_loop: the verifier checks the step once, not once per round as with a plain loop.
    c.movImm(R1, DEPTH)
        .loadFunction(R2, callback)
        .mov(R3, FP)
        .add(R3, W_DENTRY)
        .movImm(R4, 0)
        .call(LOOP);
    Label whole = c.label();
    c.load(DW, R1, FP, W_STATUS).jump(JEQ, R1, 1, whole);
    // not a path, or not read whole (status 0: deeper than DEPTH): the part is dropped
    c.load(DW, R2, FP, W_START).store(W, R8, USED, R2);
    Label pseudo = c.label();
    c.jump(JEQ, R1, PART_PSEUDO, pseudo);
    partStatus(c.bind(failed), PART_FAILED).jumpTo(ret);
    partStatus(c.bind(pseudo), PART_PSEUDO).jumpTo(ret);
    c.bind(whole);
    c.load(W, R1, R8, USED).load(DW, R2, FP, W_START).alu(SUB, R1, R2);
    c.mov(R3, R7).aluImm(LSH, R3, 2).alu(ADD, R3, R8).store(W, R3, LEN, R1);
    partStatus(c, PART_WALKED);
    c.bind(ret).ret(0);

    // step(index, state): one step up, a component or from a mount's root to its mountpoint; 1 ends
    // the loop
    Label mountRoot = c.label();
    Label nsRoot = c.label();
    Label fail = c.label();
    Label notPath = c.label();
    final int dentry = 0;
    final int mnt = 8;
    final int status = 16;
    final int start = 24;
    final int t1 = -8;
    final int t2 = -16;
    final int t3 = -24;
    final int key = -28;
    c.function(callback);
    c.mov(R6, R2);
    c.load(DW, R3, R6, mnt);
    readKernel(c, t1, R3, k.mntRoot(), fail);
    c.load(DW, R3, R6, dentry);
    readKernel(c, t2, R3, k.dentryParent(), fail);
    c.load(DW, R1, R6, dentry).load(DW, R2, FP, t1).jumpReg(JEQ, R1, R2, mountRoot);
    c.load(DW, R2, FP, t2).jumpReg(JEQ, R1, R2, mountRoot);
    c.load(DW, R3, R6, dentry);
    readKernel(c, t3, R3, k.dentryName(), fail);
    c.storeImm(W, FP, key, 0);
    mapKey(c, m.scratch(), key).call(LOOKUP).jump(JEQ, R0, 0, fail);
    c.mov(R7, R0);
    c.load(W, R8, R7, USED)
        .mov(R1, R8)
        .load(DW, R2, R6, start)
        .alu(SUB, R1, R2)
        .jump(JGT, R1, PART - 256, fail);
    c.jump(JGT, R8, LIMIT + PART - 256, fail);
    dataAddress(c, R8, R7).movImm(R2, 256).load(DW, R3, FP, t3);
    c.call(READ_KERNEL_STR).jump(JSLE, R0, 0, fail);
    c.alu(ADD, R8, R0).store(W, R7, USED, R8);
    c.load(DW, R1, FP, t2).store(DW, R6, dentry, R1);
    c.ret(0);
    c.bind(mountRoot);
    c.load(DW, R9, R6, mnt).add(R9, -k.mountMnt());
    readKernel(c, t1, R9, k.mountParent(), fail);
    c.load(DW, R1, FP, t1).jumpReg(JEQ, R1, R9, nsRoot);
    readKernel(c, t2, R9, k.mountMountpoint(), fail);
    c.load(DW, R1, FP, t2).store(DW, R6, dentry, R1);
    c.load(DW, R1, FP, t1).add(R1, k.mountMnt()).store(DW, R6, mnt, R1);
    c.ret(0);
    c.bind(nsRoot);
    readKernel(c, t2, R9, k.mountNs(), fail);
    // Internal mounts (pipefs, sockfs, anon inodes) have no namespace, or an error pointer for one.
    c.load(DW, R1, FP, t2)
        .jump(JEQ, R1, 0, notPath)
        .loadImm64(R2, -4096L)
        .jumpReg(JGT, R1, R2, notPath);
    c.storeImm(DW, R6, status, 1).ret(1);
    c.bind(notPath).storeImm(DW, R6, status, PART_PSEUDO).ret(1);
    c.bind(fail).storeImm(DW, R6, status, PART_FAILED).ret(1);
  }

  /** The status of the part numbered r7 of the record in r8. */
  private static BpfCode partStatus(BpfCode c, int status) {
    return c.mov(R1, R8).alu(ADD, R1, R7).storeImm(B, R1, STATUS, status);
  }
}
