package dev.tailor.tracer.seccomp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.tailor.tracer.sys.LibC;
import java.util.HexFormat;

/**
 * The last steps of {@code enforce} as machine code, on x86_64: load the filter with seccomp(2),
 * hand the notify fd over when asked (sendmsg), execve the command, and if that fails write a
 * prepared line and exit_group. Once the filter is in place the thread never returns to the JVM.
 * Through JNA each of those calls returned into Java, where the thread may be held for a safepoint
 * and wait on a futex the profile denies: the JVM then crashed (SIGSEGV, exit 139; seen under a CPU
 * hog in CI) instead of starting the workload.
 *
 * <p>The code is what GNU as made of the instructions in the comments (Intel syntax; the offsets
 * are objdump's); it takes one pointer, the plan: 8-byte slots at the offsets below.
 */
final class ExecTrampoline {
  private static final byte[] X86_64 =
      HexFormat.of()
          .parseHex(
              String.join(
                  "",
                  "4989f9", // 0: mov r9,rdi -- plan in r9: no syscall here takes or clobbers it
                  "bf01000000", // 3: mov edi,0x1
                  "498b31", // 8: mov rsi,[r9]
                  "498b5108", // b: mov rdx,[r9+0x8]
                  "b83d010000", // f: mov eax,0x13d -- seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)
                  "0f05", // 14: syscall
                  "483d01f0ffff", // 16: cmp rax,0xfffffffffffff001 -- -4095..-1: refused,
                  "737b", // 1c: jae 99 -- nothing loaded: back to Java with -errno
                  "498b7910", // 1e: mov rdi,[r9+0x10] -- the handoff socket,
                  "4885ff", // 22: test rdi,rdi -- none (-1): on to execve
                  "782d", // 25: js 54
                  "498b4920", // 27: mov rcx,[r9+0x20] -- the notify fd into SCM_RIGHTS
                  "8901", // 2b: mov [rcx],eax
                  "498b7118", // 2d: mov rsi,[r9+0x18]
                  "ba40400000", // 31: mov edx,0x4040 -- MSG_NOSIGNAL | MSG_DONTWAIT
                  "b82e000000", // 36: mov eax,0x2e -- sendmsg
                  "0f05", // 3b: syscall
                  "493b4128", // 3d: cmp rax,[r9+0x28] -- all of the message sent: on to execve
                  "7411", // 41: je 54
                  "498b7168", // 43: mov rsi,[r9+0x68] -- else the handoff line and its exit code
                  "498b5170", // 47: mov rdx,[r9+0x70]
                  "4d8b8180000000", // 4b: mov r8,[r9+0x80]
                  "eb2d", // 52: jmp 81
                  "498b7930", // 54: mov rdi,[r9+0x30] -- execve(path, argv, envp)
                  "498b7138", // 58: mov rsi,[r9+0x38]
                  "498b5140", // 5c: mov rdx,[r9+0x40]
                  "b83b000000", // 60: mov eax,0x3b
                  "0f05", // 65: syscall
                  "498b7158", // 67: mov rsi,[r9+0x58] -- execve failed: its line
                  "498b5160", // 6b: mov rdx,[r9+0x60]
                  "4883f8ff", // 6f: cmp rax,0xffffffffffffffff -- -EPERM: the profile denies execve
                  "7508", // 73: jne 7d
                  "498b7148", // 75: mov rsi,[r9+0x48]
                  "498b5150", // 79: mov rdx,[r9+0x50]
                  "4d8b4178", // 7d: mov r8,[r9+0x78] -- the exit code
                  "bf02000000", // 81: mov edi,0x2 -- write(2, line, length)
                  "b801000000", // 86: mov eax,0x1
                  "0f05", // 8b: syscall
                  "4c89c7", // 8d: mov rdi,r8 -- exit_group(code)
                  "b8e7000000", // 90: mov eax,0xe7
                  "0f05", // 95: syscall
                  "0f0b", // 97: ud2
                  "c3")); // 99: ret -- the filter was refused

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
        LibC.INSTANCE.mmap(
            null,
            4096,
            LibC.PROT_READ | LibC.PROT_WRITE,
            LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS,
            -1,
            0);
    if (LibC.mapFailed(code)) {
      throw new SeccompException("cannot map memory for tailor's exec code");
    }
    code.write(0, X86_64, 0, X86_64.length);
    if (LibC.INSTANCE.mprotect(code, 4096, LibC.PROT_READ | LibC.PROT_EXEC) != 0) {
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
