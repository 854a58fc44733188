package dev.tailor.tracer.call;

import java.util.Map;
import java.util.TreeMap;

/**
 * The longer number-to-name tables of {@link SyscallModel}'s value names, as the kernel headers
 * define them: prctl options, ioctl requests, signals and clone flags.
 */
final class ValueTables {
  private ValueTables() {}

  static Map<Long, String> prctlOptions() {
    String[] names = {
      null,
      "PR_SET_PDEATHSIG",
      "PR_GET_PDEATHSIG",
      "PR_GET_DUMPABLE",
      "PR_SET_DUMPABLE",
      "PR_GET_UNALIGN",
      "PR_SET_UNALIGN",
      "PR_GET_KEEPCAPS",
      "PR_SET_KEEPCAPS",
      "PR_GET_FPEMU",
      "PR_SET_FPEMU",
      "PR_GET_FPEXC",
      "PR_SET_FPEXC",
      "PR_GET_TIMING",
      "PR_SET_TIMING",
      "PR_SET_NAME",
      "PR_GET_NAME",
      null,
      null,
      "PR_GET_ENDIAN",
      "PR_SET_ENDIAN",
      "PR_GET_SECCOMP",
      "PR_SET_SECCOMP",
      "PR_CAPBSET_READ",
      "PR_CAPBSET_DROP",
      "PR_GET_TSC",
      "PR_SET_TSC",
      "PR_GET_SECUREBITS",
      "PR_SET_SECUREBITS",
      "PR_SET_TIMERSLACK",
      "PR_GET_TIMERSLACK",
      "PR_TASK_PERF_EVENTS_DISABLE",
      "PR_TASK_PERF_EVENTS_ENABLE",
      "PR_MCE_KILL",
      "PR_MCE_KILL_GET",
      "PR_SET_MM",
      "PR_SET_CHILD_SUBREAPER",
      "PR_GET_CHILD_SUBREAPER",
      "PR_SET_NO_NEW_PRIVS",
      "PR_GET_NO_NEW_PRIVS",
      "PR_GET_TID_ADDRESS",
      "PR_SET_THP_DISABLE",
      "PR_GET_THP_DISABLE",
      "PR_MPX_ENABLE_MANAGEMENT",
      "PR_MPX_DISABLE_MANAGEMENT",
      "PR_SET_FP_MODE",
      "PR_GET_FP_MODE",
      "PR_CAP_AMBIENT",
      null,
      null,
      "PR_SVE_SET_VL",
      "PR_SVE_GET_VL",
      "PR_GET_SPECULATION_CTRL",
      "PR_SET_SPECULATION_CTRL",
      "PR_PAC_RESET_KEYS",
      "PR_SET_TAGGED_ADDR_CTRL",
      "PR_GET_TAGGED_ADDR_CTRL",
      "PR_SET_IO_FLUSHER",
      "PR_GET_IO_FLUSHER",
      "PR_SET_SYSCALL_USER_DISPATCH",
      "PR_PAC_SET_ENABLED_KEYS",
      "PR_PAC_GET_ENABLED_KEYS",
      "PR_SCHED_CORE",
      "PR_SME_SET_VL",
      "PR_SME_GET_VL",
      "PR_SET_MDWE",
      "PR_GET_MDWE"
    };
    Map<Long, String> m = numbered(0, names);
    m.put(0x53564d41L, "PR_SET_VMA");
    m.put(0x59616d61L, "PR_SET_PTRACER");
    return m;
  }

