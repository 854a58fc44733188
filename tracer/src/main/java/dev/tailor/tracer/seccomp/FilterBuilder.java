package dev.tailor.tracer.seccomp;

import static dev.tailor.tracer.seccomp.SeccompFilter.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.tailor.tracer.seccomp.SeccompFilter.Condition;
import dev.tailor.tracer.seccomp.SeccompFilter.Handoff;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Collects a profile's data; {@link #build()} hands it to libseccomp. */
public final class FilterBuilder {
  private final String defaultAction;
  private final int defaultErrnoRet;
  private final List<String> architectures = new ArrayList<>();
  private final List<String> flags = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private Handoff handoff;

  private record Rule(List<String> names, String action, int errnoRet, List<Condition> args) {}

  FilterBuilder(String defaultAction, int defaultErrnoRet) {
    this.defaultAction = defaultAction;
    this.defaultErrnoRet = defaultErrnoRet;
  }

  /** OCI architecture names such as SCMP_ARCH_X86_64; the native one is always included. */
  public FilterBuilder architectures(List<String> names) {
    architectures.addAll(names);
    return this;
  }

  /** OCI filter flags such as SECCOMP_FILTER_FLAG_LOG. */
  public FilterBuilder flags(List<String> names) {
    flags.addAll(names);
    return this;
  }

  /**
   * Adds a rule: {@code action} for the syscalls {@code names} when all {@code args} hold; {@code
   * errnoRet} is negative unless the action is ERRNO or TRACE.
   */
  public FilterBuilder rule(List<String> names, String action, int errnoRet, List<Condition> args) {
    rules.add(new Rule(List.copyOf(names), action, errnoRet, List.copyOf(args)));
    return this;
  }

  /**
   * Lets the profile use SCMP_ACT_NOTIFY: once loaded, the notify fd is handed over as {@code
   * handoff} says, before the command is executed.
   */
  public FilterBuilder handoff(Handoff h) {
    this.handoff = h;
    return this;
  }

  /** Builds the filter in libseccomp, without loading it. */
  public SeccompFilter build() throws SeccompException {
    LibSeccomp.Loaded seccomp = LibSeccomp.load();
    boolean notify = handoff != null;
    int defAct = action(defaultAction, defaultErrnoRet, "defaultAction", notify);
    List<String> warnings = new ArrayList<>();
    Pointer ctx = seccomp.lib.seccomp_init(defAct);
    if (ctx == null) {
      throw new SeccompException("libseccomp refused the default action " + defaultAction);
    }
    boolean ok = false;
    try {
      for (String a : architectures) {
        addArch(seccomp, ctx, a);
      }
      for (String f : flags) {
        addFlag(seccomp, ctx, f, warnings);
      }
      boolean execve = defAct == ACT_ALLOW || defAct == ACT_LOG;
      for (Rule r : rules) {
        int act = action(r.action, r.errnoRet, "action of " + r.names, notify);
        if (act == defAct) {
          continue; // libseccomp refuses rules that repeat the default; they change nothing
        }
        for (String name : r.names) {
          if (addRule(seccomp, ctx, act, name, r.args, warnings)
              && (act == ACT_ALLOW || act == ACT_LOG)
              && name.equals("execve")) {
            execve = true;
          }
        }
      }
      if (notify && defAct != ACT_ALLOW) {
        allowHandoff(seccomp, ctx, handoff.socket());
      }
      ok = true;
      return new SeccompFilter(seccomp, ctx, execve, warnings, handoff);
    } finally {
      if (!ok) {
        seccomp.lib.seccomp_release(ctx);
      }
    }
  }

  /** Lets the handoff's sendmsg through: on its socket, with its flags only. */
  private static void allowHandoff(LibSeccomp.Loaded seccomp, Pointer ctx, int socket)
      throws SeccompException {
    int nr =
        seccomp.lib.seccomp_syscall_resolve_name_arch(seccomp.lib.seccomp_arch_native(), "sendmsg");
    int rc =
        ruleAdd(
            seccomp,
            ctx,
            ACT_ALLOW,
            nr,
            List.of(
                new Condition(0, socket, 0, "SCMP_CMP_EQ"),
                new Condition(2, HANDOFF_FLAGS, 0, "SCMP_CMP_EQ")));
    if (rc != 0 && rc != -17) { // -EEXIST: the profile allows sendmsg already
      throw new SeccompException(
          "libseccomp refused the rule that hands the notify fd over (error " + rc + ")");
    }
  }

