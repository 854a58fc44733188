package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shape of the program: what keeps bpftrace's start-up and the per-syscall cost low. */
class BpfScriptTest {
  /** x86_64 numbers of a few syscalls, as libseccomp gives them. */
  private static final Map<Integer, String> X86_64 = Map.ofEntries(Map.entry(0, "read"), Map.entry(1, "write"),
      Map.entry(2, "open"), Map.entry(3, "close"), Map.entry(41, "socket"), Map.entry(59, "execve"),
      Map.entry(80, "chdir"), Map.entry(81, "fchdir"), Map.entry(85, "creat"), Map.entry(202, "futex"),
      Map.entry(257, "openat"), Map.entry(322, "execveat"), Map.entry(437, "openat2"), Map.entry(39, "getpid"));

  private static String entryProgram(String text) {
    int from = text.indexOf("tracepoint:raw_syscalls:sys_enter");
    return text.substring(from, text.indexOf("\ntracepoint:", from + 1));
  }

  @Test
  void numbers_fromTheTable_busyAndTracedSyscalls() {
    Map<String, Integer> n = BpfScript.numbers(i -> Optional.ofNullable(X86_64.get(i)));
    assertEquals(257, n.get("openat"));
    assertEquals(437, n.get("openat2"));
    assertEquals(0, n.get("read"));
    assertFalse(n.containsKey("madeup"));
  }

  @Test
  void text_entryProgram_readsArgsOnceAndHandlesCallsByNumber() {
    Map<String, Integer> n = BpfScript.numbers(i -> Optional.ofNullable(X86_64.get(i)));
    String text = BpfScript.text(new BpfScript.Plan(1234, List.of(), true, 99, n));
    String entry = entryProgram(text);
    // bpftrace 0.17 rereads tracefs' event list ~20 times for each "args->" in the text
    assertEquals(2, count(entry, "args->"), entry);
    assertTrue(entry.startsWith("tracepoint:raw_syscalls:sys_enter /cgroup == 99 || @g[pid]/"), entry);
    assertTrue(entry.contains("if ($i == 0) { @s0 = count(); $o = 0; }"), entry);
    assertTrue(entry.contains("@d[tid] = $a[0]; @p[tid] = $a[1]; @f[tid] = $a[2];"), entry);
    assertFalse(text.contains("sys_enter_openat"), "no per-syscall entry tracepoints when numbers are known");
    // one place updates the hash, whatever the number of leaves
    assertEquals(1, count(entry, "@sc[$i] = count()"), entry);
  }

  @Test
  void text_everyProgram_staysUnderBpfsSixtyFourMapsWithAllBusyCounters() {
    Map<String, Integer> all = new java.util.HashMap<>();
    int i = 0;
    for (String name : List.of("read", "write", "futex", "epoll_wait", "epoll_pwait", "poll", "ppoll", "recvfrom", "sendto",
        "recvmsg", "sendmsg", "pread64", "pwrite64", "readv", "writev", "lseek", "close", "openat", "newfstatat", "fstat",
        "statx", "stat", "lstat", "mmap", "munmap", "mprotect", "brk", "madvise", "ioctl", "fcntl", "getdents64",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "select", "pselect6", "epoll_ctl", "clock_nanosleep",
        "nanosleep", "sched_yield", "getpid", "gettid", "access", "faccessat2", "readlink", "getrandom", "wait4",
        "clock_gettime", "gettimeofday", "io_uring_enter", "open", "creat", "openat2", "execve", "execveat", "chdir",
        "fchdir", "socket")) {
      all.put(name, i++);
    }
    String entry = entryProgram(BpfScript.text(new BpfScript.Plan(1, List.of(), true, 0, all)));
    Set<String> maps = new TreeSet<>();
    Matcher m = Pattern.compile("@[a-z0-9]+").matcher(entry);
    while (m.find()) {
      maps.add(m.group());
    }
    // + the perf output map of printf
    assertTrue(maps.size() + 1 <= 64, maps.size() + 1 + " maps: " + maps);
  }

  @Test
  void text_withoutTable_entryComesFromEachCallsTracepoint() {
    String text = BpfScript.text(new BpfScript.Plan(1, List.of(), true, 0, Map.of()));
    String entry = entryProgram(text);
    assertEquals(1, count(entry, "@sc[$i] = count()"), entry);
  }

  @Test
  void text_withoutTable_readsOpensFromTheirOwnTracepoint() throws Exception {
    // Which per-call tracepoints exist is a fact of this kernel's tracefs (mounted as the backend would).
    try {
      BpfBackend.ensureTracefs();
    } catch (dev.tailor.tracer.backend.TraceException e) {
      assumeTrue(false, "no tracefs here: " + e.getMessage());
    }
    assertTrue(BpfScript.exists("openat"), "tracefs has no syscalls:sys_enter_openat");
    assertFalse(BpfScript.exists("no_such_call"));
    String text = BpfScript.text(new BpfScript.Plan(1, List.of(), true, 0, Map.of()));
    assertTrue(text.contains("tracepoint:syscalls:sys_enter_openat /@g[pid]/ { @d[tid] = args->dfd;"), text);
  }

  @Test
  void text_attached_seedsTheMapAndHasNoRoot() {
    String text = BpfScript.text(new BpfScript.Plan(0, List.of(11, 12), false, 0, Map.of()));
    assertTrue(text.contains("@g[11] = 1;\n  @g[12] = 1;"), text);
    assertFalse(text.contains("printf(\"B "), text);
    assertFalse(text.contains("curtask"), "no BTF, no curtask");
    assertTrue(text.contains(BpfScript.SENTINEL + " = 1;"), text);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
