package dev.tailor.tracer.bpf;

import static dev.tailor.tracer.bpf.BpfCode.*;

import dev.tailor.tracer.bpf.BpfCode.Label;
import java.util.List;

/**
 * The programs tailor attaches, written with {@link BpfCode}. One runs at every syscall's exit
 * (typed tracepoint {@code sys_exit}): it counts the call by number and its errno in kernel maps,
 * counts the values of the arguments {@link TracedCalls} names, and for the calls that name files
 * or sockets writes one event with their paths, read while the caller's pages are present and
 * resolved in the kernel at that moment (the working directory, a directory fd, the fd a call
 * returned, walked up to the root across mounts, as the kernel's d_path does). Three more follow
 * processes: fork, exec (with argv and the executable's path) and exit (which also counts exit and
 * exit_group, the calls that never return).
 *
 * <p>Why the exit and not the entry: one hook per syscall is the cost floor (measured here: a typed
 * tracepoint with a counter costs about what the bpftrace-era raw_syscalls entry probe cost without
 * one), the return value and the paths (faulted in by the call) are both there, and x86_64 keeps
 * the argument registers in pt_regs until the exit.
 */
final class BpfPrograms {
  /** Event kinds, the first u32 of every record. */
  static final int CALL = 1;

  static final int EXEC = 2;
  static final int FORK = 3;
  static final int EXIT = 4;

  // Record layout: header, then up to four parts packed one after the other.
  static final int TID = 4;
  static final int TGID = 8;
  static final int NR = 12;
  static final int RET = 16;
  static final int ARGS = 24;
  static final int LEN = 72;
  static final int STATUS = 88;
  static final int PEEK = 92;
  static final int USED = 96;
  static final int DATA = 104;

  /** The longest part read: PATH_MAX. */
  static final int PART = 4096;

  static final int MASK = 0x3fff;

  /** No part starts beyond this, so four parts always fit. */
  static final int LIMIT = 12288;

  static final int SCRATCH = DATA + MASK + 1 + PART;

  /** Mount levels and path components a walk follows at most (the rest is reported as too deep). */
  static final int DEPTH = 128;

  /**
   * A part's status: read (or not asked for), not a path (a pipe, a socket), or not read (too long,
   * unreadable).
   */
  static final int PART_OK = 0;

  /** A walk's status when it reached the root: its part is a path (no bytes: the root itself). */
  static final int PART_WALKED = 1;

  static final int PART_PSEUDO = 2;
  static final int PART_FAILED = 3;

  static final int LOOKUP = 1;
  static final int UPDATE = 2;
  static final int DELETE = 3;
  static final int PID_TGID = 14;
  static final int CGROUP_ID = 80;
  static final int CURRENT_TASK = 35;
  static final int READ_USER = 112;
  static final int READ_KERNEL = 113;
  static final int READ_USER_STR = 114;
  static final int READ_KERNEL_STR = 115;
  static final int RINGBUF_OUTPUT = 130;
  static final int TASK_PT_REGS = 175;
  static final int LOOP = 181;
  static final int AT_FDCWD = -100;

  /** The fcntl commands that set a lock: F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW. */
  static final List<Integer> SET_LOCKS = List.of(6, 7, 37, 38);

  /** The file descriptors of the maps the programs share. */
  record Maps(
      int counts,
      int errors,
      int args,
      int tracked,
      int spec,
      int scratch,
      int events,
      int stats) {}

  /**
   * What one run needs: the workload's cgroup id (0: none, processes are followed by the tracked
   * map alone), the pid whose first exec starts tracking (0 when attaching), and syscall numbers.
   */
  record Plan(long cgroup, int root, int exitNr, int exitGroupNr, int sigreturnNr, int argMask) {}

  final KernelLayout k;
  final Maps m;
  final Plan plan;
  final PathWalk walker;

  BpfPrograms(KernelLayout layout, Maps maps, Plan plan) {
    this.k = layout;
    this.m = maps;
    this.plan = plan;
    this.walker = new PathWalk(layout, maps);
  }

  /** The programs that follow processes, sharing this one's maps and record layout. */
  ProcessPrograms processes() {
    return new ProcessPrograms(this);
  }

  // Stack slots of the sys_exit program.
  static final int S_KEY = -4;
  static final int S_NR = -16;
  static final int S_RET = -24;
  static final int S_ARGS = -80;
  static final int S_SPEC0 = -88;
  static final int S_SPEC1 = -96;
  static final int S_VALUE = -104;
  static final int S_ARGKEY = -112;
  static final int S_ONE = -120;
  static final int S_ERRKEY = -128;
  static final int S_FD = -136;
  static final int S_TMP = -144;
  static final int S_TMP2 = -152;
  static final int S_WA = -160;
  static final int S_WB = -168;

