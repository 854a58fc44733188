package dev.tailor.tracer.bpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.Optional;

/**
 * The bpftrace program tailor runs. Syscalls are counted in kernel maps (exact even when the
 * output buffer overflows); opens, execs, chdirs and sockets are printed one line each, with every
 * byte of a path hex-escaped ({@code %rx}) so that no file name can break the line framing. Paths
 * are read at syscall exit, when the kernel has already faulted their pages in.
 *
 * <p>What it costs, measured with bpftrace 0.17 (see bench/): every syscall of every process runs
 * the {@code raw_syscalls:sys_enter} program, so that program is kept to a cheap filter (the
 * workload's own cgroup when it has one, a hash lookup otherwise) and, for the busiest syscalls, a
 * per-CPU array counter instead of a hash update (lookup and update of a per-CPU hash cost ~130 ns
 * a call, a per-CPU array ~50 ns). The entry side of the file, exec, chdir and socket calls is
 * handled in that same program, by number, and not by per-syscall tracepoints: each extra
 * tracepoint costs bpftrace ~40 ms to compile and the kernel ~80 ms to detach.
 */
final class BpfScript {
  /** Longest string bpftrace 0.17 reads; a path of {@code MAX_STRING - 1} bytes may be cut. */
  static final int MAX_STRING = 200;
  /** The map printed last when bpftrace dumps its maps (SIGUSR1 prints them sorted by name). */
  static final String SENTINEL = "@zzz";
  /** The map counting event lines the program printed, to know when all of them were read. */
  static final String EVENTS = "@ev";
  /** Prefix of the per-CPU counter of one busy syscall: {@code @s<number>}. */
  static final String HOT = "@s";
  /** The hash counting every other syscall by number. */
  static final String OTHERS = "@sc";

  /**
   * Syscalls that get a counter of their own, busiest first. A BPF program may use 64 maps; the
   * entry program uses 11 others besides these.
   */
  private static final List<String> BUSY = List.of(
      "read", "write", "futex", "epoll_wait", "epoll_pwait", "poll", "ppoll", "recvfrom", "sendto",
      "recvmsg", "sendmsg", "pread64", "pwrite64", "readv", "writev", "lseek", "close", "openat",
      "newfstatat", "fstat", "statx", "stat", "lstat", "mmap", "munmap", "mprotect", "brk",
      "madvise", "ioctl", "fcntl", "getdents64", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
      "select", "pselect6", "epoll_ctl", "clock_nanosleep", "nanosleep", "sched_yield", "getpid",
      "gettid", "access", "faccessat2", "readlink", "getrandom", "wait4", "clock_gettime",
      "gettimeofday", "io_uring_enter");
  private static final int MAX_HOT = 48;

  private BpfScript() {}

  /** What the program needs to know about the workload and this machine. */
  record Plan(int root, List<Integer> attached, boolean btf, long cgroup, Map<String, Integer> numbers) {
    Plan {
      attached = List.copyOf(attached);
      numbers = Map.copyOf(numbers);
    }
  }

  /**
   * The numbers of the syscalls the program treats by name, from this architecture's table.
   * Syscalls missing from it are traced through their own tracepoints instead.
   */
  static Map<String, Integer> numbers(IntFunction<Optional<String>> names) {
    Map<String, Integer> out = new TreeMap<>();
    List<String> wanted = new ArrayList<>(BUSY);
    wanted.addAll(List.of("open", "creat", "openat2", "execve", "execveat", "chdir", "fchdir", "socket"));
    for (int n = 0; n < 1024; n++) {
      Optional<String> name = names.apply(n);
      if (name.isPresent() && wanted.contains(name.get())) {
        out.putIfAbsent(name.get(), n);
      }
    }
    return out;
  }

