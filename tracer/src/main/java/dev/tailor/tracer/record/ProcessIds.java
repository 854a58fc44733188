package dev.tailor.tracer.record;

import static dev.tailor.tracer.record.TaskIds.UNKNOWN;

import dev.tailor.tracer.call.Effect.IdCall;
import dev.tailor.tracer.call.Effect.IdChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The ids of every traced task, followed as the kernel changes them (kernel/sys.c,
 * kernel/groups.c): known where tailor started or attached the task (read from /proc) and inherited
 * at fork; changed by each successful set*id call; and the capability each such call needed, given
 * those ids. A task whose ids are not known (a trace read from a log) keeps the rule that every
 * change needs its capability.
 */
final class ProcessIds {
  private final Map<Integer, TaskIds> tasks = new HashMap<>();

  /** The ids of the first task seen that has no parent in the trace: the one tailor started. */
  private TaskIds starter = TaskIds.NONE_KNOWN;

  private boolean starterSeen;

  /** Set*id calls of tasks whose ids were not known, taken to need their capability. */
  private long unknownChanges;

  /**
   * The ids the workload tailor starts inherits: the first new task with no known parent gets them.
   */
  void starter(TaskIds ids) {
    starter = ids;
  }

  /** The ids of a task tailor attached to, read when it attached. */
  void attached(int pid, TaskIds ids) {
    tasks.put(pid, ids);
  }

  /** A child a clone or fork returned: it starts with its parent's ids. */
  void forked(int parent, int child) {
    tasks.computeIfAbsent(child, k -> tasks.get(parent));
  }

  /** A task has exited: its pid may come again for another. */
  void exited(int pid) {
    tasks.remove(pid);
  }

  /** A task seen for the first time, with its parent when the trace says it. */
  void newPid(int pid, OptionalInt parent) {
    if (parent.isPresent()) {
      forked(parent.getAsInt(), pid);
    } else if (!starterSeen && starter != TaskIds.NONE_KNOWN) {
      tasks.putIfAbsent(pid, starter);
    }
    starterSeen = true;
  }

  /** The ids of a task, {@link TaskIds#NONE_KNOWN} where they are not known. */
  TaskIds of(int pid) {
    return tasks.getOrDefault(pid, TaskIds.NONE_KNOWN);
  }

  /** The task's filesystem uid, or {@link TaskIds#UNKNOWN}. */
  long fsuid(int pid) {
    return of(pid).fsuid();
  }

  /**
   * A successful exec of a file with these mode bits: a set-id program changes the ids, and any
   * program run by a task that is not root may carry file capabilities.
   */
  void exec(int pid, Optional<Integer> mode) {
    TaskIds t = tasks.get(pid);
    if (t == null) {
      return;
    }
    if (mode.isEmpty() || (mode.get() & 06000) != 0) {
      tasks.put(pid, TaskIds.NONE_KNOWN);
    } else if (!(t.euid() == 0 && t.ruid() == 0)) {
      privilegeUnknown(pid);
    }
  }

  /** The task changed its capabilities or how set*id calls change them (capset, prctl). */
  void privilegeUnknown(int pid) {
    tasks.computeIfPresent(pid, (k, t) -> t.withPrivilege(TaskIds.Privilege.UNKNOWN));
  }

  /** How many set*id calls came from tasks whose ids were not known. */
  long unknownChanges() {
    return unknownChanges;
  }

  /**
   * Applies a successful id change of {@code pid}; returns the reason it needed its capability
   * ({@code setuid} or {@code setgid} after {@link IdCall#groups}), empty when the kernel would not
   * have checked it, or would have done the same without it.
   */
  Optional<String> change(int pid, IdChange c) {
    TaskIds t = of(pid);
    Optional<String> needed;
    if (c.call() == IdCall.SETGROUPS) {
      // may_setgroups(): CAP_SETGID whatever the list, even the current one.
      tasks.computeIfPresent(pid, (k, v) -> groups(v, c.ids()));
      needed = Optional.of("setgroups always needs it (the kernel checks it whatever the list)");
    } else {
      Ids ids = new Ids(t, c.call().groups());
      needed = apply(ids, c.call(), args(c), c.result(), t.mayChangeIds());
      tasks.computeIfPresent(
          pid, (k, v) -> v.withIds(c.call().groups(), ids.r, ids.e, ids.s, ids.f));
    }
    if (t == TaskIds.NONE_KNOWN) {
      unknownChanges++;
      return Optional.of("the task's ids were not known, so the change is taken to need it");
    }
    return needed;
  }

  private static long[] args(IdChange c) {
    return c.ids().stream().mapToLong(v -> v == 0xffffffffL ? -1 : v).toArray();
  }

  /** The four ids one family of calls works on: real, effective, saved and filesystem. */
  private static final class Ids {
    long r;
    long e;
    long s;
    long f;

    Ids(TaskIds t, boolean groups) {
      r = groups ? t.rgid() : t.ruid();
      e = groups ? t.egid() : t.euid();
      s = groups ? t.sgid() : t.suid();
      f = groups ? t.fsgid() : t.fsuid();
    }
  }