  /** The program on every syscall's exit. */
  BpfCode sysExit() {
    BpfCode c = new BpfCode();
    Label out = c.label();
    Label walk = c.label();
    c.mov(R6, R1);
    filter(c, out);
    c.load(DW, R7, R6, 0);
    c.load(k.syscallNrSize() == 8 ? DW : W, R8, R7, k.syscallNr());
    if (k.syscallNrSize() == 4) {
      c.aluImm(LSH, R8, 32).aluImm(ARSH, R8, 32);
    }
    // rt_sigreturn restores the registers it returns to and sets the number to -1 (so that the
    // kernel restarts no call): at the exit, -1 is rt_sigreturn.
    Label numbered = c.label();
    c.jump(JNE, R8, -1, numbered).movImm(R8, plan.sigreturnNr());
    c.bind(numbered);
    c.jump(JGT, R8, 1023, out);
    c.load(DW, R9, R6, 8);
    c.store(DW, FP, S_NR, R8);
    c.store(DW, FP, S_RET, R9);
    c.store(W, FP, S_KEY, R8);
    mapKey(c, m.spec(), S_KEY).call(LOOKUP);
    c.jump(JEQ, R0, 0, out);
    c.load(DW, R1, R0, 0).store(DW, FP, S_SPEC0, R1);
    c.load(DW, R1, R0, 8).store(DW, FP, S_SPEC1, R1);
    // A child's return from clone is not a call of its own.
    Label counted = c.label();
    unlessFlag(c, TracedCalls.CLONE, counted);
    c.jump(JEQ, R9, 0, out);
    c.bind(counted);
    increment(c, m.counts(), S_KEY);
    // errno, for calls that failed (-4095..-1; the kernel's restart codes never reach the caller)
    Label noError = c.label();
    c.jump(JSGE, R9, 0, noError).jump(JSLT, R9, -4095, noError);
    c.aluImm(NEG, R9, 0);
    c.store(W, FP, S_ERRKEY, R8).store(W, FP, S_ERRKEY + 4, R9);
    bump(c, m.errors(), S_ERRKEY, S_ONE);
    c.bind(noError);
    // Most calls (read, write, futex...) end here: their row is empty.
    Label busy = c.label();
    c.load(DW, R1, FP, S_SPEC0).jump(JNE, R1, 0, busy);
    c.load(DW, R1, FP, S_SPEC1).jump(JEQ, R1, 0, out);
    c.bind(busy);
    for (int i = 0; i < 6; i++) {
      c.load(DW, R1, R7, k.args()[i]);
      c.store(DW, FP, S_ARGS + 8 * i, R1);
    }
    // The rest in subprograms that start from the same state whatever path led here, so the
    // verifier checks each once (inline, every combination of the branches above multiplied it).
    Label values = c.label();
    Label event = c.label();
    Label noValues = c.label();
    c.load(B, R1, FP, S_SPEC1).jump(JEQ, R1, 0, noValues);
    callWithFrame(c, values);
    c.bind(noValues);
    unlessFlag(c, TracedCalls.EVENT, out);
    callWithFrame(c, event);
    c.bind(out).ret(0);

    Label valuesDone = c.label();
    c.function(values);
    copyFrame(c);
    argumentValues(c);
    c.bind(valuesDone).ret(0);

    Label eventDone = c.label();
    c.function(event);
    copyFrame(c);
    event(c, eventDone, walk);
    c.bind(eventDone).ret(0);
    walker.function(c, walk);
    return c;
  }

  /** Calls {@code fn} with the caller's frame pointer in r1 and nothing else. */
  private static void callWithFrame(BpfCode c, Label fn) {
    c.mov(R1, FP).movImm(R2, 0).movImm(R3, 0).movImm(R4, 0).movImm(R5, 0).callLocal(fn);
  }

  /**
   * Copies the call's number, result, arguments and row from the caller's frame (r1) to the same
   * slots here.
   */
  private static void copyFrame(BpfCode c) {
    for (int slot = S_SPEC1; slot <= S_NR; slot += 8) {
      c.load(DW, R2, R1, slot).store(DW, FP, slot, R2);
    }
  }

