package dev.tailor.tracer.seccomp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.tailor.tracer.sys.LibC;

/**
 * The last steps of {@code enforce} as machine code, on x86_64: load the filter with seccomp(2),
 * hand the notify fd over when asked (sendmsg), execve the command, and if that fails write a
 * prepared line and exit_group. Once the filter is in place the thread never returns to the JVM.
 * Through JNA each of those calls returned into Java, where the thread may be held for a safepoint
 * and wait on a futex the profile denies: the JVM then crashed (SIGSEGV, exit 139; seen under a CPU
 * hog in CI) instead of starting the workload.
 *
 * <p>The code is GNU as output (Intel syntax in the comments, offsets as objdump prints them); it
 * takes one pointer, the plan: 8-byte slots at the offsets below.
 */
final class ExecTrampoline {
  private static final byte[] X86_64 = {
    0x49,
    (byte) 0x89,
    (byte) 0xf9, // mov r9,rdi -- plan in r9: no syscall here takes or clobbers it
    (byte) 0xbf,
    0x01,
    0x00,
    0x00,
    0x00, // mov edi,0x1
    0x49,
    (byte) 0x8b,
    0x31, // mov rsi,[r9]
    0x49,
    (byte) 0x8b,
    0x51,
    0x08, // mov rdx,[r9+0x8]
    (byte) 0xb8,
    0x3d,
    0x01,
    0x00,
    0x00, // mov eax,0x13d -- seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)
    0x0f,
    0x05, // syscall
    0x48,
    0x3d,
    0x01,
    (byte) 0xf0,
    (byte) 0xff,
    (byte) 0xff, // cmp rax,0xfffffffffffff001 -- refused (-4095..-1): nothing loaded, back to Java
    // with -errno
    0x73,
    0x7b, // jae 99 <t+0x99>
    0x49,
    (byte) 0x8b,
    0x79,
    0x10, // mov rdi,[r9+0x10] -- the handoff socket; none (-1): on to execve
    0x48,
    (byte) 0x85,
    (byte) 0xff, // test rdi,rdi
    0x78,
    0x2d, // js 54 <t+0x54>
    0x49,
    (byte) 0x8b,
    0x49,
    0x20, // mov rcx,[r9+0x20] -- the notify fd into the message's SCM_RIGHTS
    (byte) 0x89,
    0x01, // mov [rcx],eax
    0x49,
    (byte) 0x8b,
    0x71,
    0x18, // mov rsi,[r9+0x18]
    (byte) 0xba,
    0x40,
    0x40,
    0x00,
    0x00, // mov edx,0x4040 -- MSG_NOSIGNAL | MSG_DONTWAIT
    (byte) 0xb8,
    0x2e,
    0x00,
    0x00,
    0x00, // mov eax,0x2e -- sendmsg
    0x0f,
    0x05, // syscall
    0x49,
    0x3b,
    0x41,
    0x28, // cmp rax,[r9+0x28] -- all of the message sent: on to execve
    0x74,
    0x11, // je 54 <t+0x54>
    0x49,
    (byte) 0x8b,
    0x71,
    0x68, // mov rsi,[r9+0x68] -- else the handoff line and its exit code
    0x49,
    (byte) 0x8b,
    0x51,
    0x70, // mov rdx,[r9+0x70]
    0x4d,
    (byte) 0x8b,
    (byte) 0x81,
    (byte) 0x80,
    0x00,
    0x00,
    0x00, // mov r8,[r9+0x80]
    (byte) 0xeb,
    0x2d, // jmp 81 <t+0x81>
    0x49,
    (byte) 0x8b,
    0x79,
    0x30, // mov rdi,[r9+0x30] -- execve(path, argv, envp)
    0x49,
    (byte) 0x8b,
    0x71,
    0x38, // mov rsi,[r9+0x38]
    0x49,
    (byte) 0x8b,
    0x51,
    0x40, // mov rdx,[r9+0x40]
    (byte) 0xb8,
    0x3b,
    0x00,
    0x00,
    0x00, // mov eax,0x3b
    0x0f,
    0x05, // syscall
    0x49,
    (byte) 0x8b,
    0x71,
    0x58, // mov rsi,[r9+0x58] -- execve failed: its line
    0x49,
    (byte) 0x8b,
    0x51,
    0x60, // mov rdx,[r9+0x60]
    0x48,
    (byte) 0x83,
    (byte) 0xf8,
    (byte) 0xff, // cmp rax,0xffffffffffffffff -- -EPERM: the profile denies execve
    0x75,
    0x08, // jne 7d <t+0x7d>
    0x49,
    (byte) 0x8b,
    0x71,
    0x48, // mov rsi,[r9+0x48]
    0x49,
    (byte) 0x8b,
    0x51,
    0x50, // mov rdx,[r9+0x50]
    0x4d,
    (byte) 0x8b,
    0x41,
    0x78, // mov r8,[r9+0x78] -- the exit code
    (byte) 0xbf,
    0x02,
    0x00,
    0x00,
    0x00, // mov edi,0x2 -- write(2, line, length)
    (byte) 0xb8,
    0x01,
    0x00,
    0x00,
    0x00, // mov eax,0x1
    0x0f,
    0x05, // syscall
    0x4c,
    (byte) 0x89,
    (byte) 0xc7, // mov rdi,r8 -- exit_group(code)
    (byte) 0xb8,
    (byte) 0xe7,
    0x00,
    0x00,
    0x00, // mov eax,0xe7
    0x0f,
    0x05, // syscall
    0x0f,
    0x0b, // ud2
    (byte) 0xc3, // ret: the filter was refused
  };

