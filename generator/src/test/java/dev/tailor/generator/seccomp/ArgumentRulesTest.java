package dev.tailor.generator.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.seccomp.ArgumentRule.Outcome;
import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.RuntimeBase;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.seccomp.SeccompFilter;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The args rules learned from argument values: the JSON shape of each kind, and when there is none.
 */
class ArgumentRulesTest {
  private static final long MASK32 = 0xffffffffL;
  private static final long NAMESPACES = 0x7e020080L;

  /**
   * A recording of {@code syscalls}, with argument values given as "syscall[index]" -> value ->
   * count.
   */
  static Recording recording(
      List<String> syscalls, Map<String, Map<Long, Long>> values, List<RuntimeBase> bases) {
    // Each syscall made as many calls as its values account for (one when it has none).
    TreeMap<String, SyscallUse> uses = new TreeMap<>();
    for (String s : syscalls) {
      long count =
          values.entrySet().stream()
              .filter(e -> e.getKey().startsWith(s + "["))
              .mapToLong(e -> e.getValue().values().stream().mapToLong(Long::longValue).sum())
              .max()
              .orElse(1);
      uses.put(s, new SyscallUse(count, new TreeMap<>(), new TreeSet<>(Set.of("run1"))));
    }
    TreeMap<String, ArgumentUse> arguments = new TreeMap<>();
    values.forEach(
        (key, v) -> {
          String name = key.substring(0, key.indexOf('['));
          int index = Integer.parseInt(key.substring(key.indexOf('[') + 1, key.length() - 1));
          arguments.put(
              key, new ArgumentUse(name, index, new TreeMap<>(v), new TreeSet<>(Set.of("run1"))));
        });
    return new RecordingBuilder()
        .name("demo")
        .syscalls(uses)
        .runtimeBases(bases)
        .arguments(arguments)
        .build();
  }

  static Recording recording(List<String> syscalls, Map<String, Map<Long, Long>> values) {
    return recording(syscalls, values, List.of());
  }

