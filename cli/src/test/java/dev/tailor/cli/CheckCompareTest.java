package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** CheckCommand.compare, branch by branch: what counts as allowed, and how each drift reads. */
class CheckCompareTest {
  private static final TreeSet<String> RUN = new TreeSet<>(List.of("r"));

  /** A recording with these syscalls, files (path -> accesses; a trailing / is a folder), sockets and capabilities. */
  private static Recording rec(List<String> syscalls, Map<String, EnumSet<Access>> files, List<String> sockets, List<String> caps) {
    TreeMap<String, SyscallUse> s = new TreeMap<>();
    syscalls.forEach(n -> s.put(n, new SyscallUse(2, new TreeMap<>(), RUN)));
    TreeMap<String, FileUse> f = new TreeMap<>();
    files.forEach((p, a) -> {
      boolean dir = p.endsWith("/");
      String path = dir ? p.substring(0, p.length() - 1) : p;
      f.put(path, new FileUse(path, a, new TreeMap<>(), dir, 1, RUN));
    });
    TreeMap<String, SocketUse> n = new TreeMap<>();
    sockets.forEach(k -> n.put(k, new SocketUse(k.split(" ")[0], k.split(" ")[1], new TreeSet<>(List.of("0.0.0.0:53")),
        new TreeSet<>(List.of("8.8.8.8:53")), 1, RUN)));
    TreeMap<String, CapabilityUse> c = new TreeMap<>();
    caps.forEach(k -> c.put(k, new CapabilityUse(k, new TreeSet<>(List.of("why " + k)), RUN)));
    return new Recording(Recording.VERSION, "app", "x86_64", RUN, s, f, n, new TreeMap<>(), c, List.of(), List.of(), 1, List.of(), 0);
  }

  private static SeccompProfile allow(String defaultAction, SeccompProfile.Rule... rules) {
    return new SeccompProfile(defaultAction, 1, List.of("SCMP_ARCH_X86_64"), List.of(), List.of(rules));
  }

  private static final Recording BASE = rec(List.of("read", "write"),
      Map.of("/srv/data/a.txt", EnumSet.of(Access.READ), "/srv/log/", EnumSet.of(Access.READ)), List.of("inet stream"), List.of("chown"));

  @Test
  void sameBehaviour_noDrift() {
    SeccompProfile p = allow("SCMP_ACT_ERRNO", SeccompProfile.Rule.of(List.of("read", "write"), "SCMP_ACT_ALLOW"));
    assertEquals(List.of(), CheckCommand.compare(BASE, p, BASE));
  }

  @Test
  void syscalls_onlyAnUnconditionalAllowCounts() {
    SeccompProfile.Arg arg = new SeccompProfile.Arg(0, 1, 0, "SCMP_CMP_EQ");
    SeccompProfile p = allow("SCMP_ACT_ERRNO",
        SeccompProfile.Rule.of(List.of("read"), "SCMP_ACT_ALLOW"),
        new SeccompProfile.Rule(List.of("write"), "SCMP_ACT_ALLOW", SeccompProfile.NO_ERRNO, List.of(arg)),
        new SeccompProfile.Rule(List.of("umask"), "SCMP_ACT_ERRNO", 1, List.of()));
    Recording observed = rec(List.of("read", "umask", "write"), Map.of(), List.of(), List.of());
    assertEquals(List.of(new CheckCommand.Drift("syscall", "umask", "2 calls"), new CheckCommand.Drift("syscall", "write", "2 calls")),
        CheckCommand.compare(BASE, p, observed), "an allow with argument conditions, or an errno rule, allows nothing outright");
    assertEquals(List.of(), CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed), "a default allow allows every syscall");
    assertEquals(List.of(), CheckCommand.compare(BASE, allow("SCMP_ACT_LOG", SeccompProfile.Rule.of(List.of("read", "umask", "write"),
        "SCMP_ACT_ALLOW")), observed));
  }

  @Test
  void files_needWhatTheProfileDoesNotGrant_foldersEndWithASlash() {
    SeccompProfile p = allow("SCMP_ACT_ALLOW");
    Recording observed = rec(List.of(), Map.of(
        "/srv/data/a.txt", EnumSet.of(Access.READ, Access.WRITE),
        "/srv/other/", EnumSet.of(Access.READ),
        "/srv/log/", EnumSet.of(Access.READ)), List.of(), List.of());
    List<CheckCommand.Drift> d = CheckCommand.compare(BASE, p, observed);
    assertEquals(List.of(new CheckCommand.Drift("file", "/srv/data/a.txt", "needs w for read write"),
        new CheckCommand.Drift("file", "/srv/other/", "needs r for read")), d);
  }

  @Test
  void network_newKindIsDrift_withItsAddresses() {
    Recording observed = rec(List.of(), Map.of(), List.of("inet dgram", "inet stream"), List.of());
    assertEquals(List.of(new CheckCommand.Drift("network", "inet dgram", "0.0.0.0:53 8.8.8.8:53")),
        CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed));
  }

  @Test
  void capabilities_newOneIsDrift_withItsReasons() {
    Recording observed = rec(List.of(), Map.of(), List.of(), List.of("chown", "net_raw"));
    assertEquals(List.of(new CheckCommand.Drift("capability", "net_raw", "why net_raw")),
        CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed));
  }

  @Test
  void everyKind_inOneSortedList() {
    Recording observed = rec(List.of("zzz_call", "aaa_call"), Map.of("/new", EnumSet.of(Access.READ)), List.of("unix dgram"), List.of("sys_admin"));
    List<String> kinds = CheckCommand.compare(BASE, allow("SCMP_ACT_ERRNO"), observed).stream()
        .map(x -> x.kind() + " " + x.what()).toList();
    assertEquals(List.of("syscall aaa_call", "syscall zzz_call", "file /new", "network unix dgram", "capability sys_admin"), kinds);
  }
}
