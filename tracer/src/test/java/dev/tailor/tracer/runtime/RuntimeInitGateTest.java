package dev.tailor.tracer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gate on real strace 6.1 traces of runc 1.1.5 and crun 1.8.1 starting containers on Debian 12.
 */
class RuntimeInitGateTest {
  private record Split(RuntimeInitGate gate, Recording workload, List<SyscallEvent> all) {}

  private static Split split(String fixture, boolean attached, int initPid) throws IOException {
    Recorder recorder =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    RuntimeInitGate gate =
        attached
            ? RuntimeInitGate.attachedTo(initPid, recorder)
            : RuntimeInitGate.fromRuntimeStart(recorder);
    List<SyscallEvent> all = new ArrayList<>();
    try (InputStream in =
        RuntimeInitGateTest.class.getResourceAsStream("/strace/runtime/" + fixture)) {
      new TraceParser(
              e -> {
                if (e instanceof SyscallEvent s) {
                  all.add(s);
                }
                gate.accept(e);
              },
              0,
              RuntimeInitGate::detail)
          .parse(in);
    }
    return new Split(gate, recorder.toRecording("test", "x86_64"), all);
  }

  /** The line numbers of the init's filter load and of its exec, found in the fixture by hand. */
  private static long lineOf(List<SyscallEvent> all, String name, String argsStart) {
    return all.stream()
        .filter(s -> s.name().equals(name) && s.args().startsWith(argsStart) && !s.failed())
        .mapToLong(SyscallEvent::line)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void attachedAtPrestart_runcInit_keepsItsPostFilterCallsApartFromTheWorkload()
      throws IOException {
    Split s = split("runc-prestart-attach.strace", true, 11140);
    assertTrue(s.gate().filterSeen());
    assertEquals(RuntimeInitGate.Stage.WORKLOAD, s.gate().stage());
    // What runc's finalizeNamespace does after the filter: close fds, drop capabilities, set ids.
    assertTrue(
        s.gate()
            .runtimeCalls()
            .keySet()
            .containsAll(
                Set.of(
                    "fstatfs",
                    "getdents64",
                    "fcntl",
                    "capget",
                    "capset",
                    "prctl",
                    "setgroups",
                    "setgid",
                    "setuid",
                    "getppid",
                    "execve")),
        s.gate().runtimeCalls().toString());
    assertEquals(1L, s.gate().runtimeCalls().get("execve"), "up to and including the one exec");
    // The workload starts at the exec: echo's own calls, not runc's reads of /etc/passwd or
    // /proc/self/fd.
    assertTrue(s.workload().execs().containsKey("/usr/bin/echo"));
    assertFalse(
        s.workload().files().containsKey("/etc/passwd"), "read by runc's init, not by echo");
    assertFalse(s.workload().files().containsKey("/proc/1/fd"), "runc's close-fds scan");
    assertFalse(s.workload().syscalls().containsKey("setuid"));
    assertTrue(s.workload().syscalls().containsKey("exit_group"));
  }

  @Test
  void attachedAtPrestart_callsBeforeTheFilterCountNowhere() throws IOException {
    Split s = split("runc-prestart-attach.strace", true, 11140);
    long filter = lineOf(s.all(), "prctl", "PR_SET_SECCOMP");
    long exec =
        s.all().stream()
            .filter(e -> e.name().equals("execve") && e.returnValue() == 0)
            .mapToLong(SyscallEvent::line)
            .findFirst()
            .orElseThrow();
    long before =
        s.all().stream()
            .filter(e -> e.line() < filter)
            .map(SyscallEvent::name)
            .distinct()
            .filter(n -> s.all().stream().noneMatch(e -> e.line() > filter && e.name().equals(n)))
            .count();
    assertTrue(before > 0, "the fixture has calls that only happen before the filter");
    for (SyscallEvent e : s.all()) {
      boolean counted =
          s.gate().runtimeCalls().containsKey(e.name())
              || s.workload().syscalls().containsKey(e.name());
      boolean later =
          s.all().stream().anyMatch(x -> x.line() > filter && x.name().equals(e.name()));
      if (e.line() < filter && !later) {
        assertFalse(
            counted, e.name() + " at line " + e.line() + " is before the filter load at " + filter);
      }
    }
    assertTrue(exec > filter);
  }

  @Test
  void fromRuntimeStart_runc_findsTheInitAmongRuncsProcesses() throws IOException {
    Split s = split("runc-run.strace", false, 0);
    assertTrue(
        s.gate().filterSeen(),
        "runc probes seccomp flags with NULL programs first; those are not loads");
    assertEquals(RuntimeInitGate.Stage.WORKLOAD, s.gate().stage());
    assertEquals(1L, s.gate().runtimeCalls().get("execve"));
    assertTrue(
        s.gate()
            .runtimeCalls()
            .keySet()
            .containsAll(Set.of("capset", "setuid", "setgid", "fstatfs")));
    // The runc parent goes on waiting and reading its sync pipe meanwhile; none of that is the
    // init's.
    assertFalse(s.gate().runtimeCalls().containsKey("wait4"), s.gate().runtimeCalls().toString());
    assertFalse(
        s.gate().runtimeCalls().containsKey("seccomp"),
        "the load itself is made before the filter applies");
    // The init's Go threads were made inside the container's pid namespace: clone returned 2, 3...,
    // and only strace's --pidns-translation comment ties them to the host tids the lines carry.
    assertTrue(
        s.gate().runtimeCalls().containsKey("nanosleep"),
        "sysmon's sleeps on another thread of the init");
  }

  @Test
  void threadsCreatedInsideAPidNamespace_areTheInitsByTheirHostTid() throws IOException {
    String trace =
        String.join(
            "\n",
            "100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x1}, 88)"
                + " = 2 /* 101 in strace's PID NS */",
            "50 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x1) = 3 /* 102 in strace's PID NS */",
            "100 prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=4, filter=0x1}) = 0",
            "101 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0",
            "102 wait4(-1, 0x7ffd, 0, NULL) = 0",
            "100 execve(\"/usr/bin/true\", [\"/usr/bin/true\"], 0x1 /* 1 var */) = 0",
            "");
    Recorder recorder =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    RuntimeInitGate gate = RuntimeInitGate.fromRuntimeStart(recorder);
    new TraceParser(gate, 0, RuntimeInitGate::detail)
        .parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(Set.of("nanosleep", "execve"), gate.runtimeCalls().keySet());
  }

  @Test
  void fromRuntimeStart_crun_seccompSyscallLoad() throws IOException {
    Split s = split("crun-run.strace", false, 0);
    assertTrue(s.gate().filterSeen());
    assertEquals(RuntimeInitGate.Stage.WORKLOAD, s.gate().stage());
    assertTrue(
        s.gate()
            .runtimeCalls()
            .keySet()
            .containsAll(Set.of("capset", "setresuid", "setresgid", "execve")),
        s.gate().runtimeCalls().toString());
    assertTrue(s.workload().execs().containsKey("/usr/bin/true"));
  }

  @Test
  void loadsFilter_onlySuccessfulLoadsWithAProgram() {
    assertFalse(
        RuntimeInitGate.loadsFilter(
            call(
                "seccomp",
                "SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, NULL",
                "-1 EFAULT (Bad address)")));
    assertFalse(
        RuntimeInitGate.loadsFilter(
            call(
                "seccomp",
                "SECCOMP_SET_MODE_FILTER, 0, {len=9, filter=0x1}",
                "-1 EACCES (Permission denied)")));
    assertTrue(
        RuntimeInitGate.loadsFilter(
            call("seccomp", "SECCOMP_SET_MODE_FILTER, 0, {len=9, filter=0x1}", "0")));
    assertTrue(
        RuntimeInitGate.loadsFilter(
            call("prctl", "PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=3, filter=0x2}", "0")));
    assertFalse(
        RuntimeInitGate.loadsFilter(call("prctl", "PR_SET_SECCOMP, SECCOMP_MODE_STRICT", "0")));
    assertFalse(RuntimeInitGate.loadsFilter(call("prctl", "PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0", "0")));
  }

  @Test
  void noFilterAtAll_workloadStartsAtTheExecAndNothingIsTheRuntimes() throws IOException {
    String trace =
        String.join(
            "\n",
            "10 read(3<pipe:[1]>, \"\", 1) = 0",
            "10 setuid(0) = 0",
            "10 execve(\"/usr/bin/true\", [\"/usr/bin/true\"], 0x1 /* 1 var */) = 0",
            "10 brk(NULL) = 0x5000",
            "10 exit_group(0) = ?",
            "10 +++ exited with 0 +++",
            "");
    Recorder recorder =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    RuntimeInitGate gate = RuntimeInitGate.attachedTo(10, recorder);
    new TraceParser(gate, 0, RuntimeInitGate::detail)
        .parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.ISO_8859_1)));
    Recording r = recorder.toRecording("t", "x86_64");
    assertFalse(gate.filterSeen());
    assertTrue(gate.runtimeCalls().isEmpty());
    assertEquals(Set.of("execve", "brk", "exit_group"), r.syscalls().keySet());
  }

  @Test
  void threadsOfTheInitCountButOtherProcessesDoNot() throws IOException {
    String trace =
        String.join(
            "\n",
            "5 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x1) = 6",
            "6 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, tls=0x1) = 7",
            "6 prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=4, filter=0x1}) = 0",
            "7 futex(0x1, FUTEX_WAKE_PRIVATE, 1) = 1",
            "5 wait4(-1, 0x7ffd, 0, NULL) = 0",
            "6 capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=0, permitted=0, inheritable=0}) = 0",
            "6 execve(\"/usr/bin/true\", [\"/usr/bin/true\"], 0x1 /* 1 var */) = 0",
            "6 exit_group(0) = ?",
            "");
    Recorder recorder =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    RuntimeInitGate gate = RuntimeInitGate.fromRuntimeStart(recorder);
    new TraceParser(gate, 0, RuntimeInitGate::detail)
        .parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(Set.of("futex", "capset", "execve"), gate.runtimeCalls().keySet());
  }

  private static SyscallEvent call(String name, String args, String result) {
    return new SyscallEvent(1, name, args, result, 1);
  }
}
