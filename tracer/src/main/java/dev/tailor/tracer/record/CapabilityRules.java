package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.ValueNames;
import java.util.ArrayList;
import java.util.Optional;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceText;
import java.util.List;
import java.util.function.Function;

/**
 * The capabilities a call implies, with the reason the report gives: setuid calls need
 * CAP_SETUID, mount needs CAP_SYS_ADMIN, a raw socket CAP_NET_RAW (see {@link StraceDecoder}), and
 * so on. Only flag and mode arguments are read, never a path, which may spell a flag's name.
 */
final class CapabilityRules {
  private CapabilityRules() {}

  /** Adds capabilities to a list of effects. */
  private record Sink(List<Effect> out) {
    void add(boolean ok, String capability, String reason) {
      out.add(new Effect.Capable(capability, reason));
    }
  }

  /**
   * The capabilities a call that worked implies, and its id changes; {@code args}: the call's
   * split arguments, as {@link StraceDecoder#args} gives them.
   */
  static void infer(SyscallEvent e, String name, Function<SyscallEvent, List<String>> args, List<Effect> out) {
    Sink capability = new Sink(out);
    boolean ok = true;
    Optional<Effect.IdCall> id = Effect.IdCall.of(name);
    if (id.isPresent()) {
      List<String> a = args.apply(e);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < id.get().ids().size(); i++) {
        ids.add(i < a.size() ? ValueNames.number(a.get(i).trim()).orElse(-1L) : -1L);
      }
      out.add(new Effect.IdChange(id.get(), ids, name + "(" + e.args() + ")"));
      return;
    }
    switch (name) {
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
      case "bpf" -> {
        List<String> a = args.apply(e);
        capability.add(ok, "bpf", "bpf(" + (a.isEmpty() ? "" : a.get(0)) + ")");
      }
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
      List<String> a = args.apply(e);
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
      List<String> a = args.apply(e);
      int mode = name.equals("mknod") ? 1 : 2;
      if (a.size() > mode && (StraceText.hasFlag(a.get(mode), "S_IFCHR") || StraceText.hasFlag(a.get(mode), "S_IFBLK"))) {
        capability.add(ok, "mknod", name + " of a device node");
      }
    }
    if (name.equals("chroot")) {
      capability.add(ok, "sys_chroot", "chroot");
    }
  }
}
