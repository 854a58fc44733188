package dev.tailor.tracer.strace;

import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.call.ValueNames;
import java.util.List;
import java.util.Optional;

/**
 * Reads the value of a recorded argument ({@link SyscallModel#filters}) from strace's text of a
 * call. The syscalls of {@link SyscallModel#STRACE_RAW} are traced raw, so their values are
 * numbers; a name there (a trace recorded without {@code -e raw=}) is not read, because strace's
 * names for enumerations are not exact (an ioctl name is shared between drivers). Flag words
 * (clone's flags, mmap's and mprotect's prot) strace prints as known names plus a hex remainder:
 * they are read back through the table, and an unknown name leaves the value unread rather than
 * guessed.
 */
public final class StraceArguments {
  private StraceArguments() {}

  /**
   * The argument's value in {@code args} (the call's split arguments), or empty when it cannot be
   * known.
   */
  public static Optional<Long> value(ArgFilter filter, List<String> args) {
    String syscall = filter.syscall();
    if (syscall.equals("clone")) {
      return cloneFlags(args);
    }
    if (syscall.equals("clone3")) {
      // clone3({flags=CLONE_VM|..., exit_signal=SIGCHLD, ...}, 88): the flags word alone.
      return args.isEmpty()
          ? Optional.empty()
          : StraceText.field(args.get(0), "flags").flatMap(SyscallModel.CLONE_FLAGS::parse);
    }
    if (args.size() <= filter.index()) {
      return Optional.empty();
    }
    String token = args.get(filter.index());
    if (SyscallModel.STRACE_RAW.contains(syscall) && !filter.names().isFlags()) {
      return ValueNames.number(token);
    }
    return filter.names().parse(token);
  }

  /**
   * clone's flags: strace names the argument ({@code flags=CLONE_VM|...|SIGCHLD}) and writes it
   * where the C library puts it, which is not the kernel's order on every architecture; a raw trace
   * gives the number as the first argument.
   */
  private static Optional<Long> cloneFlags(List<String> args) {
    Optional<String> named = args.stream().filter(a -> a.startsWith("flags=")).findFirst();
    if (named.isPresent()) {
      return flagsWithSignal(named.get().substring("flags=".length()));
    }
    return args.isEmpty() ? Optional.empty() : ValueNames.number(args.get(0));
  }

  /** {@code CLONE_VM|CLONE_FS|SIGCHLD}: the flags, and the exit signal in the low byte. */
  private static Optional<Long> flagsWithSignal(String text) {
    long signal = 0;
    StringBuilder flags = new StringBuilder();
    for (String part : text.split("\\|", -1)) {
      String p = part.trim();
      if (p.startsWith("SIG")) {
        Optional<Long> n = SyscallModel.SIGNALS.parse(p);
        if (n.isEmpty() || signal != 0) {
          return Optional.empty();
        }
        signal = n.get();
      } else {
        flags.append(flags.length() == 0 ? "" : "|").append(p);
      }
    }
    if (flags.length() == 0) {
      return Optional.of(signal);
    }
    long s = signal;
    return SyscallModel.CLONE_FLAGS.parse(flags.toString()).map(f -> f | s);
  }
}
