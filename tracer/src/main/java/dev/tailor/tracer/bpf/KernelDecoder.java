package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.ChangeDir;
import dev.tailor.tracer.call.Errnos;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.SyscallModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a call the kernel reported ({@link KernelEvent}) into what the call did ({@link Call}),
 * directly from its numbers and the paths the kernel resolved at the call: the same typed calls the
 * strace decoder makes of strace's text, for the same interpreter.
 */
final class KernelDecoder {
  private final FileCallDecoder files;

  KernelDecoder(String arch) {
    this.files = new FileCallDecoder(arch);
  }

  /** What the call of event {@code e} did; {@code spec} is its row of {@link TracedCalls}. */
  Call call(KernelEvent e, String name, TracedCalls.Spec spec) {
    long r = e.ret();
    // Below -4095: the kernel's restart codes (ERESTARTSYS...), a call that did not return.
    boolean returned = r >= -4095;
    String errno = r < 0 && returned ? Errnos.name((int) -r) : "";
    boolean ok = returned && errno.isEmpty();
    List<Effect> out = new ArrayList<>(2);
    switch (name) {
      case "open", "creat", "openat", "openat2" ->
          files.open(e, name, spec.row().orElseThrow(), errno, returned, out);
      case "execve", "execveat" ->
          FileCallDecoder.exec(e, name.equals("execveat"), errno, returned, out);
      case "chdir" -> {
        if (ok) {
          FileCallDecoder.pathArg(e, 0, -1, 2, true)
              .ifPresent(p -> out.add(new ChangeDir(p, true)));
        }
      }
      case "fchdir" -> {
        if (ok) {
          e.path(2).ifPresent(p -> out.add(new ChangeDir(PathArg.resolved(p), false)));
        }
      }
      case "getdents", "getdents64" -> FileCallDecoder.fd(e, ok, Access.READ, true, out);
      case "fstat" ->
          FileCallDecoder.fd(
              e, ok && r == 0 && FileCallDecoder.isDirectory(e.peek()), Access.STAT, true, out);
      case "fcntl" ->
          FileCallDecoder.fd(
              e, ok && BpfPrograms.SET_LOCKS.contains(e.intArg(1)), Access.LOCK, false, out);
      case "mmap" -> {
        boolean exec = ok && (e.args()[2] & SyscallModel.PROT_EXEC) != 0;
        FileCallDecoder.fd(e, exec, Access.MMAP_EXEC, false, out);
        FileCallDecoder.fd(e, exec, Access.READ, false, out);
      }
      // socketpair works for no raw or packet socket (EOPNOTSUPP): it never implies net_raw.
      case "socket", "socketpair" -> {
        if (ok) {
          SocketCallDecoder.socket(e, out);
        }
      }
      case "bind" -> {
        if (ok) {
          SocketCallDecoder.bind(e, out);
        }
      }
      case "connect" -> {
        if (ok || errno.equals("EINPROGRESS")) {
          SocketCallDecoder.connect(e, out);
        }
      }
      default -> {
        Access onFd = SyscallModel.FD_CALLS.get(name);
        if (onFd != null) {
          FileCallDecoder.fd(e, ok, onFd, false, out);
        } else {
          spec.row().ifPresent(row -> FileCallDecoder.named(e, row, errno, out));
        }
      }
    }
    if (ok) {
      PrivilegeCallDecoder.capabilities(e, name, spec, out);
    }
    return new Call(name, errno, out);
  }
}
