package dev.tailor.tracer.call;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The capability a call that worked needed whatever its arguments (mount: sys_admin, ptrace:
 * sys_ptrace, ...): the one table both backends' decoders read. Calls that need one only for some
 * arguments (unshare, adjtimex, a real-time scheduler, a device mknod, a raw socket) are read by
 * each decoder from its own form of the arguments.
 */
public final class CapabilityCalls {
  private CapabilityCalls() {}

  private static final Map<String, String> BY_CALL =
      byCall(
          Map.of(
              "sys_admin",
              List.of(
                  "mount",
                  "umount2",
                  "umount",
                  "pivot_root",
                  "setns",
                  "sethostname",
                  "setdomainname",
                  "fsopen",
                  "fsmount",
                  "move_mount",
                  "open_tree"),
              "sys_ptrace",
              List.of("ptrace", "process_vm_readv", "process_vm_writev"),
              "sys_time",
              List.of("settimeofday", "clock_settime", "clock_adjtime", "stime"),
              "sys_boot",
              List.of("reboot", "kexec_load", "kexec_file_load"),
              "sys_module",
              List.of("init_module", "finit_module", "delete_module"),
              "sys_rawio",
              List.of("iopl", "ioperm"),
              "perfmon",
              List.of("perf_event_open"),
              "sys_chroot",
              List.of("chroot")));

  /**
   * The set*id calls, as {@link Effect.IdCall} names them: each can change a task's uids or gids,
   * which the backends decode and the generators ask about. setgroups changes neither and is not
   * one. 32-bit x86 and arm also have each with a {@code 32} suffix ({@code setresuid32}).
   */
  public static final List<String> ID_CALLS =
      Arrays.stream(Effect.IdCall.values())
          .filter(c -> c != Effect.IdCall.SETGROUPS)
          .map(c -> c.name().toLowerCase(Locale.ROOT))
          .toList();

  private static Map<String, String> byCall(Map<String, List<String>> calls) {
    Map<String, String> m = new HashMap<>();
    calls.forEach((capability, names) -> names.forEach(n -> m.put(n, capability)));
    return Map.copyOf(m);
  }

  /** The calls of this table. */
  public static Set<String> calls() {
    return BY_CALL.keySet();
  }

  /**
   * Adds to {@code out} the capability {@code syscall} needs whenever it works, if it always needs
   * one; whether it does.
   */
  public static boolean addTo(String syscall, List<Effect> out) {
    String capability = BY_CALL.get(syscall);
    if (capability != null) {
      out.add(new Effect.Capable(capability, syscall));
    }
    return capability != null;
  }
}
