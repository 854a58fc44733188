package dev.tailor.tracer.bpf;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.CapabilityCalls;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.Effect.IdChange;
import dev.tailor.tracer.call.PathArg;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes what the kernel's privileged calls imply: id changes, the capabilities a call that worked
 * needed, privilege and owner changes, with their arguments as the report shows them.
 */
final class PrivilegeCallDecoder {
  private PrivilegeCallDecoder() {}

  /** The capabilities a call that worked implies, and its id changes, from its numbers. */
  static void capabilities(KernelEvent e, String name, TracedCalls.Spec spec, List<Effect> out) {
    Optional<Effect.IdCall> id = Effect.IdCall.of(name);
    if (id.isPresent()) {
      List<Long> ids = new ArrayList<>();
      StringBuilder shown = new StringBuilder(name).append('(');
      for (int i = 0; i < id.get().ids().size(); i++) {
        // setgroups: the count; its list is in the task's memory, which is not read.
        if (id.get() != Effect.IdCall.SETGROUPS || i == 0) {
          ids.add((long) e.intArg(i));
        }
        shown.append(i == 0 ? "" : ", ").append(number(e.args()[i]));
      }
      out.add(new IdChange(id.get(), ids, shown.append(')').toString(), e.ret()));
      return;
    }
    if (CapabilityCalls.addTo(name, out)) {
      return;
    }
    switch (name) {
      case "unshare" -> {
        if (e.args()[0] != 0) {
          out.add(new Capable("sys_admin", "unshare(" + number(e.args()[0]) + ")"));
        }
      }
      // struct timex's modes 0 only reads the clock
      case "adjtimex" -> {
        if (e.peek() != 0) {
          out.add(new Capable("sys_time", name));
        }
      }
      case "capset" -> {
        out.add(new Capable("setpcap", "capset"));
        out.add(new Effect.PrivilegeChange("capset"));
      }
      case "prctl" -> {
        // PR_SET_KEEPCAPS, PR_SET_SECUREBITS, PR_CAP_AMBIENT, PR_CAPBSET_DROP
        int option = e.intArg(0);
        if (option == 8 || option == 28 || option == 47 || option == 24) {
          out.add(new Effect.PrivilegeChange("prctl(" + option + ")"));
        }
      }
      case "bpf" -> out.add(new Capable("bpf", "bpf(" + number(e.args()[0]) + ")"));
      case "sched_setscheduler", "sched_setattr" -> {
        int policy = (name.equals("sched_setattr") ? e.peek() : e.intArg(1)) & ~0x40000000;
        if (policy == 1 || policy == 2) {
          // SCHED_FIFO, SCHED_RR
          out.add(new Capable("sys_nice", name + " real-time policy"));
        }
      }
      case "chown", "lchown", "fchown", "fchownat" -> {
        int ids = name.equals("fchownat") ? 2 : 1;
        out.add(
            new Effect.OwnerChange(
                chowned(e, name, spec),
                e.intArg(ids),
                e.intArg(ids + 1),
                name + "(" + chownArguments(e, name, spec, ids) + ")"));
      }
      case "mknod", "mknodat" -> {
        int type = e.intArg(name.equals("mknod") ? 1 : 2) & FileCallDecoder.S_IFMT;
        if (type == 0020000 || type == 0060000) {
          out.add(new Capable("mknod", name + " of a device node"));
        }
      }
      default -> {
        // No capability of its own.
      }
    }
  }

  /** The file a chown names: its path, or (fchown, fchownat with AT_EMPTY_PATH) its fd's path. */
  private static PathArg chowned(KernelEvent e, String name, TracedCalls.Spec spec) {
    if (name.equals("fchown")
        || (name.equals("fchownat") && (e.intArg(4) & FileCallDecoder.AT_EMPTY_PATH) != 0)) {
      return e.path(2).map(PathArg::resolved).orElse(PathArg.NONE);
    }
    boolean follow =
        !name.equals("lchown")
            && !(name.equals("fchownat")
                && (e.intArg(4) & FileCallDecoder.AT_SYMLINK_NOFOLLOW) != 0);
    return spec.row()
        .flatMap(r -> FileCallDecoder.pathArg(e, 0, r.dirfd(), 2, follow))
        .orElse(PathArg.NONE);
  }

  /** A chown's arguments as the report shows them: the file, then the ids (from {@code ids}). */
  private static String chownArguments(KernelEvent e, String name, TracedCalls.Spec spec, int ids) {
    String file =
        name.equals("fchown")
            ? e.path(2).map(PathText::escape).orElse(number(e.args()[0]))
            : spec.row()
                .flatMap(r -> FileCallDecoder.pathArg(e, 0, r.dirfd(), 2, true))
                .map(p -> PathText.escape(p.name()))
                .orElse("?");
    String text = file + ", " + number(e.args()[ids]) + ", " + number(e.args()[ids + 1]);
    return text.length() > 70 ? text.substring(0, 70) + "..." : text;
  }

  /**
   * A number as strace writes an int; a pointer-sized value as strace's {@code ...}: only small
   * numbers say something in a report.
   */
  static String number(long v) {
    return v == (int) v || v == ((int) v & 0xffffffffL) ? Integer.toString((int) v) : "...";
  }
}