  /** Counts, for each argument the syscall's row names, the value passed (or the u64 behind it). */
  private void argumentValues(BpfCode c) {
    for (int i = 0; i < 6; i++) {
      if ((plan.argMask() & (1 << i)) == 0) {
        continue;
      }
      Label next = c.label();
      Label value = c.label();
      c.load(B, R1, FP, S_SPEC1).aluImm(AND, R1, 1 << i).jump(JEQ, R1, 0, next);
      c.load(DW, R3, FP, S_ARGS + 8 * i);
      c.load(B, R1, FP, S_SPEC1 + 1).aluImm(AND, R1, 1 << i).jump(JEQ, R1, 0, value);
      c.mov(R1, FP).add(R1, S_VALUE).movImm(R2, 8).call(READ_USER).jump(JNE, R0, 0, next);
      c.load(DW, R3, FP, S_VALUE);
      c.bind(value);
      c.store(DW, FP, S_VALUE, R3);
      c.load(DW, R1, FP, S_NR).store(W, FP, S_ARGKEY, R1).storeImm(W, FP, S_ARGKEY + 4, i);
      bump(c, m.args(), S_ARGKEY, S_ONE);
      c.bind(next);
    }
  }

  /** The event of a call that names files or sockets, with its parts. */
  private void event(BpfCode c, Label out, Label walk) {
    unlessFlag(c, TracedCalls.EVENT, out);
    c.load(DW, R9, FP, S_RET);
    // A successful exec is reported by sched_process_exec, with the new program's argv.
    Label notExec = c.label();
    unlessFlag(c, TracedCalls.EXEC, notExec).jump(JEQ, R9, 0, out);
    c.bind(notExec);
    Label notMmap = c.label();
    unlessFlag(c, TracedCalls.MMAP, notMmap);
    c.jump(JSLT, R9, 0, out);
    c.load(DW, R1, FP, S_ARGS + 16).aluImm(AND, R1, 4 /* PROT_EXEC */).jump(JEQ, R1, 0, out);
    c.load(DW, R1, FP, S_ARGS + 32).aluImm(LSH, R1, 32).aluImm(ARSH, R1, 32).jump(JSLT, R1, 0, out);
    c.bind(notMmap);
    Label notFcntl = c.label();
    Label lock = c.label();
    unlessFlag(c, TracedCalls.FCNTL, notFcntl);
    c.jump(JNE, R9, 0, out);
    c.load(W, R1, FP, S_ARGS + 8);
    for (int cmd : SET_LOCKS) {
      c.jump(JEQ, R1, cmd, lock);
    }
    c.jumpTo(out);
    c.bind(lock);
    c.bind(notFcntl);

    scratch(c, R8, out);
    header(c, CALL);
    c.load(DW, R1, FP, S_NR).store(W, R8, NR, R1);
    c.load(DW, R1, FP, S_RET).store(DW, R8, RET, R1);
    for (int i = 0; i < 6; i++) {
      c.load(DW, R1, FP, S_ARGS + 8 * i).store(DW, R8, ARGS + 8 * i, R1);
    }
    clearParts(c);
    c.storeImm(DW, FP, S_WA, 0).storeImm(DW, FP, S_WB, 0);
    // part 0 and 1: the path arguments (bind's and connect's sockaddr, as bytes)
    Label second = c.label();
    Label string1 = c.label();
    c.load(B, R1, FP, S_SPEC0 + 1);
    argument(c, R1, R3, second);
    unlessFlag(c, TracedCalls.SOCKADDR, string1);
    Label sized = c.label();
    c.load(DW, R2, FP, S_ARGS + 16)
        .jump(JEQ, R2, 0, second)
        .jump(JLE, R2, 128, sized)
        .movImm(R2, 128);
    c.bind(sized);
    readPart(c, 0, READ_USER, true);
    c.jumpTo(second);
    c.bind(string1);
    readPart(c, 0, READ_USER_STR, false);
    c.bind(second);
    Label walks = c.label();
    c.load(B, R1, FP, S_SPEC0 + 3);
    argument(c, R1, R3, walks);
    readPart(c, 1, READ_USER_STR, false);
    c.bind(walks);
    // part 2: the fd argument's path, or the directory a relative first path is relative to
    Label partB = c.label();
    Label noFdArg = c.label();
    c.load(B, R1, FP, S_SPEC0 + 5).jump(JEQ, R1, TracedCalls.NONE, noFdArg);
    argument(c, R1, R1, partB);
    c.aluImm(LSH, R1, 32).aluImm(RSH, R1, 32).store(DW, FP, S_FD, R1);
    walker.fdWalk(c, 2, partB);
    c.jumpTo(partB);
    c.bind(noFdArg);
    c.load(B, R1, FP, S_SPEC0 + 1).jump(JEQ, R1, TracedCalls.NONE, partB);
    c.load(B, R1, FP, S_SPEC0).aluImm(AND, R1, TracedCalls.SOCKADDR).jump(JNE, R1, 0, partB);
    Label noResult = c.label();
    unlessFlag(c, TracedCalls.RESULT_FD, noResult);
    c.load(DW, R1, FP, S_RET).jump(JSGE, R1, 0, partB);
    c.bind(noResult);
    c.load(W, R1, R8, LEN).jump(JEQ, R1, 0, partB);
    c.load(B, R1, R8, DATA).jump(JEQ, R1, '/', partB);
    walker.baseWalk(c, S_SPEC0 + 2, 2, partB);
    c.bind(partB);
    // part 3: the fd the call returned, or the directory of a relative second path
    Label peek = c.label();
    Label noResultFd = c.label();
    unlessFlag(c, TracedCalls.RESULT_FD, noResultFd);
    c.load(DW, R1, FP, S_RET).jump(JSLT, R1, 0, noResultFd);
    c.store(DW, FP, S_FD, R1);
    walker.fdWalk(c, 3, peek);
    c.jumpTo(peek);
    c.bind(noResultFd);
    c.load(B, R1, FP, S_SPEC0 + 3).jump(JEQ, R1, TracedCalls.NONE, peek);
    c.load(W, R1, R8, LEN + 4).jump(JEQ, R1, 0, peek);
    c.load(W, R1, R8, LEN)
        .aluImm(AND, R1, MASK)
        .alu(ADD, R1, R8)
        .load(B, R1, R1, DATA)
        .jump(JEQ, R1, '/', peek);
    walker.baseWalk(c, S_SPEC0 + 4, 3, peek);
    c.bind(peek);
    PathWalk.walkRequests(c, walk);
    // a 4-byte field behind a pointer argument: a stat's mode, openat2's flags
    Label output = c.label();
    c.load(B, R1, FP, S_SPEC0 + 6);
    argument(c, R1, R3, output);
    c.load(B, R1, FP, S_SPEC0 + 7).alu(ADD, R3, R1);
    c.mov(R1, R8).add(R1, PEEK).movImm(R2, 4).call(READ_USER);
    c.bind(output);
    output(c, out);
  }