  /**
   * Applies one call of the uid or gid family to {@code ids} as kernel/sys.c does, and says why it
   * needed its capability. {@code privileged}: whether the task held it, when known. A call that
   * worked although these ids say it needed a capability the task is taken not to hold still gets
   * it: the ids or the privilege known here are then wrong, and the trace is right.
   */
  private static Optional<String> apply(
      Ids ids, IdCall call, long[] a, long result, Optional<Boolean> privileged) {
    String id = call.groups() ? "gid" : "uid";
    long r = ids.r;
    long e = ids.e;
    long s = ids.s;
    boolean allKnown = r != UNKNOWN && e != UNKNOWN && s != UNKNOWN;
    switch (call) {
      case SETUID, SETGID -> {
        long x = a[0];
        // The kernel checks the capability first and, holding it, sets all four ids; without it
        // only the real or saved id may be taken, as the effective and fs id alone.
        ids.e = x;
        ids.f = x;
        if (r == x && s == x) {
          return Optional.empty();
        }
        if (privileged.isPresent() && !privileged.get() && (r == x || s == x)) {
          // Without the capability: it took its real or saved id, and keeps the others.
          return Optional.empty();
        }
        if (privileged.isPresent()) {
          ids.r = x;
          ids.s = x;
        } else {
          ids.r = r == x ? x : UNKNOWN;
          ids.s = s == x ? x : UNKNOWN;
        }
        if (r == UNKNOWN || s == UNKNOWN) {
          return Optional.of(notAllKnown(id, r, e, s, ""));
        }
        return Optional.of(
            r == x || s == x
                ? String.format(
                    "%2$s %1$s is its real or saved %2$s (%3$s), but only with the capability does"
                        + " the call also set the real and saved %2$s, as it does for a privileged"
                        + " task",
                    x, id, ids(r, s))
                : notAmong("", id, x, "real and saved", r, s));
      }
      case SETREUID, SETREGID -> {
        long nr = a[0];
        long ne = a[1];
        ids.r = nr != -1 ? nr : r;
        ids.e = ne != -1 ? ne : e;
        if (nr != -1 || (ne != -1 && ne != r)) {
          ids.s = nr == -1 && r == UNKNOWN ? UNKNOWN : ids.e;
        }
        ids.f = ids.e;
        if (nr != -1 && !isAmong(nr, r, e)) {
          return Optional.of(
              r == UNKNOWN || e == UNKNOWN
                  ? notAllKnown(id, r, e, s, "")
                  : notAmong("real ", id, nr, "real and effective", r, e));
        }
        if (ne != -1 && !isAmong(ne, r, e, s)) {
          return Optional.of(
              !allKnown
                  ? notAllKnown(id, r, e, s, "")
                  : notAmong("effective ", id, ne, "real, effective and saved", r, e, s));
        }
        return Optional.empty();
      }
      case SETRESUID, SETRESGID -> {
        String[] which = {"real", "effective", "saved"};
        Optional<String> why = Optional.empty();
        for (int i = 0; i < 3 && why.isEmpty(); i++) {
          if (a[i] != -1 && !isAmong(a[i], r, e, s)) {
            why =
                Optional.of(
                    !allKnown
                        ? notAllKnown(id, r, e, s, "")
                        : notAmong(which[i] + " ", id, a[i], "real, effective and saved", r, e, s));
          }
        }
        boolean noop =
            (a[0] == -1 || a[0] == r)
                && (a[1] == -1 || (a[1] == e && a[1] == ids.f))
                && (a[2] == -1 || a[2] == s);
        if (!noop) {
          ids.r = a[0] != -1 ? a[0] : r;
          ids.e = a[1] != -1 ? a[1] : e;
          ids.s = a[2] != -1 ? a[2] : s;
          ids.f = ids.e;
        }
        return why;
      }
      case SETFSUID, SETFSGID -> {
        long x = a[0];
        // Never fails: it returns the old fs id, which says what it was.
        long f = result >= 0 ? result : ids.f;
        ids.f = f;
        if (x == -1 || x == f || isAmong(x, r, e, s)) {
          ids.f = x == -1 ? f : x;
          return Optional.empty();
        }
        boolean maybeAmong = !allKnown || f == UNKNOWN;
        if (privileged.isPresent() && !privileged.get()) {
          // Without the capability the kernel leaves the fs id as it was, unless x was one of the
          // others.
          ids.f = maybeAmong ? UNKNOWN : f;
          return Optional.empty();
        }
        ids.f = privileged.orElse(false) ? x : UNKNOWN;
        return Optional.of(
            maybeAmong
                ? notAllKnown(id, r, e, s, ", fs " + (f == UNKNOWN ? "?" : f))
                : notAmong("fs ", id, x, "real, effective, saved and fs", r, e, s, f));
      }
      default -> throw new IllegalArgumentException(call.name());
    }
  }

  /** Why a call needed its capability when the ids it is checked against were not all known. */
  private static String notAllKnown(String id, long r, long e, long s, String more) {
    return String.format(
        "the task's %ss were not all known (real %s, effective %s, saved %s%s)",
        id, name(r), name(e), name(s), more);
  }

  /** Why a call needed its capability: {@code x} is not among the ids it may take without it. */
  private static String notAmong(String which, String id, long x, String among, long... ids) {
    return which + id + " " + x + " is not among its " + among + " " + id + "s (" + ids(ids) + ")";
  }

  /** Whether {@code x} is certainly one of {@code ids}. */
  private static boolean isAmong(long x, long... ids) {
    return LongStream.of(ids).anyMatch(id -> id == x && id != UNKNOWN);
  }

  private static String ids(long... ids) {
    return LongStream.of(ids).mapToObj(ProcessIds::name).collect(Collectors.joining(", "));
  }

  private static String name(long id) {
    return id == UNKNOWN ? "?" : Long.toString(id);
  }

  /** setgroups(n, list): {@code ids} are the count, then the list when the trace shows it. */
  private static TaskIds groups(TaskIds t, List<Long> ids) {
    boolean shown = !ids.isEmpty() && ids.size() == ids.get(0) + 1;
    return t.withGroups(shown ? ids.subList(1, ids.size()) : List.of(), shown);
  }
}
