package dev.tailor.tracer.bpf;

import static dev.tailor.tracer.bpf.BpfCode.*;
import static dev.tailor.tracer.bpf.BpfPrograms.*;

import dev.tailor.tracer.bpf.BpfCode.Label;

/** The programs of {@link BpfPrograms} that follow processes: fork, exec and exit. */
final class ProcessPrograms {
  private final KernelLayout k;
  private final BpfPrograms.Maps m;
  private final BpfPrograms.Plan plan;
  private final BpfPrograms calls;
  private final PathWalk walker;

  /** The programs that share {@code calls}' maps, plan and record layout. */
  ProcessPrograms(BpfPrograms calls) {
    this.k = calls.k;
    this.m = calls.m;
    this.plan = calls.plan;
    this.calls = calls;
    this.walker = calls.walker;
  }

  /**
   * The program on sched_process_fork: the child is followed; its parent's thread and the child are
   * reported.
   */
  BpfCode fork() {
    BpfCode c = new BpfCode();
    Label out = c.label();
    c.mov(R6, R1);
    calls.filter(c, out);
    c.load(DW, R7, R6, 8);
    c.load(W, R9, R7, k.taskTgid()).store(W, FP, S_KEY, R9);
    follow(c);
    c.load(W, R1, R7, k.taskPid()).store(DW, FP, S_TMP, R1);
    return report(c, FORK, S_TMP, W, R7, k.taskTgid(), out);
  }

  /**
   * The program on sched_process_exec. The workload's root starts being followed at its first exec
   * (nothing of the wrapper that waited for tailor is counted); every exec of a followed process is
   * reported with the name it was given, argv from the new program's stack, the working directory
   * when the name is relative, and the path of the file the kernel runs.
   */
  BpfCode exec() {
    BpfCode c = new BpfCode();
    Label out = c.label();
    Label walk = c.label();
    Label followed = c.label();
    Label check = c.label();
    c.mov(R6, R1);
    c.storeImm(DW, FP, S_RET, 0);
    if (plan.root() > 0) {
      c.call(PID_TGID)
          .aluImm(RSH, R0, 32)
          .jump(JNE, R0, plan.root(), check)
          .store(W, FP, S_KEY, R0);
      mapKey(c, m.tracked(), S_KEY).call(LOOKUP).jump(JNE, R0, 0, followed);
      follow(c);
      c.storeImm(DW, FP, S_RET, 1);
      c.jumpTo(followed);
    }
    c.bind(check);
    calls.filter(c, out);
    c.bind(followed);
    calls.scratch(c, R8, out);
    header(c, EXEC);
    c.load(DW, R1, R6, 8).store(W, R8, NR, R1);
    c.load(DW, R1, FP, S_RET).store(DW, R8, RET, R1);
    for (int i = 0; i < 6; i++) {
      c.storeImm(DW, R8, ARGS + 8 * i, 0);
    }
    clearParts(c);
    c.storeImm(DW, FP, S_WA, 0).storeImm(DW, FP, S_WB, 0);
    // part 0: the name as the exec was given it
    Label argv = c.label();
    c.load(DW, R7, R6, 16);
    readKernel(c, S_TMP, R7, k.bprmFilename(), argv);
    c.load(DW, R3, FP, S_TMP);
    readPart(c, 0, READ_KERNEL_STR, false);
    c.bind(argv);
    // part 1: argv, the NUL-separated strings between mm->arg_start and arg_end (peek: their
    // length)
    Label cwd = c.label();
    c.call(CURRENT_TASK);
    readKernel(c, S_TMP, R0, k.taskMm(), cwd);
    c.load(DW, R9, FP, S_TMP);
    readKernel(c, S_TMP, R9, k.mmArgStart(), cwd);
    readKernel(c, S_TMP2, R9, k.mmArgEnd(), cwd);
    c.load(DW, R2, FP, S_TMP2).load(DW, R3, FP, S_TMP).alu(SUB, R2, R3).store(W, R8, PEEK, R2);
    Label sized = c.label();
    c.jump(JSLE, R2, 0, cwd).jump(JLE, R2, PART, sized).movImm(R2, PART);
    c.bind(sized);
    readPart(c, 1, READ_USER, true);
    c.bind(cwd);
    // part 2: the working directory, for a relative name
    Label file = c.label();
    c.load(W, R1, R8, LEN).jump(JEQ, R1, 0, file);
    c.load(B, R1, R8, DATA).jump(JEQ, R1, '/', file);
    walker.cwdWalk(c, 2, file);
    c.bind(file);
    // part 3: the file the kernel runs (for execveat's /dev/fd/N names)
    Label send = c.label();
    readKernel(c, S_TMP, R7, k.bprmFile(), send);
    c.load(DW, R1, FP, S_TMP).jump(JEQ, R1, 0, send).add(R1, k.fileFPath()).store(DW, FP, S_WB, R1);
    c.bind(send);
    PathWalk.walkRequests(c, walk);
    calls.output(c, out);
    c.bind(out).ret(0);
    walker.function(c, walk);
    return c;
  }

