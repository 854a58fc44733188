package dev.tailor.tracer.bpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bpftrace program tailor runs. Syscalls are counted in a kernel map (exact even when the
 * output buffer overflows); opens, execs, chdirs and sockets are printed one line each, with every
 * byte of a path hex-escaped ({@code %rx}) so that no file name can break the line framing. Paths
 * are read at syscall exit, when the kernel has already faulted their pages in.
 */
final class BpfScript {
  /** Longest string bpftrace 0.17 reads; a path of {@code MAX_STRING - 1} bytes may be cut. */
  static final int MAX_STRING = 200;

  private BpfScript() {}

  /**
   * The program for a workload that starts with an exec of process {@code root}, or for running
   * processes {@code attached} (then {@code root} is 0).
   *
   * @param groupDeath whether the kernel has BTF, so {@code curtask} can be read: a thread group
   *     leaves the map only when its last thread exits, and exec lines carry argv
   */
  static String text(int root, List<Integer> attached, boolean groupDeath) {
    StringBuilder b = new StringBuilder();
    b.append("BEGIN {\n");
    for (int pid : attached) {
      b.append("  @g[").append(pid).append("] = 1;\n");
    }
    b.append("  printf(\"R\\n\");\n}\n");
    String tracked = root > 0 ? "/@g[pid] || pid == " + root + "/" : "/@g[pid]/";
    b.append("""
        tracepoint:raw_syscalls:sys_enter /@g[pid]/ { @sc[args->id] = count(); }
        tracepoint:sched:sched_process_fork /@g[pid]/ { @g[args->child_pid] = 1; printf("K %d %d\\n", pid, args->child_pid); }
        """);
    b.append("tracepoint:sched:sched_process_exit /@g[pid] || @g[tid]/ {\n")
        .append("  printf(\"E %d %d\\n\", tid, pid);\n")
        .append("  delete(@p[tid]); delete(@f[tid]); delete(@d[tid]); delete(@h[tid]); delete(@e[tid]); delete(@ed[tid]);\n")
        .append("  delete(@c[tid]); delete(@sf[tid]); delete(@st[tid]);\n")
        .append("  if (tid != pid) { delete(@g[tid]); }\n")
        .append(groupDeath ? "  if (curtask->signal->live.counter == 0) { delete(@g[pid]); }\n" : "")
        .append("}\n");
    if (root > 0) {
      // The workload's first exec turns tracking on: nothing of the wrapper before it is counted.
      b.append("tracepoint:sched:sched_process_exec /pid == ").append(root).append(" && !@g[pid]/ { @g[pid] = 1; printf(\"B %d\\n\", pid); }\n");
    }
    b.append("tracepoint:sched:sched_process_exec ").append(tracked)
        .append(" { $f = str(args->filename); printf(\"X %d %d %rx\\n\", pid, cpu, buf($f, " + MAX_STRING + ")); }\n");
    // argv as the new program sees it, from its own stack; needs kernel BTF for curtask->mm. The
    // path and argv of one exec come as two lines from one CPU; a process's execs can run on two
    // CPUs, whose lines bpftrace does not keep in order, so both lines carry the CPU to pair them.
    // (One line with both buffers would exceed BPF's 512-byte stack.)
    b.append("tracepoint:sched:sched_process_exec ").append(tracked)
        .append(groupDeath
            ? " { $a = curtask->mm->arg_start; printf(\"A %d %d %d %rx\\n\", pid, cpu, curtask->mm->arg_end - $a, buf(uptr($a), " + MAX_STRING + ")); }\n"
            : " { printf(\"A %d %d 0\\n\", pid, cpu); }\n");
    // O pid dirfd flags ret path
    String print = "{ $s = str(uptr(@p[tid])); printf(\"O %d %d %d %d %rx\\n\", pid, @d[tid], @f[tid], args->ret, buf($s, "
        + MAX_STRING + ")); delete(@p[tid]); delete(@f[tid]); delete(@d[tid]); }\n";
    if (exists("open")) {
      b.append("tracepoint:syscalls:sys_enter_open /@g[pid]/ { @p[tid] = args->filename; @f[tid] = args->flags; @d[tid] = -100; }\n");
      b.append("tracepoint:syscalls:sys_exit_open /@p[tid]/ ").append(print);
    }
    if (exists("creat")) {
      // O_WRONLY|O_CREAT|O_TRUNC
      b.append("tracepoint:syscalls:sys_enter_creat /@g[pid]/ { @p[tid] = args->pathname; @f[tid] = 0x241; @d[tid] = -100; }\n");
      b.append("tracepoint:syscalls:sys_exit_creat /@p[tid]/ ").append(print);
    }
    b.append("tracepoint:syscalls:sys_enter_openat /@g[pid]/ { @p[tid] = args->filename; @f[tid] = args->flags; @d[tid] = args->dfd; }\n");
    b.append("tracepoint:syscalls:sys_exit_openat /@p[tid]/ ").append(print);
    if (exists("openat2")) {
      b.append("tracepoint:syscalls:sys_enter_openat2 /@g[pid]/ { @p[tid] = args->filename; @h[tid] = args->how; @d[tid] = args->dfd; }\n");
      b.append("tracepoint:syscalls:sys_exit_openat2 /@p[tid]/ ")
          .append(print.replace("$s = ", "@f[tid] = uptr(@h[tid])->flags; delete(@h[tid]); $s = "));
    }
    b.append("""
        tracepoint:syscalls:sys_enter_execve /@g[pid]/ { @e[tid] = args->filename; @ed[tid] = -100; }
        tracepoint:syscalls:sys_enter_execveat /@g[pid]/ { @e[tid] = args->filename; @ed[tid] = args->fd; }
        tracepoint:syscalls:sys_exit_execve,tracepoint:syscalls:sys_exit_execveat /@e[tid]/ {
          if (args->ret < 0) { $s = str(uptr(@e[tid])); printf("F %d %d %d %rx\\n", pid, @ed[tid], args->ret, buf($s, MAX)); }
          delete(@e[tid]); delete(@ed[tid]);
        }
        tracepoint:syscalls:sys_enter_chdir /@g[pid]/ { @c[tid] = args->filename; }
        tracepoint:syscalls:sys_exit_chdir /@c[tid]/ {
          if (args->ret == 0) { $s = str(uptr(@c[tid])); printf("C %d %rx\\n", pid, buf($s, MAX)); }
          delete(@c[tid]);
        }
        tracepoint:syscalls:sys_exit_fchdir /@g[pid]/ { if (args->ret == 0) { printf("D %d\\n", pid); } }
        tracepoint:syscalls:sys_enter_socket /@g[pid]/ { @sf[tid] = args->family; @st[tid] = args->type; }
        tracepoint:syscalls:sys_exit_socket /@sf[tid]/ {
          if (args->ret >= 0) { printf("S %d %d %d\\n", pid, @sf[tid], @st[tid]); }
          delete(@sf[tid]); delete(@st[tid]);
        }
        END {
          printf("Z\\n");
          print(@sc);
          printf("Y\\n");
          clear(@sc); clear(@g); clear(@p); clear(@f); clear(@d); clear(@h); clear(@e); clear(@ed); clear(@c); clear(@sf); clear(@st);
        }
        """.replace("MAX", Integer.toString(MAX_STRING)));
    return b.toString();
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
