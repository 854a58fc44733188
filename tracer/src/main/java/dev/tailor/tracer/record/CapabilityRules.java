package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceText;
import java.util.List;

/**
 * The capabilities a call implies, with the reason the report gives: setuid calls need
 * CAP_SETUID, mount needs CAP_SYS_ADMIN, a raw socket CAP_NET_RAW (see {@link StraceCalls}), and
 * so on. Only flag and mode arguments are read, never a path, which may spell a flag's name.
 */
final class CapabilityRules {
  private CapabilityRules() {}

  /** Where implied capabilities go: only calls that worked ({@code ok}) imply one. */
  interface Sink {
    void add(boolean ok, String capability, String reason);
  }

  static void infer(SyscallEvent e, String name, boolean ok, Sink capability) {
    switch (name) {
      case "setuid", "setreuid", "setresuid", "setfsuid", "setuid32", "setreuid32", "setresuid32" ->
          capability.add(ok, "setuid", name + "(" + e.args() + ")");
      case "setgid", "setregid", "setresgid", "setfsgid", "setgroups", "setgid32", "setregid32",
          "setresgid32", "setgroups32" -> capability.add(ok, "setgid", name + "(" + e.args() + ")");
      case "mount", "umount2", "umount", "pivot_root", "setns", "sethostname", "setdomainname",
          "fsopen", "fsmount", "move_mount", "open_tree" -> capability.add(ok, "sys_admin", name);
      case "unshare" -> {
        if (!e.args().equals("0")) {
          capability.add(ok, "sys_admin", "unshare(" + e.args() + ")");
        }
      }
      case "ptrace", "process_vm_readv", "process_vm_writev" -> capability.add(ok, "sys_ptrace", name);
      case "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "stime" -> {
        if (!name.equals("adjtimex") || !e.args().contains("modes=0")) {
          capability.add(ok, "sys_time", name);
        }
      }
      case "reboot", "kexec_load", "kexec_file_load" -> capability.add(ok, "sys_boot", name);
      case "init_module", "finit_module", "delete_module" -> capability.add(ok, "sys_module", name);
      case "iopl", "ioperm" -> capability.add(ok, "sys_rawio", name);
      case "capset" -> capability.add(ok, "setpcap", "capset");
      case "bpf" -> capability.add(ok, "bpf", "bpf(" + firstArg(e) + ")");
      case "perf_event_open" -> capability.add(ok, "perfmon", "perf_event_open");
      case "sched_setscheduler", "sched_setattr" -> {
        if (e.args().contains("SCHED_FIFO") || e.args().contains("SCHED_RR")) {
          capability.add(ok, "sys_nice", name + " real-time policy");
        }
      }
      default -> {
        // No capability of its own.
      }
    }
    if (name.equals("fchownat") || name.equals("chown") || name.equals("lchown") || name.equals("fchown")) {
      List<String> a = StraceText.splitArgs(e.args());
      int ids = name.equals("fchownat") ? 2 : 1;
      // uid and gid -1 change nothing and need no capability. Other ids need CAP_CHOWN unless the
      // caller owns the file and keeps its owner (and one of its groups): the trace cannot tell.
      if (a.size() <= ids + 1 || !a.get(ids).equals("-1") || !a.get(ids + 1).equals("-1")) {
        capability.add(ok, "chown", name + "(" + StraceText.printable(PathText.escape(e.args()), 70)
            + ") - may not have been needed: the trace does not show the file's owner");
      }
    }
    if (name.equals("mknod") || name.equals("mknodat")) {
      // The mode argument, never the path: a file name may spell "S_IFCHR".
      List<String> a = StraceText.splitArgs(e.args());
      int mode = name.equals("mknod") ? 1 : 2;
      if (a.size() > mode && (StraceText.hasFlag(a.get(mode), "S_IFCHR") || StraceText.hasFlag(a.get(mode), "S_IFBLK"))) {
        capability.add(ok, "mknod", name + " of a device node");
      }
    }
    if (name.equals("chroot")) {
      capability.add(ok, "sys_chroot", "chroot");
    }
  }

  private static String firstArg(SyscallEvent e) {
    List<String> a = StraceText.splitArgs(e.args());
    return a.isEmpty() ? "" : a.get(0);
  }
}
