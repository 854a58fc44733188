package dev.tailor.tracer.seccomp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.tailor.tracer.ProgramSearch;
import dev.tailor.tracer.UnrunnableCommandException;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A seccomp filter built with libseccomp from a profile's data, which replaces the JVM with a
 * command running under it.
 *
 * <p>Why {@code execv} from the JVM through JNA rather than bubblewrap's {@code --seccomp FD}: it
 * needs nothing but libseccomp (no setuid helper, no user namespaces, which many CI runners and
 * hardened hosts forbid), the workload keeps its pid, environment, working directory and file
 * system view exactly as under {@code learn}, and tailor's exit code is the workload's own because
 * the workload is the process. The price is care: the filter is loaded on the calling thread only
 * (no TSYNC, so the JVM's other threads keep working until the exec replaces them), and once it is
 * loaded the thread must not go back into the JVM, which may then wait on a futex the profile
 * denies and crash. On x86_64 {@link ExecTrampoline} loads it and executes the command in machine
 * code of its own; elsewhere everything used between loading and {@code execv} is built and called
 * once before, which narrows that window without closing it.
 *
 * <p>{@code no_new_privs} is set before loading (libseccomp's default, needed without
 * CAP_SYS_ADMIN), so setuid programs do not gain privileges under {@code enforce}.
 */
public final class SeccompFilter implements AutoCloseable {
  static final int ACT_KILL_THREAD = 0x00000000;
  static final int ACT_KILL_PROCESS = 0x80000000;
  static final int ACT_TRAP = 0x00030000;
  static final int ACT_ERRNO = 0x00050000;
  static final int ACT_TRACE = 0x7ff00000;
  static final int ACT_LOG = 0x7ffc0000;
  static final int ACT_NOTIFY = 0x7fc00000;
  static final int ACT_ALLOW = 0x7fff0000;
  static final int EPERM = 1;

  static final int ATTR_CTL_LOG = 6;
  static final int ATTR_CTL_SSB = 7;

  // seccomp(2)'s filter flags, prctl's option, lseek's whence
  static final long FLAG_LOG = 2;
  static final long FLAG_SPEC_ALLOW = 4;
  static final long FLAG_NEW_LISTENER = 8;
  static final int PR_SET_NO_NEW_PRIVS = 38;
  static final int SEEK_END = 2;

  /** OCI comparison names -> {@code enum scmp_compare}. */
  static final Map<String, Integer> OPS =
      Map.of(
          "SCMP_CMP_NE", 1,
          "SCMP_CMP_LT", 2,
          "SCMP_CMP_LE", 3,
          "SCMP_CMP_EQ", 4,
          "SCMP_CMP_GE", 5,
          "SCMP_CMP_GT", 6,
          "SCMP_CMP_MASKED_EQ", 7);

  // Linux signal numbers and constants shared by x86, arm, ppc, s390 and riscv (not mips).
  static final int SIG_SETMASK = 2;
  static final int SIGPIPE = 13;
  static final int SIGXFSZ = 25;
  static final int F_SETFD = 2;
  static final int FD_CLOEXEC = 1;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_NOSIGNAL = 0x4000;

  /**
   * The flags of the one sendmsg that hands the notify fd over, which the filter lets through on
   * the handoff socket only: every other call the profile lacks waits for a supervisor that does
   * not have the fd yet.
   */
  static final int HANDOFF_FLAGS = MSG_NOSIGNAL | MSG_DONTWAIT;

  /**
   * Where the notify fd of a filter with SCMP_ACT_NOTIFY goes once it is loaded: sent with {@code
   * message} over {@code socket} (a connected unix socket, close-on-exec), as runc sends it to a
   * {@code listenerPath}. The process at the other end supervises the calls from then on.
   */
  public record Handoff(int socket, byte[] message) {
    public Handoff {
      message = message.clone();
    }
  }

  /**
   * One argument condition, as OCI writes it.
   *
   * @param index the syscall argument, 0 to 5
   * @param op one of SCMP_CMP_EQ, _NE, _LT, _LE, _GT, _GE, _MASKED_EQ
   * @param valueTwo the second datum: the value compared after masking for MASKED_EQ
   */
  public record Condition(int index, long value, long valueTwo, String op) {
    public Condition {
      if (index < 0 || index > 5) {
        throw new IllegalArgumentException("argument index " + index + " is not in 0..5");
      }
      if (!OPS.containsKey(op)) {
        throw new IllegalArgumentException("unknown comparison " + op);
      }
    }
  }

  private final LibSeccomp.Loaded seccomp;
  private Pointer ctx;
  private final boolean execveAllowed;
  private final List<String> warnings;
  private final Handoff handoff;

  SeccompFilter(
      LibSeccomp.Loaded seccomp,
      Pointer ctx,
      boolean execveAllowed,
      List<String> warnings,
      Handoff handoff) {
    this.seccomp = seccomp;
    this.ctx = ctx;
    this.execveAllowed = execveAllowed;
    this.warnings = List.copyOf(warnings);
    this.handoff = handoff;
  }

  /**
   * Starts a filter whose default is {@code defaultAction} (an OCI action name such as
   * SCMP_ACT_ERRNO); {@code defaultErrnoRet} is the errno for ERRNO and TRACE, negative for EPERM.
   */
  public static FilterBuilder builder(String defaultAction, int defaultErrnoRet) {
    return new FilterBuilder(defaultAction, defaultErrnoRet);
  }

  /** What was skipped while building: syscall names libseccomp does not know, ignored flags. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Resolves {@code command.get(0)} through {@code PATH}, loads this filter on the calling thread
   * and executes the command in place of this process. Returns only by throwing: before the filter
   * is loaded. After loading, a failing {@code execv} prints one line on stderr and ends the
   * process with 126.
   */
  public void execute(List<String> command) throws SeccompException, UnrunnableCommandException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command");
    }
    if (ctx == null) {
      throw new IllegalStateException("filter already released");
    }
    String program =
        ProgramSearch.resolve(command.get(0), ProgramSearch.environmentPath()).toString();
    if (!execveAllowed) {
      throw new UnrunnableCommandException(
          UnrunnableCommandException.CANNOT_RUN,
          "the profile does not allow execve, so no command can start under it");
    }
    Charset cs = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    Memory path = cString(program, cs);
    Memory argv = cStringArray(command, cs);
    Memory denied =
        cString("tailor: cannot execute " + program + ": the seccomp profile denies execve\n", cs);
    Memory failed =
        cString("tailor: cannot execute " + program + " after loading the seccomp profile\n", cs);
    Memory handoffFailed =
        cString("tailor: cannot hand the seccomp notify fd to the observing tailor\n", cs);
    if (ExecTrampoline.runsHere()) {
      executeNatively(path, argv, denied, failed, handoffFailed);
    }

    // Elsewhere through JNA: everything used after seccomp_load is created and called once here.
    Memory empty = cString("", cs);
    Function execv = Function.getFunction("c", "execv");
    Function write = Function.getFunction("c", "write");
    Function exit = Function.getFunction("c", "_exit");
    Function load = seccomp.raw.getFunction("seccomp_load");
    // The handoff (enforce --observe): seccomp_notify_fd and sendmsg, warmed like execv.
    Function notifyFd = seccomp.raw.getFunction("seccomp_notify_fd");
    Function sendmsg = Function.getFunction("c", "sendmsg");
    Memory handoffCmsg = new Memory(24); // CMSG_SPACE(sizeof(int)): the notify fd goes at offset 16
    Memory handoffMsg = handoff == null ? null : handoffMessage(handoff.message(), handoffCmsg);
    Object[] sendArgs =
        handoff == null ? null : new Object[] {handoff.socket(), handoffMsg, HANDOFF_FLAGS};
    Object[] handoffFailedArgs = {2, handoffFailed, sizeT(handoffFailed.size() - 1)};
    Object[] failExit = {125};
    if (handoff != null) {
      notifyFd.invokeInt(new Object[] {ctx}); // not loaded yet: an error, which warms the call path
      handoffCmsg.setInt(16, -1);
      sendmsg.invokeLong(new Object[] {-1, handoffMsg, HANDOFF_FLAGS}); // EBADF
      Native.getLastError();
    }
    Object[] execArgs = {path, argv};
    Object[] deniedArgs = {2, denied, sizeT(denied.size() - 1)};
    Object[] failedArgs = {2, failed, sizeT(failed.size() - 1)};
    Object[] exitArgs = {UnrunnableCommandException.CANNOT_RUN};
    Object[] loadArgs = {ctx};
    execv.invokeInt(new Object[] {empty, argv}); // fails with ENOENT: warms the call path
    Native.getLastError();
    write.invokeInt(new Object[] {2, denied, sizeT(0)});

    prepareProcess();

    int rc = load.invokeInt(loadArgs);
    if (rc != 0) {
      throw new SeccompException("libseccomp could not load the filter (error " + rc + ")");
    }
    if (handoff != null) {
      int fd = notifyFd.invokeInt(loadArgs);
      handoffCmsg.setInt(16, fd);
      if (fd < 0 || sendmsg.invokeLong(sendArgs) != handoff.message().length) {
        write.invokeInt(handoffFailedArgs);
        exit.invokeInt(failExit);
      }
    }
    execv.invokeInt(execArgs);
    // Still here: execv failed under the filter. Only pre-built, pre-called code from now on.
    int errno = Native.getLastError();
    write.invokeInt(errno == EPERM ? deniedArgs : failedArgs);
    exit.invokeInt(exitArgs);
  }

  /**
   * Loads the filter and executes the command through {@link ExecTrampoline}: after the filter is
   * in place nothing returns to the JVM. The filter is libseccomp's own program, exported, and
   * loaded as its seccomp_load would: no_new_privs first, then the flags its attributes ask for.
   * Returns only by throwing, with nothing loaded.
   */
  private void executeNatively(
      Memory path, Memory argv, Memory denied, Memory failed, Memory handoffFailed)
      throws SeccompException {
    Memory prog = exportProgram();
    long flags =
        (attribute(ATTR_CTL_LOG) ? FLAG_LOG : 0)
            | (attribute(ATTR_CTL_SSB) ? FLAG_SPEC_ALLOW : 0)
            | (handoff == null ? 0 : FLAG_NEW_LISTENER);
    Memory cmsg = new Memory(24);
    Memory msg = handoff == null ? null : handoffMessage(handoff.message(), cmsg);
    Memory plan = ExecTrampoline.plan(prog, cmsg, msg, path, argv, denied, failed, handoffFailed);
    plan.setLong(ExecTrampoline.FLAGS, flags);
    plan.setPointer(ExecTrampoline.PROG, prog);
    plan.setLong(ExecTrampoline.SOCKET, handoff == null ? -1 : handoff.socket());
    plan.setPointer(ExecTrampoline.MSG, msg);
    plan.setPointer(ExecTrampoline.FD_SLOT, cmsg.share(16));
    plan.setLong(ExecTrampoline.MSG_LENGTH, handoff == null ? 0 : handoff.message().length);
    plan.setPointer(ExecTrampoline.PATH, path);
    plan.setPointer(ExecTrampoline.ARGV, argv);
    plan.setPointer(
        ExecTrampoline.ENVP,
        NativeLibrary.getInstance("c").getGlobalVariableAddress("environ").getPointer(0));
    ExecTrampoline.line(plan, ExecTrampoline.DENIED, denied);
    ExecTrampoline.line(plan, ExecTrampoline.FAILED, failed);
    ExecTrampoline.line(plan, ExecTrampoline.HANDOFF_FAILED, handoffFailed);
    plan.setLong(ExecTrampoline.EXEC_EXIT, UnrunnableCommandException.CANNOT_RUN);
    plan.setLong(ExecTrampoline.HANDOFF_EXIT, 125);
    Function code = ExecTrampoline.load();
    prepareProcess();
    if (Function.getFunction("c", "prctl")
            .invokeInt(new Object[] {PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L})
        != 0) {
      throw new SeccompException("cannot set no_new_privs (prctl refused)");
    }
    long rc = code.invokeLong(new Object[] {plan});
    throw new SeccompException("the kernel refused the filter (errno " + -rc + ")");
  }

  /** Whether the filter's boolean attribute {@code attr} is set. */
  private boolean attribute(int attr) throws SeccompException {
    IntByReference v = new IntByReference();
    if (seccomp.lib.seccomp_attr_get(ctx, attr, v) != 0) {
      throw new SeccompException("libseccomp cannot read filter attribute " + attr);
    }
    return v.getValue() != 0;
  }

  /**
   * The filter as a {@code struct sock_fprog} (its length at 0, the instructions' address at 8),
   * exported by libseccomp to a memfd and read back.
   */
  private Memory exportProgram() throws SeccompException {
    int fd = Function.getFunction("c", "memfd_create").invokeInt(new Object[] {"tailor-bpf", 1});
    if (fd < 0) {
      throw new SeccompException(
          "cannot create a memfd for the filter (errno " + Native.getLastError() + ")");
    }
    try {
      int rc = seccomp.lib.seccomp_export_bpf(ctx, fd);
      if (rc != 0) {
        throw new SeccompException("libseccomp could not export the filter (error " + rc + ")");
      }
      long size = Function.getFunction("c", "lseek").invokeLong(new Object[] {fd, 0L, SEEK_END});
      if (size <= 0 || size % 8 != 0 || size / 8 > 0xffff) {
        throw new SeccompException("libseccomp exported a filter of " + size + " bytes");
      }
      Memory insns = new Memory(size);
      if (Function.getFunction("c", "pread").invokeLong(new Object[] {fd, insns, size, 0L})
          != size) {
        throw new SeccompException("cannot read the exported filter back");
      }
      Memory prog = new HeldMemory(16, insns);
      prog.clear();
      prog.setShort(0, (short) (size / 8));
      prog.setPointer(8, insns);
      return prog;
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  /**
   * A {@code struct msghdr} (LP64) carrying {@code data} and one descriptor (SCM_RIGHTS) whose
   * number is set at offset 16 of the control message, once it is known.
   */
  private static Memory handoffMessage(byte[] data, Memory cmsg) {
    Memory buf = new Memory(Math.max(1, data.length));
    buf.write(0, data, 0, data.length);
    Memory iov = new Memory(16);
    iov.setPointer(0, buf);
    iov.setLong(8, data.length);
    cmsg.clear();
    cmsg.setLong(0, 20); // CMSG_LEN(sizeof(int))
    cmsg.setInt(8, 1); // SOL_SOCKET
    cmsg.setInt(12, 1); // SCM_RIGHTS
    Memory msg = new HeldMemory(56, buf, iov, cmsg);
    msg.clear();
    msg.setPointer(16, iov);
    msg.setLong(24, 1);
    msg.setPointer(32, cmsg);
    msg.setLong(40, 24);
    return msg;
  }

  /** Memory that keeps the blocks it points to from being freed while it lives. */
  static final class HeldMemory extends Memory {
    @SuppressWarnings("unused")
    private final Memory[] held;

    HeldMemory(long size, Memory... held) {
      super(size);
      this.held = held;
    }
  }

  /**
   * What the workload inherits made clean: streams flushed, the JVM's descriptors closed on exec,
   * no signal blocked (the JVM blocks some), SIGPIPE and SIGXFSZ at their defaults (the JVM handles
   * them).
   */
  private static void prepareProcess() {
    System.out.flush();
    System.err.flush();
    markFdsCloseOnExec();
    Memory emptySet = new Memory(128);
    emptySet.clear();
    Function.getFunction("c", "pthread_sigmask")
        .invokeInt(new Object[] {SIG_SETMASK, emptySet, null});
    Function signal = Function.getFunction("c", "signal");
    signal.invokePointer(new Object[] {SIGPIPE, null});
    signal.invokePointer(new Object[] {SIGXFSZ, null});
  }

  /** The JVM's own descriptors (jars, random sources) must not leak into the workload. */
  private static void markFdsCloseOnExec() {
    Function fcntl = Function.getFunction("c", "fcntl");
    List<Integer> fds;
    try (Stream<Path> dir = Files.list(Path.of("/proc/self/fd"))) {
      fds =
          dir.map(p -> Integer.parseInt(p.getFileName().toString())).filter(fd -> fd > 2).toList();
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      return; // without /proc, descriptors are inherited as the JVM opened them
    }
    fds.forEach(fd -> fcntl.invokeInt(new Object[] {fd, F_SETFD, FD_CLOEXEC}));
  }

  /**
   * A size_t argument as a plain Long or Integer. A NativeLong would have JNA look its converter up
   * (a WeakHashMap, calls into the JVM) at each call: after the filter is loaded, every call into
   * the JVM is a point where the thread can be held for a safepoint, and a thread held there under
   * a filter that denies futex crashes the JVM (seen 3 times in 180 failed execs under a CPU hog).
   */
  private static Object sizeT(long n) {
    return Native.SIZE_T_SIZE == 8 ? (Object) n : (Object) (int) n;
  }

  /**
   * {@code char *argv[]}, NULL-terminated, as plain memory: JNA's StringArray reads its strings
   * back after each call, which a failed execv under the filter would do (allocating) before the
   * message.
   */
  private static Memory cStringArray(List<String> strings, Charset cs) {
    Memory[] held = new Memory[strings.size()];
    Memory array = new HeldMemory((long) (strings.size() + 1) * Native.POINTER_SIZE, held);
    for (int i = 0; i < held.length; i++) {
      held[i] = cString(strings.get(i), cs);
      array.setPointer((long) i * Native.POINTER_SIZE, held[i]);
    }
    array.setPointer((long) held.length * Native.POINTER_SIZE, null);
    return array;
  }

  private static Memory cString(String s, Charset cs) {
    byte[] b = s.getBytes(cs);
    Memory m = new Memory(b.length + 1L);
    m.write(0, b, 0, b.length);
    m.setByte(b.length, (byte) 0);
    return m;
  }

  /** Frees the filter in libseccomp; a loaded filter stays in the kernel. */
  @Override
  public void close() {
    if (ctx != null) {
      seccomp.lib.seccomp_release(ctx);
      ctx = null;
    }
  }
}