  private static Map<String, Map<Long, Long>> values(Object... keyValueCount) {
    Map<String, Map<Long, Long>> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValueCount.length; i += 3) {
      m.computeIfAbsent((String) keyValueCount[i], k -> new TreeMap<>())
          .put(
              ((Number) keyValueCount[i + 1]).longValue(),
              ((Number) keyValueCount[i + 2]).longValue());
    }
    return m;
  }

  private static SeccompResult generate(Recording r) throws Exception {
    return SeccompGenerator.generate(r, SyscallTable.forArch("x86_64"), SeccompOptions.DEFAULT);
  }

  private static SeccompProfile.Rule rule(List<String> names, SeccompProfile.Arg... args) {
    return new SeccompProfile.Rule(names, "SCMP_ACT_ALLOW", SeccompProfile.NO_ERRNO, List.of(args));
  }

  private static SeccompProfile.Arg masked(int index, long mask, long value) {
    return new SeccompProfile.Arg(index, mask, value, "SCMP_CMP_MASKED_EQ");
  }

  private static ArgumentRule argument(SeccompResult r, String syscall, int index) {
    return r.arguments().stream()
        .filter(a -> a.filter().syscall().equals(syscall) && a.filter().index() == index)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no argument " + syscall + "[" + index + "] in " + r.arguments()));
  }

  @Test
  void socket_familiesAndTypes_oneEntryPerCombination() throws Exception {
    SeccompResult r =
        generate(
            recording(
                List.of("exit_group", "read", "socket"),
                values(
                    "socket[0]",
                    2,
                    3,
                    "socket[0]",
                    1,
                    1,
                    "socket[1]",
                    0x80001,
                    2,
                    "socket[1]",
                    2,
                    1,
                    "socket[1]",
                    0x801,
                    1)));
    List<SeccompProfile.Rule> rules = r.profile().syscalls();
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(List.of("exit_group", "read"), "SCMP_ACT_ALLOW"),
            rule(List.of("socket"), masked(0, MASK32, 1), masked(1, 0xf, 1)),
            rule(List.of("socket"), masked(0, MASK32, 1), masked(1, 0xf, 2)),
            rule(List.of("socket"), masked(0, MASK32, 2), masked(1, 0xf, 1)),
            rule(List.of("socket"), masked(0, MASK32, 2), masked(1, 0xf, 2))),
        rules);
    ArgumentRule family = argument(r, "socket", 0);
    assertEquals(Outcome.FILTERED, family.outcome());
    assertEquals(4, family.entries());
    assertEquals("socket family", family.label());
    assertEquals("only these 2 values", family.reason());
    ArgumentRule type = argument(r, "socket", 1);
    assertEquals(
        "only these 2 types (type & 0xf); SOCK_NONBLOCK and SOCK_CLOEXEC are free", type.reason());
    assertEquals(Map.of(2L, 1L, 0x801L, 1L, 0x80001L, 2L), type.values());
  }

  @Test
  void json_argsAsOciWritesThem() throws Exception {
    SeccompResult r =
        generate(recording(List.of("exit_group", "ioctl"), values("ioctl[1]", 0x80045430L, 1)));
    String json = SeccompJson.toJson(r.profile());
    assertTrue(
        json.contains(
            "    {\n"
                + "      \"names\": [\n"
                + "        \"ioctl\"\n"
                + "      ],\n"
                + "      \"action\": \"SCMP_ACT_ALLOW\",\n"
                + "      \"args\": [\n"
                + "        {\n"
                + "          \"index\": 1,\n"
                + "          \"value\": 4294967295,\n"
                + "          \"valueTwo\": 2147767344,\n"
                + "          \"op\": \"SCMP_CMP_MASKED_EQ\"\n"
                + "        }\n"
                + "      ]\n"
                + "    }\n"),
        json);
    // What is written is read back as it was.
    assertEquals(r.profile(), SeccompJson.parse(json, "t", "x86_64", "6.1.0").profile());
  }

  @Test
  void ioctlPrctlPersonality_onlyTheValuesSeen_sortedUnsigned() throws Exception {
    SeccompResult r =
        generate(
            recording(
                List.of("exit_group", "ioctl", "personality", "prctl"),
                values(
                    "ioctl[1]",
                    0x5401,
                    4,
                    "ioctl[1]",
                    0x80045430L,
                    1,
                    "ioctl[1]",
                    0x5413,
                    2,
                    "prctl[0]",
                    15,
                    1,
                    "personality[0]",
                    0xffffffffL,
                    1)));
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(List.of("exit_group"), "SCMP_ACT_ALLOW"),
            rule(List.of("ioctl"), masked(1, MASK32, 0x5401)),
            rule(List.of("ioctl"), masked(1, MASK32, 0x5413)),
            rule(List.of("ioctl"), masked(1, MASK32, 0x80045430L)),
            rule(List.of("personality"), masked(0, MASK32, 0xffffffffL)),
            rule(List.of("prctl"), masked(0, MASK32, 15))),
        r.profile().syscalls());
    assertEquals("ioctl request", argument(r, "ioctl", 1).label());
    assertEquals("prctl option", argument(r, "prctl", 0).label());
    assertEquals("personality", argument(r, "personality", 0).label());
    assertEquals(
        "0x5412 (TIOCSTI)", ArgumentRule.describe(argument(r, "ioctl", 1).filter(), 0x5412));
  }

  @Test
  void clone3_answeredEnosys_cloneAddedWithoutNamespaces() throws Exception {
    long threadFlags =
        0x3d0f00L; // CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|...
    SeccompResult r =
        generate(
            recording(
                List.of("clone3", "exit_group", "futex"), values("clone3[0]", threadFlags, 3)));
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(List.of("exit_group", "futex"), "SCMP_ACT_ALLOW"),
            rule(List.of("clone"), masked(0, NAMESPACES, 0)),
            new SeccompProfile.Rule(List.of("clone3"), "SCMP_ACT_ERRNO", 38, List.of())),
        r.profile().syscalls());
    assertEquals(
        List.of(
            "added clone, which was not seen: clone3 is answered ENOSYS, and libc then falls back to clone"),
        r.notes());
    assertEquals(Outcome.ENOSYS, argument(r, "clone3", 0).outcome());
    ArgumentRule clone = argument(r, "clone", 0);
    assertEquals(Outcome.FILTERED, clone.outcome());
    assertTrue(
        clone
            .reason()
            .endsWith(
                "clone was not seen, but clone3 is answered ENOSYS and libc then calls clone"),
        clone.reason());
  }

  @Test
  void clone_namespaceBitsSeen_stayAllowed() throws Exception {
    long newUser = 0x10000000L;
    SeccompResult r =
        generate(
            recording(
                List.of("clone", "exit_group"),
                values("clone[0]", 0x1200011L, 2, "clone[0]", newUser | 0x11, 1)));
    assertEquals(
        rule(List.of("clone"), masked(0, NAMESPACES & ~newUser, 0)), r.profile().syscalls().get(1));
    assertEquals(
        "no namespace flags (CLONE_NEW*) but CLONE_NEWUSER, which calls set",
        argument(r, "clone", 0).reason());
  }

  @Test
  void clone3_withWhatCloneCannotDo_isAllowedByName() throws Exception {
    for (long flags :
        new long[] {
          0x200000000L /* CLONE_INTO_CGROUP */, 0x100000000L, 0x20000000L /* CLONE_NEWPID */
        }) {
      SeccompResult r =
          generate(
              recording(List.of("clone3", "exit_group"), values("clone3[0]", flags | 0x100, 1)));
      assertEquals(
          List.of(SeccompProfile.Rule.of(List.of("clone3", "exit_group"), "SCMP_ACT_ALLOW")),
          r.profile().syscalls(),
          Long.toHexString(flags));
      assertEquals(Outcome.ANY_VALUE, argument(r, "clone3", 0).outcome());
      assertTrue(
          argument(r, "clone3", 0).reason().startsWith("allowed by name: a call used CLONE_"),
          argument(r, "clone3", 0).reason());
    }
  }

  @Test
  void writeXorExec_threeEntriesSharedByMmapAndMprotect_unlessBothWereAsked() throws Exception {
    SeccompResult r =
        generate(
            recording(
                List.of("exit_group", "mmap", "mprotect"),
                values(
                    "mmap[2]",
                    1,
                    5,
                    "mmap[2]",
                    3,
                    2,
                    "mmap[2]",
                    5,
                    1,
                    "mprotect[2]",
                    0,
                    1,
                    "mprotect[2]",
                    1,
                    3)));
    List<String> both = List.of("mmap", "mprotect");
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(List.of("exit_group"), "SCMP_ACT_ALLOW"),
            rule(both, masked(2, 6, 0)),
            rule(both, masked(2, 6, 2)),
            rule(both, masked(2, 6, 4))),
        r.profile().syscalls());
    assertEquals(3, argument(r, "mmap", 2).entries());

    SeccompResult jit =
        generate(
            recording(
                List.of("exit_group", "mmap", "mprotect"),
                values("mmap[2]", 7, 1, "mprotect[2]", 1, 3)));
    assertEquals(List.of("exit_group", "mmap"), jit.profile().syscalls().get(0).names());
    assertEquals(Outcome.ANY_VALUE, argument(jit, "mmap", 2).outcome());
    assertEquals(
        "any value: a call asked for PROT_WRITE and PROT_EXEC together",
        argument(jit, "mmap", 2).reason());
    assertEquals(List.of("mprotect"), jit.profile().syscalls().get(1).names());
  }

  @Test
  void noValuesRecorded_allowedByNameWithReason() throws Exception {
    SeccompResult r =
        generate(
            recording(
                List.of("exit_group", "ioctl", "socket", "clone3"), values("socket[0]", 1, 1)));
    // socket: filtered on its family only; ioctl and clone3: by name.
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(List.of("clone3", "exit_group", "ioctl"), "SCMP_ACT_ALLOW"),
            rule(List.of("socket"), masked(0, MASK32, 1))),
        r.profile().syscalls());
    assertEquals(Outcome.ANY_VALUE, argument(r, "socket", 1).outcome());
    assertTrue(
        argument(r, "ioctl", 1)
            .reason()
            .startsWith("any value: the recording holds none of its values"));
    assertEquals(
        "allowed by name: its flags were not recorded, so whether clone would do is unknown",
        argument(r, "clone3", 0).reason());
  }

  @Test
  void valuesForFewerCallsThanMade_noRule() throws Exception {
    Recording full = recording(List.of("exit_group", "ioctl"), values("ioctl[1]", 0x5401, 2));
    TreeMap<String, SyscallUse> more = new TreeMap<>(full.syscalls());
    more.put("ioctl", new SyscallUse(3, new TreeMap<>(), full.runs()));
    Recording partial = RecordingBuilder.from(full).syscalls(more).build();
    SeccompResult r = generate(partial);
    assertEquals(
        List.of(SeccompProfile.Rule.of(List.of("exit_group", "ioctl"), "SCMP_ACT_ALLOW")),
        r.profile().syscalls());
    assertEquals(
        "any value: the values recorded account for 2 of its 3 calls (the trace did not show the others' values), "
            + "and a rule from them would refuse calls the workload made",
        argument(r, "ioctl", 1).reason());
    assertEquals(
        Map.of(0x5401L, 2L),
        argument(r, "ioctl", 1).values(),
        "the report still shows what was seen");
  }

  @Test
  void runtimeBaseName_staysAllowedByName() throws Exception {
    RuntimeBase runc =
        new RuntimeBase("runc", "1.1.5", "measured", new TreeSet<>(Set.of("prctl", "write")));
    RuntimeBase crun =
        new RuntimeBase("crun", "1.8.1", "measured", new TreeSet<>(Set.of("prctl", "ioctl")));
    SeccompResult r =
        generate(
            recording(
                List.of("exit_group", "prctl", "socket"),
                values("prctl[0]", 15, 1, "socket[0]", 1, 1),
                List.of(runc, crun)));
    assertEquals(
        List.of(
            SeccompProfile.Rule.of(
                List.of("exit_group", "ioctl", "prctl", "write"), "SCMP_ACT_ALLOW"),
            rule(List.of("socket"), masked(0, MASK32, 1))),
        r.profile().syscalls());
    assertEquals(
        "allowed by name: the crun 1.8.1 and runc 1.1.5 bases have it (the runtime's init makes the call after "
            + "loading the filter, and a base holds names only)",
        argument(r, "prctl", 0).reason());
    // ioctl is the base's only: the workload's arguments say nothing of it.
    assertFalse(
        r.arguments().stream().anyMatch(a -> a.filter().syscall().equals("ioctl")),
        r.arguments().toString());
  }

  @Test
  void off_givesTheNamesOnlyProfile() throws Exception {
    Recording rec =
        recording(
            List.of("clone3", "exit_group", "ioctl"),
            values("ioctl[1]", 0x5401, 1, "clone3[0]", 0x3d0f00, 1));
    SeccompResult r =
        SeccompGenerator.generate(rec, SyscallTable.forArch("x86_64"), new SeccompOptions(false));
    assertEquals(
        List.of(SeccompProfile.Rule.of(List.of("clone3", "exit_group", "ioctl"), "SCMP_ACT_ALLOW")),
        r.profile().syscalls());
    assertEquals(List.of(), r.arguments());
    assertEquals(List.of(), r.notes());
  }

  @Test
  void generate_isDeterministic_andMergeIsTheUnion() throws Exception {
    Recording a =
        recording(
            List.of("exit_group", "ioctl", "socket"),
            values("ioctl[1]", 0x5401, 1, "socket[0]", 2, 1));
    Recording b = recording(List.of("exit_group", "ioctl"), values("ioctl[1]", 0x5413, 1));
    String once = SeccompJson.toJson(generate(Recording.merge("demo", List.of(a, b))).profile());
    assertEquals(
        once, SeccompJson.toJson(generate(Recording.merge("demo", List.of(b, a))).profile()));
    assertEquals(
        List.of(
            rule(List.of("ioctl"), masked(1, MASK32, 0x5401)),
            rule(List.of("ioctl"), masked(1, MASK32, 0x5413))),
        generate(Recording.merge("demo", List.of(a, b))).profile().syscalls().subList(1, 3));
  }

  @Test
  void everyKind_isLoadedByLibseccomp_onEveryArchitecture() throws Exception {
    Recording rec =
        recording(
            List.of(
                "clone3",
                "execve",
                "exit_group",
                "ioctl",
                "mmap",
                "mprotect",
                "personality",
                "pkey_mprotect",
                "prctl",
                "socket",
                "socketpair"),
            values(
                "clone3[0]",
                0x3d0f00,
                1,
                "ioctl[1]",
                0x80045430L,
                1,
                "ioctl[1]",
                0x5401,
                1,
                "mmap[2]",
                3,
                1,
                "mprotect[2]",
                1,
                1,
                "pkey_mprotect[2]",
                5,
                1,
                "personality[0]",
                0xffffffffL,
                1,
                "prctl[0]",
                15,
                1,
                "socket[0]",
                2,
                1,
                "socket[0]",
                10,
                1,
                "socket[1]",
                1,
                1,
                "socketpair[0]",
                1,
                1,
                "socketpair[1]",
                0x80001,
                1));
    SeccompResult r = generate(rec);
    List<String> filtered = new ArrayList<>();
    r.profile().syscalls().stream()
        .filter(x -> !x.args().isEmpty())
        .forEach(x -> filtered.addAll(x.names()));
    assertEquals(
        Set.of(
            "clone",
            "ioctl",
            "mmap",
            "mprotect",
            "personality",
            "pkey_mprotect",
            "prctl",
            "socket",
            "socketpair"),
        Set.copyOf(filtered));
    assertEquals(
        List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), r.profile().architectures());
    try (SeccompFilter f = r.profile().filter().build()) {
      assertEquals(List.of(), f.warnings());
    }
    SeccompResult arm =
        SeccompGenerator.generate(
            RecordingBuilder.from(rec).arch("aarch64").build(),
            SyscallTable.forArch("aarch64"),
            SeccompOptions.DEFAULT);
    assertEquals(r.profile().syscalls(), arm.profile().syscalls());
  }
}
