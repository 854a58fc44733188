package dev.tailor.tracer.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Why the kernel refused strace's attach, told from what /proc says, so the advice fits: root is
 * not told to become root, and a process held by a debugger is named as such.
 */
final class AttachRefusal {
  private AttachRefusal() {}

  private static final int CAP_SYS_PTRACE = 19;
  private static final String[] CAPS = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore"
  };
  private static final String REMEDY =
      "run as root or with CAP_SYS_PTRACE (in a container: --cap-add SYS_PTRACE)";

  /** The one-line message for a refused attach to {@code pids}. */
  static String explain(List<Integer> pids) {
    return "cannot attach to " + pids + ": ptrace not permitted: " + cause(pids, Path.of("/proc"));
  }

  static String cause(List<Integer> pids, Path proc) {
    for (int pid : pids) {
      String tracer = field(proc, pid, "TracerPid").orElse("0");
      if (!tracer.equals("0")) {
        String comm =
            ProcTargets.read(proc.resolve(tracer).resolve("comm")).map(String::trim).orElse("?");
        return "process %s is already traced by process %s (%s), and a process has one tracer at a time: stop that tracer (a debugger, strace) first"
            .formatted(pid, tracer, comm);
      }
    }
    long ownPermitted = caps(proc, "self", "CapPrm");
    boolean canPtrace = (caps(proc, "self", "CapEff") & (1L << CAP_SYS_PTRACE)) != 0;
    String uid = uid(proc, "self");
    String scope =
        ProcTargets.read(proc.resolve("sys/kernel/yama/ptrace_scope")).map(String::trim).orElse("");
    if (scope.equals("3")) {
      return "kernel.yama.ptrace_scope is 3, which forbids every attach until the next reboot; "
          + "start the program under 'tailor learn -- CMD' instead";
    }
    if (!canPtrace) {
      if (scope.equals("2")) {
        return "kernel.yama.ptrace_scope is 2 (only CAP_SYS_PTRACE may attach) and tailor lacks it: "
            + REMEDY;
      }
      for (int pid : pids) {
        String targetUid = uid(proc, pid);
        if (!targetUid.equals(uid)) {
          return "process %s runs as uid %s and tailor as uid %s without CAP_SYS_PTRACE: %s"
              .formatted(pid, targetUid, uid, REMEDY);
        }
        String more = missing(proc, pid, ownPermitted);
        if (!more.isEmpty()) {
          return "process %s holds capabilities tailor lacks (%s) and tailor has no CAP_SYS_PTRACE: %s"
              .formatted(pid, more, REMEDY);
        }
      }
      if (scope.equals("1")) {
        return "kernel.yama.ptrace_scope is 1: without CAP_SYS_PTRACE only a process's ancestors may attach; "
            + REMEDY
            + ", or start the program under 'tailor learn -- CMD'";
      }
      return "tailor (uid " + uid + ") has no CAP_SYS_PTRACE: " + REMEDY;
    }
    // tailor may trace anything the kernel's own rules allow: the refusal comes from elsewhere.
    String why =
        "tailor runs as uid %s with CAP_SYS_PTRACE, no other tracer holds %s and %s, so something else refused it: "
            .formatted(
                uid,
                pids.size() == 1 ? "the process" : "the processes",
                scope.isEmpty() ? "Yama is not loaded" : "kernel.yama.ptrace_scope is " + scope);
    if (!field(proc, "self", "Seccomp").orElse("0").equals("0")) {
      return why
          + "tailor itself runs under a seccomp filter (Seccomp in /proc/self/status), which may deny "
          + "ptrace: run tailor outside that filter (e.g. without the container's seccomp profile)";
    }
    for (int pid : pids) {
      String more = missing(proc, pid, ownPermitted);
      if (!more.isEmpty()) {
        why +=
            "process %s holds capabilities tailor lacks (%s), which means it lives outside tailor's user namespace or container, where tailor's CAP_SYS_PTRACE does not count; "
                .formatted(pid, more);
        break;
      }
    }
    return why
        + "a security module (SELinux, AppArmor, Landlock) or a sandboxing runtime can also forbid "
        + "ptrace; trace it from where it was started (the host, or its own container)";
  }

  /** The names of the capabilities {@code pid} may hold and tailor may not, joined; "" if none. */
  private static String missing(Path proc, int pid, long own) {
    long extra = caps(proc, pid, "CapPrm") & ~own;
    return IntStream.range(0, 64)
        .filter(bit -> (extra & (1L << bit)) != 0)
        .mapToObj(bit -> bit < CAPS.length ? CAPS[bit] : "cap_" + bit)
        .collect(Collectors.joining(", "));
  }

  private static long caps(Path proc, Object pid, String name) {
    try {
      return field(proc, pid, name).map(h -> Long.parseUnsignedLong(h, 16)).orElse(0L);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String uid(Path proc, Object pid) {
    return field(proc, pid, "Uid").map(u -> u.split("\\s+")[0]).orElse("?");
  }

  private static Optional<String> field(Path proc, Object pid, String name) {
    return ProcTargets.read(proc.resolve(pid.toString()).resolve("status"))
        .flatMap(s -> ProcTargets.field(s, name));
  }
}