  /**
   * The program for a workload that starts with an exec of process {@code root}, or for running
   * processes {@code attached} (then {@code root} is 0). With {@code cgroup} (a cgroup v2 id, or
   * 0), processes of that cgroup are counted without a map lookup; processes are tracked through
   * the {@code @g} map in any case, so one that leaves the cgroup is still followed.
   *
   * <p>{@code btf}: whether the kernel has BTF, so {@code curtask} can be read: a thread group
   * leaves the map only when its last thread exits, and exec lines carry argv.
   */
  static String text(Plan plan) {
    StringBuilder b = new StringBuilder();
    b.append("BEGIN {\n");
    for (int pid : plan.attached()) {
      b.append("  @g[").append(pid).append("] = 1;\n");
    }
    b.append("  ").append(SENTINEL).append(" = 1;\n  printf(\"R\\n\");\n}\n");
    int root = plan.root();
    String tracked = root > 0 ? "/@g[pid] || pid == " + root + "/" : "/@g[pid]/";
    // Every event line also counts in @ev (a per-CPU array): tailor reads until it has them all.
    String ev = " " + EVENTS + " = count();";
    entry(b, plan);
    b.append("tracepoint:sched:sched_process_fork /@g[pid]/ { $c = args->child_pid; @g[$c] = 1; printf(\"K %d %d\\n\", pid, $c);")
        .append(ev).append(" }\n");
    b.append("tracepoint:sched:sched_process_exit /@g[pid] || @g[tid]/ {\n")
        .append("  printf(\"E %d %d\\n\", tid, pid);").append(ev).append("\n")
        .append("  delete(@p[tid]); delete(@f[tid]); delete(@d[tid]); delete(@h[tid]); delete(@e[tid]); delete(@ed[tid]);\n")
        .append("  delete(@c[tid]); delete(@sf[tid]); delete(@st[tid]);\n")
        .append("  if (tid != pid) { delete(@g[tid]); }\n")
        .append(plan.btf() ? "  if (curtask->signal->live.counter == 0) { delete(@g[pid]); }\n" : "")
        .append("}\n");
    // X pid cpu path. The workload's first exec turns tracking on: nothing of the wrapper before
    // it is counted.
    b.append("tracepoint:sched:sched_process_exec ").append(tracked).append(" {\n");
    if (root > 0) {
      b.append("  if (pid == ").append(root).append(" && !@g[pid]) { @g[pid] = 1; printf(\"B %d\\n\", pid);").append(ev).append(" }\n");
    }
    b.append("  $f = str(args->filename); printf(\"X %d %d %rx\\n\", pid, cpu, buf($f, " + MAX_STRING + "));")
        .append(ev).append("\n}\n");
    // argv as the new program sees it, from its own stack; needs kernel BTF for curtask->mm. The
    // path and argv of one exec come as two lines from one CPU; a process's execs can run on two
    // CPUs, whose lines bpftrace does not keep in order, so both lines carry the CPU to pair them.
    // (One probe with both buffers would exceed BPF's 512-byte stack.)
    b.append("tracepoint:sched:sched_process_exec ").append(tracked)
        .append(plan.btf()
            ? " { $a = curtask->mm->arg_start; printf(\"A %d %d %d %rx\\n\", pid, cpu, curtask->mm->arg_end - $a, buf(uptr($a), " + MAX_STRING + "));"
            : " { printf(\"A %d %d 0\\n\", pid, cpu);")
        .append(ev).append(" }\n");
    // O pid dirfd flags ret path
    String print = "{ $s = str(uptr(@p[tid])); printf(\"O %d %d %d %d %rx\\n\", pid, @d[tid], @f[tid], args->ret, buf($s, "
        + MAX_STRING + "));" + ev + " delete(@p[tid]); delete(@f[tid]); delete(@d[tid]); }\n";
    for (String open : List.of("open", "creat", "openat")) {
      if (exists(open)) {
        b.append("tracepoint:syscalls:sys_exit_").append(open).append(" /@p[tid]/ ").append(print);
      }
    }
    if (exists("openat2")) {
      b.append("tracepoint:syscalls:sys_exit_openat2 /@p[tid]/ ")
          .append(print.replace("$s = ", "@f[tid] = *uptr(@h[tid]); delete(@h[tid]); $s = "));
    }
    b.append("""
        tracepoint:syscalls:sys_exit_execve,tracepoint:syscalls:sys_exit_execveat /@e[tid]/ {
          $r = args->ret;
          if ($r < 0) { $s = str(uptr(@e[tid])); printf("F %d %d %d %rx\\n", pid, @ed[tid], $r, buf($s, MAX));EV }
          delete(@e[tid]); delete(@ed[tid]);
        }
        tracepoint:syscalls:sys_exit_chdir /@c[tid]/ {
          if (args->ret == 0) { $s = str(uptr(@c[tid])); printf("C %d %rx\\n", pid, buf($s, MAX));EV }
          delete(@c[tid]);
        }
        tracepoint:syscalls:sys_exit_socket /@sf[tid]/ {
          if (args->ret >= 0) { printf("S %d %d %d\\n", pid, @sf[tid], @st[tid]);EV }
          delete(@sf[tid]); delete(@st[tid]);
        }
        """.replace("MAX", Integer.toString(MAX_STRING)).replace("EV", ev));
    return b.toString();
  }

