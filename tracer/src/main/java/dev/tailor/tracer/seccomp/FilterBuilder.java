package dev.tailor.tracer.seccomp;

import static dev.tailor.tracer.seccomp.SeccompFilter.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.tailor.tracer.seccomp.SeccompFilter.Condition;
import dev.tailor.tracer.seccomp.SeccompFilter.Handoff;
import java.util.ArrayList;
import java.util.List;

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
    Pointer ctx = seccomp.lib.seccomp_init(defAct);
    if (ctx == null) {
      throw new SeccompException("libseccomp refused the default action " + defaultAction);
    }
    Filter filter = new Filter(seccomp, ctx, new ArrayList<>());
    boolean ok = false;
    try {
      for (String a : architectures) {
        filter.addArch(a);
      }
      for (String f : flags) {
        filter.addFlag(f);
      }
      boolean execve = defAct == ACT_ALLOW || defAct == ACT_LOG;
      for (Rule r : rules) {
        int act = action(r.action, r.errnoRet, "action of " + r.names, notify);
        if (act == defAct) {
          continue; // libseccomp refuses rules that repeat the default; they change nothing
        }
        for (String name : r.names) {
          if (filter.addRule(act, name, r.args)
              && (act == ACT_ALLOW || act == ACT_LOG)
              && name.equals("execve")) {
            execve = true;
          }
        }
      }
      if (notify && defAct != ACT_ALLOW) {
        filter.allowHandoff(handoff.socket());
      }
      ok = true;
      return new SeccompFilter(seccomp, ctx, execve, filter.warnings, handoff);
    } finally {
      if (!ok) {
        seccomp.lib.seccomp_release(ctx);
      }
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

  /**
   * A filter libseccomp is building ({@code ctx}), and what was skipped on the way: syscall names
   * libseccomp does not know, ignored flags.
   */
  private record Filter(LibSeccomp.Loaded seccomp, Pointer ctx, List<String> warnings) {

    /** Lets the handoff's sendmsg through: on its socket, with its flags only. */
    void allowHandoff(int socket) throws SeccompException {
      List<Condition> args =
          List.of(
              new Condition(0, socket, 0, "SCMP_CMP_EQ"),
              new Condition(2, HANDOFF_FLAGS, 0, "SCMP_CMP_EQ"));
      int rc = ruleAdd(ACT_ALLOW, seccomp.lib.seccomp_syscall_resolve_name("sendmsg"), args);
      if (rc != 0 && rc != -17) { // -EEXIST: the profile allows sendmsg already
        throw new SeccompException(
            "libseccomp refused the rule that hands the notify fd over (error " + rc + ")");
      }
    }

    void addArch(String oci) throws SeccompException {
      int rc = seccomp.lib.seccomp_arch_add(ctx, seccomp.ociArchToken(oci));
      if (rc != 0 && rc != -17) { // -EEXIST: the native architecture is always there
        throw new SeccompException(
            "libseccomp cannot add architecture " + oci + " (error " + rc + ")");
      }
    }

    void addFlag(String flag) throws SeccompException {
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
    boolean addRule(int act, String name, List<Condition> args) throws SeccompException {
      int nr = seccomp.lib.seccomp_syscall_resolve_name(name);
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
      boolean repeated = args.stream().map(Condition::index).distinct().count() < args.size();
      for (List<Condition> rule : repeated ? args.stream().map(List::of).toList() : List.of(args)) {
        int rc = ruleAdd(act, nr, rule);
        if (rc != 0) {
          throw new SeccompException(
              "libseccomp refused the rule for '"
                  + name
                  + "'"
                  + (rule.isEmpty() ? "" : " with " + rule)
                  + " (error "
                  + rc
                  + ")");
        }
      }
      return true;
    }

    /** seccomp_rule_add_array with {@code args} as its conditions; libseccomp's return code. */
    int ruleAdd(int act, int nr, List<Condition> args) {
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
}