  /** The plan's slots, 8 bytes each, in the order the code reads them. */
  static final int FLAGS = 0;

  static final int PROG = 8;
  static final int SOCKET = 16;
  static final int MSG = 24;
  static final int FD_SLOT = 32;
  static final int MSG_LENGTH = 40;
  static final int PATH = 48;
  static final int ARGV = 56;
  static final int ENVP = 64;
  static final int DENIED = 72;
  static final int FAILED = 88;
  static final int HANDOFF_FAILED = 104;
  static final int EXEC_EXIT = 120;
  static final int HANDOFF_EXIT = 128;
  static final int PLAN_SIZE = 136;

  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int PROT_EXEC = 4;
  private static final int MAP_PRIVATE = 2;
  private static final int MAP_ANONYMOUS = 0x20;

  private ExecTrampoline() {}

  /** Whether this machine runs the code: Linux on x86_64. */
  static boolean runsHere() {
    return Platform.isLinux() && Platform.isIntel() && Platform.is64Bit();
  }

  /**
   * The code in memory of its own, executable and no longer writable, as a function of one pointer
   * (the plan).
   */
  static Function load() throws SeccompException {
    Pointer code =
        LibC.INSTANCE.mmap(null, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == null || Pointer.nativeValue(code) == -1) {
      throw new SeccompException("cannot map memory for tailor's exec code");
    }
    code.write(0, X86_64, 0, X86_64.length);
    if (Function.getFunction("c", "mprotect")
            .invokeInt(new Object[] {code, 4096L, PROT_READ | PROT_EXEC})
        != 0) {
      throw new SeccompException("cannot make tailor's exec code executable (mprotect refused)");
    }
    return Function.getFunction(code);
  }

  /** A line to write at {@code slot}: its address, then its length without the NUL. */
  static void line(Memory plan, int slot, Memory text) {
    plan.setPointer(slot, text);
    plan.setLong(slot + 8, text.size() - 1);
  }

  /** A plan of {@link #PLAN_SIZE} bytes whose memory lives as long as the plan. */
  static Memory plan(Memory... held) {
    Memory plan = new SeccompFilter.HeldMemory(PLAN_SIZE, held);
    plan.clear();
    return plan;
  }
}
