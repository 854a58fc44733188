package dev.tailor.tracer.bpf;

/**
 * Where the fields tailor's programs read sit on the running kernel, from its BTF: how to find a
 * process's working directory, an fd's file and a file's path, how to walk a path up to its root
 * across mounts, and where a syscall's number and arguments are in {@code struct pt_regs}.
 */
record KernelLayout(
    int taskPid,
    int taskTgid,
    int taskFs,
    int taskFiles,
    int taskMm,
    int taskSignal,
    int taskExitCode,
    int signalLive,
    int fsPwd,
    int filesFdt,
    int fdtMaxFds,
    int fdtFd,
    int fileFPath,
    int pathMnt,
    int pathDentry,
    int dentryParent,
    int dentryName,
    int mntRoot,
    int mountMnt,
    int mountParent,
    int mountMountpoint,
    int mountNs,
    int mmArgStart,
    int mmArgEnd,
    int bprmFilename,
    int bprmFile,
    /** Where argument 0..5 of a syscall sit in pt_regs at its exit. */
    int[] args,
    int syscallNr,
    /**
     * 8 where pt_regs holds the number as a long (x86_64's orig_ax), 4 as an int (arm64's
     * syscallno).
     */
    int syscallNrSize,
    /** The offset of {@code st_mode} in {@code struct stat}. */
    int statMode,
    int sysExit,
    int processFork,
    int processExec,
    int processExit) {

  KernelLayout {
    args = args.clone();
  }

  /** The layout of this kernel, or an exception naming what its BTF lacks. */
  static KernelLayout of(Btf btf, String arch) {
    int[] args;
    int nr;
    int nrSize;
    int statMode;
    switch (arch) {
      case "x86_64" -> {
        args =
            new int[] {
              btf.offset("pt_regs", "di"), btf.offset("pt_regs", "si"), btf.offset("pt_regs", "dx"),
              btf.offset("pt_regs", "r10"), btf.offset("pt_regs", "r8"), btf.offset("pt_regs", "r9")
            };
        nr = btf.offset("pt_regs", "orig_ax");
        nrSize = 8;
        statMode = 24;
      }
      case "aarch64" -> {
        int regs = btf.offset("pt_regs", "regs");
        // x0 holds the return value at exit; the kernel keeps the first argument in orig_x0.
        args =
            new int[] {
              btf.offset("pt_regs", "orig_x0"), regs + 8, regs + 16, regs + 24, regs + 32, regs + 40
            };
        nr = btf.offset("pt_regs", "syscallno");
        nrSize = 4;
        statMode = 16;
      }
      default ->
          throw new IllegalArgumentException(
              "tailor's BPF programs do not know " + arch + "'s registers");
    }
    return new KernelLayout(
        btf.offset("task_struct", "pid"),
        btf.offset("task_struct", "tgid"),
        btf.offset("task_struct", "fs"),
        btf.offset("task_struct", "files"),
        btf.offset("task_struct", "mm"),
        btf.offset("task_struct", "signal"),
        btf.offset("task_struct", "exit_code"),
        btf.offset("signal_struct", "live"),
        btf.offset("fs_struct", "pwd"),
        btf.offset("files_struct", "fdt"),
        btf.offset("fdtable", "max_fds"),
        btf.offset("fdtable", "fd"),
        btf.offset("file", "f_path"),
        btf.offset("path", "mnt"),
        btf.offset("path", "dentry"),
        btf.offset("dentry", "d_parent"),
        btf.offset("dentry", "d_name") + btf.offset("qstr", "name"),
        btf.offset("vfsmount", "mnt_root"),
        btf.offset("mount", "mnt"),
        btf.offset("mount", "mnt_parent"),
        btf.offset("mount", "mnt_mountpoint"),
        btf.offset("mount", "mnt_ns"),
        btf.offset("mm_struct", "arg_start"),
        btf.offset("mm_struct", "arg_end"),
        btf.offset("linux_binprm", "filename"),
        btf.offset("linux_binprm", "file"),
        args,
        nr,
        nrSize,
        statMode,
        btf.typedef("btf_trace_sys_exit"),
        btf.typedef("btf_trace_sched_process_fork"),
        btf.typedef("btf_trace_sched_process_exec"),
        btf.typedef("btf_trace_sched_process_exit"));
  }
}