  private static int action(String name, int errnoRet, String where, boolean notify)
      throws SeccompException {
    boolean takesErrno = name.equals("SCMP_ACT_ERRNO") || name.equals("SCMP_ACT_TRACE");
    if (errnoRet >= 0 && !takesErrno) {
      throw new SeccompException(
          where + ": errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + name);
    }
    if (errnoRet > 0xffff) {
      throw new SeccompException(where + ": errnoRet " + errnoRet + " is not in 0..65535");
    }
    int errno = errnoRet < 0 ? EPERM : errnoRet;
    return switch (name) {
      case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> ACT_KILL_THREAD;
      case "SCMP_ACT_KILL_PROCESS" -> ACT_KILL_PROCESS;
      case "SCMP_ACT_TRAP" -> ACT_TRAP;
      case "SCMP_ACT_ERRNO" -> ACT_ERRNO | errno;
      case "SCMP_ACT_TRACE" -> ACT_TRACE | errno;
      case "SCMP_ACT_LOG" -> ACT_LOG;
      case "SCMP_ACT_ALLOW" -> ACT_ALLOW;
      case "SCMP_ACT_NOTIFY" -> {
        if (notify) {
          yield ACT_NOTIFY;
        }
        throw new SeccompException(
            where + ": SCMP_ACT_NOTIFY needs a listener, which tailor enforce does not provide");
      }
      default -> throw new SeccompException(where + ": unknown action " + name);
    };
  }

  private static void addArch(LibSeccomp.Loaded seccomp, Pointer ctx, String oci)
      throws SeccompException {
    if (!oci.startsWith("SCMP_ARCH_")) {
      throw new SeccompException("unknown architecture " + oci);
    }
    int token = seccomp.lib.seccomp_arch_resolve_name(oci.substring(10).toLowerCase(Locale.ROOT));
    if (token == 0) {
      throw new SeccompException(
          "libseccomp " + seccomp.version + " does not know architecture " + oci);
    }
    int rc = seccomp.lib.seccomp_arch_add(ctx, token);
    if (rc != 0 && rc != -17) { // -EEXIST: the native architecture is always there
      throw new SeccompException(
          "libseccomp cannot add architecture " + oci + " (error " + rc + ")");
    }
  }

  private static void addFlag(
      LibSeccomp.Loaded seccomp, Pointer ctx, String flag, List<String> warnings)
      throws SeccompException {
    if (flag.equals("SECCOMP_FILTER_FLAG_TSYNC")) {
      warnings.add(
          "flag "
              + flag
              + " ignored: tailor loads the filter on the thread that becomes the workload");
      return;
    }
    int attr =
        switch (flag) {
          case "SECCOMP_FILTER_FLAG_LOG" -> ATTR_CTL_LOG;
          case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> ATTR_CTL_SSB;
          default -> throw new SeccompException("unknown or unsupported filter flag " + flag);
        };
    int rc = seccomp.lib.seccomp_attr_set(ctx, attr, 1);
    if (rc != 0) {
      throw new SeccompException("libseccomp cannot set flag " + flag + " (error " + rc + ")");
    }
  }

  /** Adds the rules for one name; false when the name was skipped. */
  private static boolean addRule(
      LibSeccomp.Loaded seccomp,
      Pointer ctx,
      int act,
      String name,
      List<Condition> args,
      List<String> warnings)
      throws SeccompException {
    int native_ = seccomp.lib.seccomp_arch_native();
    int nr = seccomp.lib.seccomp_syscall_resolve_name_arch(native_, name);
    if (nr == LibSeccomp.NR_SCMP_ERROR) {
      // As runc does: a profile may list syscalls newer than this libseccomp.
      warnings.add(
          "syscall '"
              + name
              + "' is unknown to libseccomp "
              + seccomp.version
              + "; its rule is skipped");
      return false;
    }
    // Several conditions on the same argument cannot all hold at once; like runc, each
    // becomes a rule of its own (OR). Otherwise one rule with all conditions (AND).
    Set<Integer> indexes = new LinkedHashSet<>();
    boolean repeated = false;
    for (Condition c : args) {
      repeated |= !indexes.add(c.index());
    }
    if (repeated) {
      for (Condition c : args) {
        add(seccomp, ctx, act, nr, name, List.of(c));
      }
    } else {
      add(seccomp, ctx, act, nr, name, args);
    }
    return true;
  }

  private static void add(
      LibSeccomp.Loaded seccomp, Pointer ctx, int act, int nr, String name, List<Condition> args)
      throws SeccompException {
    int rc = ruleAdd(seccomp, ctx, act, nr, args);
    if (rc != 0) {
      throw new SeccompException(
          "libseccomp refused the rule for '"
              + name
              + "'"
              + (args.isEmpty() ? "" : " with " + args)
              + " (error "
              + rc
              + ")");
    }
  }

  /** seccomp_rule_add_array with {@code args} as its conditions; libseccomp's return code. */
  private static int ruleAdd(
      LibSeccomp.Loaded seccomp, Pointer ctx, int act, int nr, List<Condition> args) {
    Memory cmp = null;
    if (!args.isEmpty()) {
      // struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; uint64 datum_a, datum_b; }
      cmp = new Memory(24L * args.size());
      for (int i = 0; i < args.size(); i++) {
        Condition c = args.get(i);
        cmp.setInt(24L * i, c.index());
        cmp.setInt(24L * i + 4, OPS.get(c.op()));
        cmp.setLong(24L * i + 8, c.value());
        cmp.setLong(24L * i + 16, c.valueTwo());
      }
    }
    return seccomp.lib.seccomp_rule_add_array(ctx, act, nr, args.size(), cmp);
  }
}