  /**
   * {@code dst = argument[index in reg]} from the record's copy; to {@code none} when the index is
   * NONE.
   */
  static void argument(BpfCode c, int index, int dst, Label none) {
    c.jump(JGT, index, 5, none);
    c.aluImm(LSH, index, 3).alu(ADD, index, R8).load(DW, dst, index, ARGS);
  }

  /**
   * {@code *(u64 *)(fp + slot) = *(u64 *)(base + off)} through probe_read_kernel, or to {@code
   * fail}.
   */
  static void readKernel(BpfCode c, int slot, int base, int off, Label fail) {
    if (base != R3) {
      c.mov(R3, base);
    }
    c.add(R3, off).mov(R1, FP).add(R1, slot).movImm(R2, 8).call(READ_KERNEL).jump(JNE, R0, 0, fail);
  }

  /**
   * {@code *(u64 *)(fp + slot) = *(u32 *)(base + off)} through probe_read_kernel; r0 is its result.
   */
  static BpfCode readKernelInt(BpfCode c, int slot, int base, int off) {
    c.storeImm(DW, FP, slot, 0).mov(R1, FP).add(R1, slot).movImm(R2, 4);
    if (base != R3) {
      c.mov(R3, base);
    }
    return c.add(R3, off).call(READ_KERNEL);
  }

  /**
   * Part {@code part} of the record in r8, read from r3 by {@code helper} (user or kernel memory):
   * a NUL-terminated string or, {@code sized}, r2 (1..PART) bytes.
   */
  static void readPart(BpfCode c, int part, int helper, boolean sized) {
    Label fail = c.label();
    Label done = c.label();
    c.load(W, R7, R8, USED).jump(JGT, R7, LIMIT, fail);
    if (sized) {
      c.jump(JGT, R2, PART, fail).jump(JEQ, R2, 0, fail).store(DW, FP, S_TMP2, R2);
      dataAddress(c, R7, R8).call(helper).jump(JNE, R0, 0, fail).load(DW, R2, FP, S_TMP2);
    } else {
      dataAddress(c, R7, R8).movImm(R2, PART).call(helper).jump(JSLE, R0, 0, fail);
    }
    int length = sized ? R2 : R0;
    c.store(W, R8, LEN + 4 * part, length).alu(ADD, R7, length).store(W, R8, USED, R7);
    c.jumpTo(done).bind(fail).storeImm(B, R8, STATUS + part, PART_FAILED);
    c.bind(done);
  }

