package dev.tailor.tracer.record;

import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.strace.TraceParser;
import java.util.Set;

/**
 * How much of each call's strace text {@link StraceDecoder} reads, so the parser can skip the rest.
 */
final class ReadDetail {
  private ReadDetail() {}

  /** Syscalls whose arguments the recorder never reads: only their names and results count. */
  private static final Set<String> NAME_ONLY =
      Set.of(
          "close",
          "futex",
          "brk",
          "munmap",
          "madvise",
          "mremap",
          "rt_sigaction",
          "rt_sigprocmask",
          "rt_sigreturn",
          "rt_sigsuspend",
          "rt_sigtimedwait",
          "sigaltstack",
          "lseek",
          "getpid",
          "gettid",
          "getppid",
          "getuid",
          "geteuid",
          "getgid",
          "getegid",
          "getresuid",
          "getresgid",
          "getpgrp",
          "getsid",
          "clock_gettime",
          "clock_getres",
          "gettimeofday",
          "time",
          "times",
          "epoll_wait",
          "epoll_pwait",
          "epoll_pwait2",
          "epoll_ctl",
          "epoll_create1",
          "poll",
          "ppoll",
          "select",
          "pselect6",
          "nanosleep",
          "clock_nanosleep",
          "sched_yield",
          "getrandom",
          "set_robust_list",
          "get_robust_list",
          "rseq",
          "set_tid_address",
          "prlimit64",
          "getrlimit",
          "arch_prctl",
          "wait4",
          "waitid",
          "exit",
          "exit_group",
          "restart_syscall",
          "dup",
          "dup2",
          "dup3",
          "pipe",
          "pipe2",
          "eventfd2",
          "uname",
          "sysinfo",
          "getcwd",
          "sched_getaffinity",
          "getrusage",
          "tgkill",
          "kill",
          "tkill",
          "alarm",
          "setitimer",
          "getitimer",
          "timerfd_create",
          "timerfd_settime",
          "timer_settime",
          "timer_create",
          "membarrier",
          "umask",
          "close_range",
          "getsockopt",
          "setsockopt",
          "getsockname",
          "getpeername",
          "shutdown",
          "fsync",
          "fdatasync",
          "sync_file_range",
          "fadvise64",
          "sched_getparam",
          "sched_getscheduler",
          "getpriority",
          "capget",
          "io_uring_enter");

  /**
   * How much of a call the recorder reads, so the parser can skip the rest: every call's name and
   * result count; arguments only for the calls {@link #accept} interprets.
   */
  static TraceParser.Detail detail(String syscall) {
    if (!SyscallModel.filters(syscall).isEmpty()) {
      return TraceParser.Detail.ALL;
    }
    if (NAME_ONLY.contains(syscall)) {
      return TraceParser.Detail.NAME;
    }
    // Calls on an fd whose first argument (the fd and its -yy path) is all the recorder reads;
    // fchown's ids are read for a capability.
    if ((StraceDecoder.onFd(syscall).isPresent() && !syscall.equals("fchown"))
        || syscall.equals("getdents")
        || syscall.equals("getdents64")) {
      return TraceParser.Detail.FIRST_ARGUMENT;
    }
    return TraceParser.Detail.ALL;
  }
}