  /**
   * The one program every syscall of the machine runs: filter, count, and note the arguments of
   * the calls whose exit is reported. Register arguments are raw 64-bit values; tailor keeps the
   * low 32 bits of int arguments, as the kernel does.
   */
  private static void entry(StringBuilder b, Plan plan) {
    Map<String, Integer> numbers = plan.numbers();
    Map<Integer, String> leaves = new TreeMap<>();
    int hot = 0;
    for (String name : BUSY) {
      Integer n = numbers.get(name);
      if (n != null && hot < MAX_HOT) {
        leaves.put(n, HOT + n + " = count(); $o = 0;");
        hot++;
      }
    }
    List<String> fallback = new ArrayList<>();
    StringBuilder kinds = new StringBuilder();
    int kind = 0;
    for (Map.Entry<String, Action> a : ACTIONS.entrySet()) {
      Integer n = numbers.get(a.getKey());
      if (n == null) {
        fallback.add(a.getKey());
        continue;
      }
      kind++;
      leaves.merge(n, "$k = " + kind + ";", (count, k) -> count + " " + k);
      kinds.append(kind == 1 ? "    if" : " else if").append(" ($k == ").append(kind).append(") { ")
          .append(a.getValue().raw()).append(" }");
    }
    String filter = plan.cgroup() != 0 ? "/cgroup == " + plan.cgroup() + " || @g[pid]/" : "/@g[pid]/";
    // bpftrace 0.17 rereads tracefs' list of events some 20 times for every "args->" written in
    // the program (~40 ms each here): each is written once. The hash is updated from one place
    // ($o: not counted in a leaf), as one copy per leaf costs LLVM a second more.
    b.append("tracepoint:raw_syscalls:sys_enter ").append(filter).append(" {\n  $i = args->id;\n  $o = 1;\n  $k = 0;\n");
    List<Map.Entry<Integer, String>> sorted = new ArrayList<>(leaves.entrySet());
    if (!sorted.isEmpty()) {
      tree(b, sorted, 0, sorted.size(), "  ");
    }
    b.append("  if ($o) { ").append(OTHERS).append("[$i] = count(); }\n");
    if (kind > 0) {
      b.append("  if ($k) {\n    $a = args->args;\n").append(kinds).append("\n  }\n");
    }
    b.append("}\n");
    // Without the table (no libseccomp), the entry of these calls comes from their own tracepoints.
    for (String name : fallback) {
      if (exists(name)) {
        b.append("tracepoint:syscalls:sys_enter_").append(name).append(" /@g[pid]/ { ")
            .append(ACTIONS.get(name).tracepoint()).append(" }\n");
      }
    }
  }

  /** What the entry of a call notes for its exit, from raw registers ($a) or from the call's own tracepoint. */
  private record Action(String raw, String tracepoint) {}

  private static final Map<String, Action> ACTIONS = new TreeMap<>(Map.of(
      "open", new Action("@p[tid] = $a[0]; @f[tid] = $a[1]; @d[tid] = -100;",
          "@p[tid] = args->filename; @f[tid] = args->flags; @d[tid] = -100;"),
      // O_WRONLY|O_CREAT|O_TRUNC
      "creat", new Action("@p[tid] = $a[0]; @f[tid] = 0x241; @d[tid] = -100;",
          "@p[tid] = args->pathname; @f[tid] = 0x241; @d[tid] = -100;"),
      "openat", new Action("@d[tid] = $a[0]; @p[tid] = $a[1]; @f[tid] = $a[2];",
          "@d[tid] = args->dfd; @p[tid] = args->filename; @f[tid] = args->flags;"),
      "openat2", new Action("@d[tid] = $a[0]; @p[tid] = $a[1]; @h[tid] = $a[2];",
          "@d[tid] = args->dfd; @p[tid] = args->filename; @h[tid] = (uint64) args->how;"),
      "execve", new Action("@e[tid] = $a[0]; @ed[tid] = -100;", "@e[tid] = args->filename; @ed[tid] = -100;"),
      "execveat", new Action("@ed[tid] = $a[0]; @e[tid] = $a[1];",
          "@ed[tid] = args->fd; @e[tid] = args->filename;"),
      "chdir", new Action("@c[tid] = $a[0];", "@c[tid] = args->filename;"),
      // fchdir names no path: tailor reads the process's working directory when it sees the line,
      // whether or not the call worked.
      "fchdir", new Action("printf(\"D %d\\n\", pid); " + EVENTS + " = count();",
          "printf(\"D %d\\n\", pid); " + EVENTS + " = count();"),
      "socket", new Action("@sf[tid] = $a[0]; @st[tid] = $a[1];",
          "@sf[tid] = args->family; @st[tid] = args->type;")));

  /** A binary search over the syscall numbers with a leaf of their own. */
  private static void tree(StringBuilder b, List<Map.Entry<Integer, String>> leaves, int from, int to, String indent) {
    if (to - from == 1) {
      Map.Entry<Integer, String> leaf = leaves.get(from);
      b.append(indent).append("if ($i == ").append(leaf.getKey()).append(") { ").append(leaf.getValue()).append(" }\n");
      return;
    }
    int mid = (from + to) / 2;
    b.append(indent).append("if ($i < ").append(leaves.get(mid).getKey()).append(") {\n");
    tree(b, leaves, from, mid, indent + " ");
    b.append(indent).append("} else {\n");
    tree(b, leaves, mid, to, indent + " ");
    b.append(indent).append("}\n");
  }

  /** Whether this kernel has the syscall's tracepoints (arm64 has no open or creat). */
  static boolean exists(String syscall) {
    for (Path root : BpfBackend.TRACEFS) {
      if (Files.isDirectory(root.resolve("events/syscalls/sys_enter_" + syscall))) {
        return true;
      }
    }
    return false;
  }
}
