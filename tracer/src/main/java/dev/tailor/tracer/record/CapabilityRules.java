package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.CapabilityCalls;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.PathArg;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.call.ValueNames;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The capabilities a call implies, with the reason the report gives: setuid calls need CAP_SETUID,
 * mount needs CAP_SYS_ADMIN (see {@link CapabilityCalls}), a raw socket CAP_NET_RAW (see {@link
 * StraceDecoder}), and so on. Only flag and mode arguments are read, never a path, which may spell
 * a flag's name.
 */
final class CapabilityRules {
  private CapabilityRules() {}

  /**
   * prctl options that change how set*id calls change capabilities, or the capabilities themselves.
   */
  private static final Set<String> PRIVILEGE_PRCTLS =
      Set.of(
          "PR_SET_KEEPCAPS",
          "PR_SET_SECUREBITS",
          "PR_CAP_AMBIENT",
          "PR_CAPBSET_DROP",
          "8",
          "28",
          "47",
          "24");

  /**
   * The file a chown names: its path argument, or (fchown, fchownat with AT_EMPTY_PATH) its fd's
   * path.
   */
  private static PathArg chowned(String name, List<String> a) {
    boolean fd =
        name.equals("fchown")
            || (name.equals("fchownat")
                && a.get(1).equals("\"\"")
                && a.size() > 4
                && StraceText.hasFlag(a.get(4), "AT_EMPTY_PATH"));
    return (fd
            ? StraceText.decoratedPath(a.get(0)).map(PathArg::resolved)
            : StraceDecoder.rowPath(SyscallModel.path(name).orElseThrow(), a))
        .orElse(PathArg.NONE);
  }

  /** setgroups(N, [G, ...]): the count, then the groups when strace shows them all. */
  private static void groups(List<String> a, List<Long> ids) {
    long count = a.isEmpty() ? -1 : ValueNames.number(a.get(0)).orElse(-1L);
    ids.add(count);
    String list = a.size() < 2 ? "" : a.get(1).trim();
    if (count <= 0 || !list.startsWith("[") || !list.endsWith("]") || list.contains("...")) {
      return;
    }
    List<Optional<Long>> groups =
        Stream.of(list.substring(1, list.length() - 1).split(",")).map(ValueNames::number).toList();
    if (groups.size() == count && groups.stream().allMatch(Optional::isPresent)) {
      groups.forEach(g -> ids.add(g.get()));
    }
  }

  /**
   * The capabilities a call that worked implies, and its id changes; {@code args}: the call's split
   * arguments, as {@link StraceDecoder#args} gives them.
   */
  static void infer(
      SyscallEvent e, String name, Function<SyscallEvent, List<String>> args, List<Effect> out) {
    Optional<Effect.IdCall> id = Effect.IdCall.of(name);
    if (id.isPresent()) {
      List<String> a = args.apply(e);
      List<Long> ids = new ArrayList<>();
      if (id.get() == Effect.IdCall.SETGROUPS) {
        groups(a, ids);
      } else {
        for (int i = 0; i < id.get().ids().size(); i++) {
          ids.add(i < a.size() ? ValueNames.number(a.get(i)).orElse(-1L) : -1L);
        }
      }
      long result = ValueNames.number(e.result().trim().split(" ", 2)[0]).orElse(-1L);
      out.add(new Effect.IdChange(id.get(), ids, name + "(" + e.args() + ")", result));
      return;
    }
    if (CapabilityCalls.addTo(name, out)) {
      return;
    }
    switch (name) {
      case "unshare" -> {
        if (!e.args().equals("0")) {
          out.add(new Capable("sys_admin", "unshare(" + e.args() + ")"));
        }
      }
      case "adjtimex" -> {
        if (!e.args().contains("modes=0")) {
          out.add(new Capable("sys_time", name));
        }
      }
      case "capset" -> {
        out.add(new Capable("setpcap", "capset"));
        out.add(new Effect.PrivilegeChange("capset"));
      }
      case "prctl" -> {
        List<String> a = args.apply(e);
        if (!a.isEmpty() && PRIVILEGE_PRCTLS.contains(a.get(0).trim())) {
          out.add(new Effect.PrivilegeChange("prctl(" + a.get(0).trim() + ")"));
        }
      }
      case "bpf" -> {
        List<String> a = args.apply(e);
        out.add(new Capable("bpf", "bpf(" + (a.isEmpty() ? "" : a.get(0)) + ")"));
      }
      case "sched_setscheduler", "sched_setattr" -> {
        if (e.args().contains("SCHED_FIFO") || e.args().contains("SCHED_RR")) {
          out.add(new Capable("sys_nice", name + " real-time policy"));
        }
      }
      case "chown", "lchown", "fchown", "fchownat" -> {
        List<String> a = args.apply(e);
        int ids = name.equals("fchownat") ? 2 : 1;
        if (a.size() > ids + 1) {
          long uid = ValueNames.number(a.get(ids)).orElse(-2L);
          long gid = ValueNames.number(a.get(ids + 1)).orElse(-2L);
          out.add(
              new Effect.OwnerChange(
                  chowned(name, a),
                  uid == 0xffffffffL ? -1 : uid,
                  gid == 0xffffffffL ? -1 : gid,
                  name + "(" + StraceText.printable(PathText.escape(e.args()), 70) + ")"));
        }
      }
      case "mknod", "mknodat" -> {
        // The mode argument, never the path: a file name may spell "S_IFCHR".
        List<String> a = args.apply(e);
        int mode = name.equals("mknod") ? 1 : 2;
        if (a.size() > mode
            && (StraceText.hasFlag(a.get(mode), "S_IFCHR")
                || StraceText.hasFlag(a.get(mode), "S_IFBLK"))) {
          out.add(new Capable("mknod", name + " of a device node"));
        }
      }
      default -> {
        // No capability of its own.
      }
    }
  }
}
