package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.seccomp.SeccompGenerator;
import dev.tailor.generator.seccomp.SeccompOptions;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.Access;
import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** CheckCommand.compare, branch by branch: what counts as allowed, and how each drift reads. */
class CheckCompareTest {
  private static final TreeSet<String> RUN = new TreeSet<>(List.of("r"));

  /**
   * A recording with these syscalls, files (path -> accesses; a trailing / is a folder), sockets
   * and capabilities.
   */
  private static Recording rec(
      List<String> syscalls,
      Map<String, EnumSet<Access>> files,
      List<String> sockets,
      List<String> caps) {
    TreeMap<String, SyscallUse> s = new TreeMap<>();
    syscalls.forEach(n -> s.put(n, new SyscallUse(2, new TreeMap<>(), RUN)));
    TreeMap<String, FileUse> f = new TreeMap<>();
    files.forEach(
        (p, a) -> {
          boolean dir = p.endsWith("/");
          String path = dir ? p.substring(0, p.length() - 1) : p;
          f.put(path, new FileUse(path, a, new TreeMap<>(), dir, 1, RUN));
        });
    TreeMap<String, SocketUse> n = new TreeMap<>();
    sockets.forEach(
        k ->
            n.put(
                k,
                new SocketUse(
                    k.split(" ")[0],
                    k.split(" ")[1],
                    new TreeSet<>(List.of("0.0.0.0:53")),
                    new TreeSet<>(List.of("8.8.8.8:53")),
                    1,
                    RUN)));
    TreeMap<String, CapabilityUse> c = new TreeMap<>();
    caps.forEach(k -> c.put(k, new CapabilityUse(k, new TreeSet<>(List.of("why " + k)), RUN)));
    return new RecordingBuilder().runs(RUN).syscalls(s).files(f).sockets(n).capabilities(c).build();
  }

  private static SeccompProfile allow(String defaultAction, SeccompProfile.Rule... rules) {
    return new SeccompProfile(
        defaultAction, 1, List.of("SCMP_ARCH_X86_64"), List.of(), List.of(rules));
  }

  private static final Recording BASE =
      rec(
          List.of("read", "write"),
          Map.of("/srv/data/a.txt", EnumSet.of(Access.READ), "/srv/log/", EnumSet.of(Access.READ)),
          List.of("inet stream"),
          List.of("chown"));

  @Test
  void sameBehaviour_noDrift() {
    SeccompProfile p =
        allow("SCMP_ACT_ERRNO", SeccompProfile.Rule.of(List.of("read", "write"), "SCMP_ACT_ALLOW"));
    assertEquals(List.of(), CheckCommand.compare(BASE, p, BASE));
  }

