package dev.tailor.generator.seccomp;

import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A learned profile on trial: the same profile with every call it lacks run and reported instead of
 * refused, so that what the learning run missed shows up in production without stopping it.
 *
 * <p>What changes, and why:
 *
 * <ul>
 *   <li>Every rule of the learned profile stays exactly as it is: learned calls are allowed by the
 *       same filter branches as under enforcement and never leave the kernel.
 *   <li>Every other syscall that libseccomp knows on the profile's architectures is listed by name
 *       with the observe action ({@code SCMP_ACT_NOTIFY} with a {@code listenerPath}, or {@code
 *       SCMP_ACT_LOG}). Not the default action: runc refuses {@code SCMP_ACT_NOTIFY} there, and a
 *       call libseccomp cannot name (newer than this libseccomp) stays refused as under
 *       enforcement. {@code defaultAction} is unchanged.
 *   <li>runc 1.1.5 refuses {@code SCMP_ACT_NOTIFY} for {@code write} (its init writes the notify fd
 *       to its parent after loading the filter; see libcontainer/seccomp/seccomp_linux.go), so in
 *       the notify variant an unlearned {@code write} is {@code SCMP_ACT_LOG}: still run, reported
 *       through the kernel log instead of the agent.
 *   <li>A syscall the profile allows only for some argument values (socket families, ioctl
 *       requests, W^X for mmap) keeps its argument rules, and gets one more entry with the observe
 *       action whose conditions always hold: {@code args[i] >= 0} (unsigned) on every argument its
 *       rules test. libseccomp puts those conditions on the same branches of its decision tree
 *       after the learned values, so a learned value is still allowed in the kernel and only other
 *       values are observed (measured with libseccomp 2.5.4, loading each order of the entries). An
 *       entry without conditions would not do: libseccomp lets it replace the syscall's conditional
 *       rules, so learned values would be reported too; nor would a condition only on a higher
 *       argument than the lowest one tested (same flaw). When the rules test one argument, the next
 *       one is tested too: on 32-bit x86 libseccomp turns socket calls into {@code socketcall} and
 *       replaces the argument-0 test by the call number, so a catch-all on argument 0 alone would
 *       be the learned branch with another action, which libseccomp refuses (EEXIST).
 *   <li>A syscall the profile lists without conditions (allowed, or answered with an errno such as
 *       clone3's ENOSYS) keeps that answer: an errno there is a decision of the profile, not a gap,
 *       and enforcement would give the same.
 * </ul>
 *
 * So a container in observe mode is never refused a call that the enforced profile would allow.
 */
public final class ObserveVariant {
  /** The file beside seccomp.json that holds its log variant. */
  public static final String FILE_NAME = "seccomp.observe.json";

  /** The action that runs a call and hands it to the listener. */
  public static final String NOTIFY = "SCMP_ACT_NOTIFY";

  /** The action that runs a call and writes it to the kernel log. */
  public static final String LOG = "SCMP_ACT_LOG";

  /** The names runc refuses {@code SCMP_ACT_NOTIFY} for. */
  static final Set<String> NOT_NOTIFIABLE = Set.of("write");

  private ObserveVariant() {}

  /**
   * The variant for runtimes that honour {@code listenerPath} (runc 1.1+ under podman): calls the
   * profile lacks go to the agent listening on {@code listenerPath}, {@code write} to the kernel
   * log.
   */
  public static SeccompProfile notifying(SeccompProfile learned, String listenerPath)
      throws SeccompException {
    if (listenerPath.isEmpty()) {
      throw new IllegalArgumentException("the notify variant needs a listener path");
    }
    return variant(learned, NOTIFY).withListenerPath(listenerPath);
  }

  /**
   * The variant for runtimes without {@code listenerPath} (Docker, Kubernetes Localhost profiles):
   * calls the profile lacks run and are written to the kernel log ({@code audit: type=1326}).
   */
  public static SeccompProfile logging(SeccompProfile learned) throws SeccompException {
    return variant(learned, LOG).withListenerPath("");
  }

  private static SeccompProfile variant(SeccompProfile learned, String action)
      throws SeccompException {
    if (learned.defaultAction().equals(action)
        || learned.defaultAction().equals("SCMP_ACT_ALLOW")
        || learned.defaultAction().equals(LOG)) {
      // Nothing is refused by default: there is nothing to observe, and the profile stays as it is.
      return learned;
    }
    Set<String> unconditional = new HashSet<>();
    Map<String, SortedSet<Integer>> tested = new TreeMap<>();
    for (SeccompProfile.Rule r : learned.syscalls()) {
      for (String name : r.names()) {
        if (r.args().isEmpty()) {
          unconditional.add(name);
        } else {
          for (SeccompProfile.Arg a : r.args()) {
            tested.computeIfAbsent(name, k -> new TreeSet<>()).add(a.index());
          }
        }
      }
    }
    List<SeccompProfile.Rule> rules = new ArrayList<>(learned.syscalls());
    for (Map.Entry<String, SortedSet<Integer>> e : tested.entrySet()) {
      String name = e.getKey();
      if (!unconditional.contains(name)) {
        rules.add(
            new SeccompProfile.Rule(
                List.of(name),
                actionFor(name, action),
                SeccompProfile.NO_ERRNO,
                alwaysTrue(e.getValue())));
      }
    }
    SortedSet<String> others = new TreeSet<>(SyscallTable.knownNames(learned.architectures()));
    others.removeAll(unconditional);
    others.removeAll(tested.keySet());
    List<String> observed = new ArrayList<>();
    List<String> logged = new ArrayList<>();
    for (String name : others) {
      (actionFor(name, action).equals(action) ? observed : logged).add(name);
    }
    if (!observed.isEmpty()) {
      rules.add(SeccompProfile.Rule.of(observed, action));
    }
    if (!logged.isEmpty()) {
      rules.add(SeccompProfile.Rule.of(logged, LOG));
    }
    return new SeccompProfile(
        learned.defaultAction(),
        learned.defaultErrnoRet(),
        learned.architectures(),
        learned.flags(),
        rules,
        learned.listenerPath());
  }

  /**
   * {@code >= 0} on each argument in {@code indexes}, and on a neighbour when there is one only.
   */
  private static List<SeccompProfile.Arg> alwaysTrue(SortedSet<Integer> indexes) {
    SortedSet<Integer> all = new TreeSet<>(indexes);
    if (all.size() == 1) {
      int i = all.first();
      all.add(i < 5 ? i + 1 : i - 1);
    }
    List<SeccompProfile.Arg> out = new ArrayList<>();
    for (int i : all) {
      out.add(new SeccompProfile.Arg(i, 0, 0, "SCMP_CMP_GE"));
    }
    return out;
  }

  private static String actionFor(String name, String action) {
    return action.equals(NOTIFY) && NOT_NOTIFIABLE.contains(name) ? LOG : action;
  }
}
