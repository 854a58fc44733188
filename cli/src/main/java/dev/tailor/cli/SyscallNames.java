package dev.tailor.cli;

import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** Names strace printed as {@code syscall_0x1c4}, looked up in libseccomp's table. */
final class SyscallNames {
  private SyscallNames() {}

  /** Names of this architecture's syscall numbers; empty for numbers libseccomp does not know. */
  static IntFunction<Optional<String>> byNumber() {
    try {
      SyscallTable t = SyscallTable.forNativeArch();
      return t::nameOf;
    } catch (SeccompException e) {
      return n -> Optional.empty();
    }
  }

  static UnaryOperator<String> resolver() {
    SyscallTable table;
    try {
      table = SyscallTable.forNativeArch();
    } catch (SeccompException e) {
      return UnaryOperator.identity();
    }
    SyscallTable t = table;
    return raw -> {
      if (!raw.startsWith("syscall_0x")) {
        return raw;
      }
      try {
        int number = Integer.parseInt(raw.substring("syscall_0x".length()), 16);
        return t.nameOf(number).orElse(raw);
      } catch (NumberFormatException e) {
        return raw;
      }
    };
  }
}