  static Map<Long, String> ioctlRequests() {
    String[] tty = {
      "TCGETS",
      "TCSETS",
      "TCSETSW",
      "TCSETSF",
      "TCGETA",
      "TCSETA",
      "TCSETAW",
      "TCSETAF",
      "TCSBRK",
      "TCXONC",
      "TCFLSH",
      "TIOCEXCL",
      "TIOCNXCL",
      "TIOCSCTTY",
      "TIOCGPGRP",
      "TIOCSPGRP",
      "TIOCOUTQ",
      "TIOCSTI",
      "TIOCGWINSZ",
      "TIOCSWINSZ",
      "TIOCMGET",
      "TIOCMBIS",
      "TIOCMBIC",
      "TIOCMSET",
      "TIOCGSOFTCAR",
      "TIOCSSOFTCAR",
      "FIONREAD",
      "TIOCLINUX",
      "TIOCCONS",
      "TIOCGSERIAL",
      "TIOCSSERIAL",
      "TIOCPKT",
      "FIONBIO",
      "TIOCNOTTY",
      "TIOCSETD",
      "TIOCGETD",
      "TCSBRKP"
    };
    Map<Long, String> m = numbered(0x5401, tty);
    m.put(0x5427L, "TIOCSBRK");
    m.put(0x5428L, "TIOCCBRK");
    m.put(0x5429L, "TIOCGSID");
    m.put(0x802c542aL, "TCGETS2");
    m.put(0x402c542bL, "TCSETS2");
    m.put(0x80045430L, "TIOCGPTN");
    m.put(0x40045431L, "TIOCSPTLCK");
    m.put(0x80045432L, "TIOCGDEV");
    m.put(0x40045436L, "TIOCSIG");
    m.put(0x5437L, "TIOCVHANGUP");
    m.put(0x5441L, "TIOCGPTPEER");
    m.put(0x5450L, "FIONCLEX");
    m.put(0x5451L, "FIOCLEX");
    m.put(0x5452L, "FIOASYNC");
    m.put(0x5460L, "FIOQSIZE");
    m.put(0x8910L, "SIOCGIFNAME");
    m.put(0x8912L, "SIOCGIFCONF");
    m.put(0x8913L, "SIOCGIFFLAGS");
    m.put(0x8914L, "SIOCSIFFLAGS");
    m.put(0x8915L, "SIOCGIFADDR");
    m.put(0x8921L, "SIOCGIFMTU");
    m.put(0x8927L, "SIOCGIFHWADDR");
    m.put(0x8933L, "SIOCGIFINDEX");
    m.put(0x1L, "FIBMAP");
    m.put(0x2L, "FIGETBSZ");
    m.put(0x80081272L, "BLKGETSIZE64");
    m.put(0x80086601L, "FS_IOC_GETFLAGS");
    m.put(0x40086602L, "FS_IOC_SETFLAGS");
    m.put(0xc020660bL, "FS_IOC_FIEMAP");
    m.put(0x40049409L, "FICLONE");
    m.put(0x4020940dL, "FICLONERANGE");
    m.put(0x80045200L, "RNDGETENTCNT");
    m.put(0x400454caL, "TUNSETIFF");
    m.put(0xc0185879L, "FS_IOC_GETFSMAP");
    return m;
  }

  static Map<Long, String> signals() {
    String[] names = {
      null,
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGILL",
      "SIGTRAP",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGKILL",
      "SIGUSR1",
      "SIGSEGV",
      "SIGUSR2",
      "SIGPIPE",
      "SIGALRM",
      "SIGTERM",
      "SIGSTKFLT",
      "SIGCHLD",
      "SIGCONT",
      "SIGSTOP",
      "SIGTSTP",
      "SIGTTIN",
      "SIGTTOU",
      "SIGURG",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGVTALRM",
      "SIGPROF",
      "SIGWINCH",
      "SIGIO",
      "SIGPWR",
      "SIGSYS"
    };
    return numbered(0, names);
  }

  /** {@code names} numbered from {@code first} up, where a name is not null. */
  private static Map<Long, String> numbered(long first, String[] names) {
    Map<Long, String> m = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i] != null) {
        m.put(first + i, names[i]);
      }
    }
    return m;
  }

  static Map<Long, String> cloneFlags() {
    Map<Long, String> m = new TreeMap<>();
    m.put(0x00000080L, "CLONE_NEWTIME");
    m.put(0x00000100L, "CLONE_VM");
    m.put(0x00000200L, "CLONE_FS");
    m.put(0x00000400L, "CLONE_FILES");
    m.put(0x00000800L, "CLONE_SIGHAND");
    m.put(0x00001000L, "CLONE_PIDFD");
    m.put(0x00002000L, "CLONE_PTRACE");
    m.put(0x00004000L, "CLONE_VFORK");
    m.put(0x00008000L, "CLONE_PARENT");
    m.put(0x00010000L, "CLONE_THREAD");
    m.put(0x00020000L, "CLONE_NEWNS");
    m.put(0x00040000L, "CLONE_SYSVSEM");
    m.put(0x00080000L, "CLONE_SETTLS");
    m.put(0x00100000L, "CLONE_PARENT_SETTID");
    m.put(0x00200000L, "CLONE_CHILD_CLEARTID");
    m.put(0x00400000L, "CLONE_DETACHED");
    m.put(0x00800000L, "CLONE_UNTRACED");
    m.put(0x01000000L, "CLONE_CHILD_SETTID");
    m.put(0x02000000L, "CLONE_NEWCGROUP");
    m.put(0x04000000L, "CLONE_NEWUTS");
    m.put(0x08000000L, "CLONE_NEWIPC");
    m.put(0x10000000L, "CLONE_NEWUSER");
    m.put(0x20000000L, "CLONE_NEWPID");
    m.put(0x40000000L, "CLONE_NEWNET");
    m.put(0x80000000L, "CLONE_IO");
    m.put(0x100000000L, "CLONE_CLEAR_SIGHAND");
    m.put(0x200000000L, "CLONE_INTO_CGROUP");
    return m;
  }
}