  /**
   * {@code r1} = the address of data byte {@code at} (masked, so that the verifier sees it in
   * bounds) of the record in {@code record}.
   */
  static BpfCode dataAddress(BpfCode c, int at, int record) {
    return c.mov(R1, at).aluImm(AND, R1, MASK).alu(ADD, R1, record).add(R1, DATA);
  }

  /** Sends the record in r8 (header and its parts); counts it as lost when the ring is full. */
  void output(BpfCode c, Label out) {
    c.load(W, R3, R8, USED).jump(JGT, R3, LIMIT + PART, out).add(R3, DATA);
    // No wakeup: tailor polls, and a wakeup per record would cost the workload an irq_work.
    c.loadMap(R1, m.events()).mov(R2, R8).movImm(R4, 1 /* BPF_RB_NO_WAKEUP */).call(RINGBUF_OUTPUT);
    c.jump(JEQ, R0, 0, out);
    c.storeImm(W, FP, S_KEY, 0);
    increment(c, m.stats(), S_KEY);
  }

  /** The record's kind and the current thread's ids into the record in r8. */
  static void header(BpfCode c, int kind) {
    c.storeImm(W, R8, 0, kind);
    c.call(PID_TGID).store(W, R8, TID, R0).aluImm(RSH, R0, 32).store(W, R8, TGID, R0);
  }

  /** To {@code target} when the call's row lacks {@code flag}. */
  private static BpfCode unlessFlag(BpfCode c, int flag, Label target) {
    return c.load(B, R1, FP, S_SPEC0).aluImm(AND, R1, flag).jump(JEQ, R1, 0, target);
  }

  /** r1 = {@code map}, r2 = the key at {@code fp + key}: the arguments of a map helper. */
  static BpfCode mapKey(BpfCode c, int map, int key) {
    return c.loadMap(R1, map).mov(R2, FP).add(R2, key);
  }

  /** Adds 1 to the per-CPU array value under the key at {@code fp + key}, if there is one. */
  static void increment(BpfCode c, int map, int key) {
    Label none = c.label();
    mapKey(c, map, key).call(LOOKUP).jump(JEQ, R0, 0, none);
    c.load(DW, R1, R0, 0).add(R1, 1).store(DW, R0, 0, R1);
    c.bind(none);
  }

  static void clearParts(BpfCode c) {
    c.storeImm(DW, R8, LEN, 0)
        .storeImm(DW, R8, LEN + 8, 0)
        .storeImm(W, R8, STATUS, 0)
        .storeImm(W, R8, PEEK, 0)
        .storeImm(W, R8, USED, 0);
  }

  /** {@code reg} = this CPU's scratch record, or to {@code out}. */
  void scratch(BpfCode c, int reg, Label out) {
    c.storeImm(W, FP, S_KEY, 0);
    mapKey(c, m.scratch(), S_KEY).call(LOOKUP).jump(JEQ, R0, 0, out).mov(reg, R0);
  }

  /**
   * Continues only for the workload's processes: its cgroup, or the tracked map by thread group.
   */
  void filter(BpfCode c, Label out) {
    Label in = c.label();
    if (plan.cgroup() != 0) {
      c.call(CGROUP_ID).loadImm64(R1, plan.cgroup()).jumpReg(JEQ, R0, R1, in);
    }
    c.call(PID_TGID).aluImm(RSH, R0, 32).store(W, FP, S_KEY, R0);
    mapKey(c, m.tracked(), S_KEY).call(LOOKUP).jump(JEQ, R0, 0, out);
    c.bind(in);
  }

  /**
   * Adds 1 to the hash value under the key at {@code key} (inserting it), using {@code one} as a
   * stack slot.
   */
  static void bump(BpfCode c, int map, int key, int one) {
    Label insert = c.label();
    Label done = c.label();
    mapKey(c, map, key).call(LOOKUP).jump(JEQ, R0, 0, insert);
    c.movImm(R1, 1).atomicAdd(R0, 0, R1).jumpTo(done);
    c.bind(insert).storeImm(DW, FP, one, 1);
    mapKey(c, map, key).mov(R3, FP).add(R3, one).movImm(R4, 1 /* BPF_NOEXIST */).call(UPDATE);
    c.bind(done);
  }
}