  @Test
  void syscalls_onlyAnUnconditionalAllowCounts() {
    SeccompProfile.Arg arg = new SeccompProfile.Arg(0, 1, 0, "SCMP_CMP_EQ");
    SeccompProfile p =
        allow(
            "SCMP_ACT_ERRNO",
            SeccompProfile.Rule.of(List.of("read"), "SCMP_ACT_ALLOW"),
            new SeccompProfile.Rule(
                List.of("write"), "SCMP_ACT_ALLOW", SeccompProfile.NO_ERRNO, List.of(arg)),
            new SeccompProfile.Rule(List.of("umask"), "SCMP_ACT_ERRNO", 1, List.of()));
    Recording observed = rec(List.of("read", "umask", "write"), Map.of(), List.of(), List.of());
    assertEquals(
        List.of(
            new CheckCommand.Drift("syscall", "umask", "2 calls"),
            new CheckCommand.Drift(
                "syscall",
                "write",
                "2 calls; the profile allows it only under argument conditions that tailor does not record")),
        CheckCommand.compare(BASE, p, observed),
        "an allow with argument conditions, or an errno rule, allows nothing outright");
    assertEquals(
        List.of(),
        CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed),
        "a default allow allows every syscall");
    assertEquals(
        List.of(),
        CheckCommand.compare(
            BASE,
            allow(
                "SCMP_ACT_LOG",
                SeccompProfile.Rule.of(List.of("read", "umask", "write"), "SCMP_ACT_ALLOW")),
            observed));
  }

  @Test
  void files_needWhatTheProfileDoesNotGrant_foldersEndWithASlash() {
    SeccompProfile p = allow("SCMP_ACT_ALLOW");
    Recording observed =
        rec(
            List.of(),
            Map.of(
                "/srv/data/a.txt", EnumSet.of(Access.READ, Access.WRITE),
                "/srv/other/", EnumSet.of(Access.READ),
                "/srv/log/", EnumSet.of(Access.READ)),
            List.of(),
            List.of());
    List<CheckCommand.Drift> d = CheckCommand.compare(BASE, p, observed);
    assertEquals(
        List.of(
            new CheckCommand.Drift("file", "/srv/data/a.txt", "needs w for read write"),
            new CheckCommand.Drift("file", "/srv/other/", "needs r for read")),
        d);
  }

  @Test
  void network_newKindIsDrift_withItsAddresses() {
    Recording observed = rec(List.of(), Map.of(), List.of("inet dgram", "inet stream"), List.of());
    assertEquals(
        List.of(new CheckCommand.Drift("network", "inet dgram", "0.0.0.0:53 8.8.8.8:53")),
        CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed));
  }

  @Test
  void capabilities_newOneIsDrift_withItsReasons() {
    Recording observed = rec(List.of(), Map.of(), List.of(), List.of("chown", "net_raw"));
    assertEquals(
        List.of(new CheckCommand.Drift("capability", "net_raw", "why net_raw")),
        CheckCommand.compare(BASE, allow("SCMP_ACT_ALLOW"), observed));
  }

  @Test
  void everyKind_inOneSortedList() {
    Recording observed =
        rec(
            List.of("zzz_call", "aaa_call"),
            Map.of("/new", EnumSet.of(Access.READ)),
            List.of("unix dgram"),
            List.of("sys_admin"));
    List<String> kinds =
        CheckCommand.compare(BASE, allow("SCMP_ACT_ERRNO"), observed).stream()
            .map(x -> x.kind() + " " + x.what())
            .toList();
    assertEquals(
        List.of(
            "syscall aaa_call",
            "syscall zzz_call",
            "file /new",
            "network unix dgram",
            "capability sys_admin"),
        kinds);
  }

  /** {@code rec} with argument values: "syscall[index]" -> value -> count. */
  private static Recording withValues(Recording r, Map<String, Map<Long, Long>> values) {
    TreeMap<String, ArgumentUse> a = new TreeMap<>();
    values.forEach(
        (key, v) ->
            a.put(
                key,
                new ArgumentUse(
                    key.substring(0, key.indexOf('[')),
                    Integer.parseInt(key.substring(key.indexOf('[') + 1, key.length() - 1)),
                    new TreeMap<>(v),
                    RUN)));
    return RecordingBuilder.from(r).arguments(a).build();
  }

  private static SeccompProfile generated(Recording r) throws Exception {
    return SeccompGenerator.generate(r, SyscallTable.forArch("x86_64"), SeccompOptions.DEFAULT)
        .profile();
  }

  @Test
  void arguments_aNewValueIsDrift_namedAndCounted() throws Exception {
    Recording learned =
        withValues(
            rec(List.of("ioctl", "socket", "mmap", "exit_group"), Map.of(), List.of(), List.of()),
            Map.of(
                "ioctl[1]",
                Map.of(0x5401L, 2L),
                "socket[0]",
                Map.of(2L, 2L),
                "socket[1]",
                Map.of(0x80001L, 2L),
                "mmap[2]",
                Map.of(1L, 1L, 3L, 1L)));
    SeccompProfile p = generated(learned);
    assertEquals(
        List.of(), CheckCommand.compare(BASE, p, learned), "the learned values are inside");
    Recording observed =
        withValues(
            rec(List.of("ioctl", "socket", "mmap"), Map.of(), List.of(), List.of()),
            Map.of(
                "ioctl[1]",
                Map.of(0x5401L, 1L, 0x5412L, 1L),
                "socket[0]",
                Map.of(2L, 1L, 16L, 1L),
                "socket[1]",
                Map.of(1L, 1L, 0x80003L, 1L),
                "mmap[2]",
                Map.of(5L, 1L, 7L, 1L)));
    assertEquals(
        List.of(
            new CheckCommand.Drift("argument", "ioctl request 0x5412 (TIOCSTI): new", "1 calls"),
            new CheckCommand.Drift(
                "argument", "mmap prot 0x7 (PROT_READ|PROT_WRITE|PROT_EXEC): new", "1 calls"),
            new CheckCommand.Drift("argument", "socket family 0x10 (AF_NETLINK): new", "1 calls"),
            new CheckCommand.Drift(
                "argument", "socket type 0x80003 (SOCK_RAW|SOCK_CLOEXEC): new", "1 calls")),
        CheckCommand.compare(BASE, p, observed));
  }

  @Test
  void arguments_clone3AnsweredEnosys_isCheckedAsLibcsFallbackToClone() throws Exception {
    long thread = 0x3d0f00L;
    Recording learned =
        withValues(
            rec(List.of("clone3", "exit_group"), Map.of(), List.of(), List.of()),
            Map.of("clone3[0]", Map.of(thread, 2L)));
    SeccompProfile p = generated(learned);
    assertEquals(List.of(), CheckCommand.compare(BASE, p, learned));
    Recording observed =
        withValues(
            rec(List.of("clone3", "clone"), Map.of(), List.of(), List.of()),
            Map.of(
                "clone3[0]",
                Map.of(0x10000000L | thread, 1L, 0x200000000L | thread, 1L),
                "clone[0]",
                Map.of(0x1200011L, 1L, 0x20000011L, 1L)));
    List<String> drift =
        CheckCommand.compare(BASE, p, observed).stream()
            .map(d -> d.what() + " / " + d.detail())
            .toList();
    assertEquals(
        List.of(
            "clone flags 0x20000011 (CLONE_NEWPID|0x11): new / 1 calls",
            "clone3 flags 0x103d0f00 (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"
                + "|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_NEWUSER): new / 1 calls; the profile answers clone3 ENOSYS "
                + "and refuses libc's fallback, clone, with these flags",
            "clone3 flags 0x2003d0f00 (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"
                + "|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_INTO_CGROUP): new / 1 calls; clone cannot express it, and "
                + "the profile answers clone3 ENOSYS"),
        drift);
  }

  @Test
  void arguments_valuesNotRecorded_areNotCheckedAndSaidSo_recordedOnesStillAre() throws Exception {
    Recording learned =
        withValues(
            rec(List.of("ioctl", "exit_group"), Map.of(), List.of(), List.of()),
            Map.of("ioctl[1]", Map.of(0x5401L, 2L)));
    Recording observed = rec(List.of("ioctl"), Map.of(), List.of(), List.of());
    List<String> unchecked = new ArrayList<>();
    assertEquals(
        List.of(), CheckCommand.compare(BASE, generated(learned), observed, unchecked::add));
    assertEquals(
        List.of(
            "ioctl: the profile allows it only with some values of its ioctl request, and the trace holds none "
                + "(record with strace -e raw=socket,socketpair,ioctl,prctl,personality,mprotect,pkey_mprotect, as tailor learn does)"),
        unchecked);
    unchecked.clear();
    assertEquals(
        List.of(
            new CheckCommand.Drift("argument", "ioctl request 0x5412 (TIOCSTI): new", "1 calls")),
        CheckCommand.compare(
            BASE,
            generated(learned),
            withValues(observed, Map.of("ioctl[1]", Map.of(0x5412L, 1L))),
            unchecked::add),
        "a value recorded for one call of two is still checked");
    assertEquals(1, unchecked.size(), unchecked.toString());
    assertTrue(
        unchecked.get(0).contains("the trace holds them for 1 of 2 calls"), unchecked.get(0));
    SeccompProfile byName =
        SeccompGenerator.generate(
                learned, SyscallTable.forArch("x86_64"), new SeccompOptions(false))
            .profile();
    assertEquals(
        List.of(),
        CheckCommand.compare(
            BASE, byName, withValues(observed, Map.of("ioctl[1]", Map.of(0x5412L, 2L)))),
        "a profile made with --no-arg-filters checks names only");
  }
}