  /**
   * The program on sched_process_exit: counts exit and exit_group (calls that never return, so the
   * sys_exit program cannot see them), reports the exit, and stops following a thread group once
   * its last thread is gone.
   */
  BpfCode exit() {
    BpfCode c = new BpfCode();
    Label out = c.label();
    c.mov(R6, R1);
    calls.filter(c, out);
    Label notExit = c.label();
    Label exitCall = c.label();
    c.load(DW, R1, R6, 0).call(TASK_PT_REGS);
    c.load(k.syscallNrSize() == 8 ? DW : W, R7, R0, k.syscallNr());
    c.jump(JEQ, R7, plan.exitNr(), exitCall).jump(JNE, R7, plan.exitGroupNr(), notExit);
    c.bind(exitCall);
    c.store(W, FP, S_KEY, R7);
    increment(c, m.counts(), S_KEY);
    c.bind(notExit);
    c.storeImm(DW, FP, S_TMP2, 1);
    Label report = c.label();
    c.call(CURRENT_TASK).mov(R9, R0);
    readKernel(c, S_TMP, R9, k.taskSignal(), report);
    c.load(DW, R3, FP, S_TMP);
    readKernelInt(c, S_TMP, R3, k.signalLive()).jump(JNE, R0, 0, report);
    Label alive = c.label();
    c.load(DW, R1, FP, S_TMP).jump(JNE, R1, 0, alive);
    c.call(PID_TGID).aluImm(RSH, R0, 32).store(W, FP, S_KEY, R0);
    mapKey(c, m.tracked(), S_KEY).call(DELETE);
    c.jumpTo(report);
    c.bind(alive).storeImm(DW, FP, S_TMP2, 0);
    c.bind(report);
    readKernelInt(c, S_FD, R9, k.taskExitCode());
    return report(c, EXIT, S_FD, DW, FP, S_TMP2, out);
  }

  /**
   * Sends a {@code kind} record of no call and no parts, whose arguments are the u64 at stack slot
   * {@code first} and the {@code size} value at {@code base + off}; the program ends there.
   */
  private BpfCode report(BpfCode c, int kind, int first, int size, int base, int off, Label out) {
    calls.scratch(c, R8, out);
    header(c, kind);
    c.storeImm(W, R8, NR, 0).storeImm(DW, R8, RET, 0);
    c.load(DW, R1, FP, first).store(DW, R8, ARGS, R1);
    c.load(size, R1, base, off).store(DW, R8, ARGS + 8, R1);
    clearParts(c);
    calls.output(c, out);
    return c.bind(out).ret(0);
  }

  /** Follows the thread group at {@code S_KEY} from now on: adds it to the tracked map. */
  private void follow(BpfCode c) {
    c.storeImm(DW, FP, S_ONE, 1);
    mapKey(c, m.tracked(), S_KEY).mov(R3, FP).add(R3, S_ONE).movImm(R4, 0).call(UPDATE);
  }
}
