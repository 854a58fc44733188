package dev.tailor.generator.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeccompGeneratorTest {

  static Recording recording(String arch, String... syscalls) {
    TreeMap<String, SyscallUse> uses = new TreeMap<>();
    for (String s : syscalls) {
      uses.put(s, new SyscallUse(1, new TreeMap<>(), new TreeSet<>(Set.of("run1"))));
    }
    return new RecordingBuilder().name("demo").arch(arch).syscalls(uses).build();
  }

  @Test
  void generate_smallRecording_matchesGolden() throws Exception {
    SeccompResult r =
        SeccompGenerator.generate(
            recording("x86_64", "write", "read", "exit_group", "syscall_0x1b3", "execve"));
    assertEquals(
        "{\n"
            + "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
            + "  \"defaultErrnoRet\": 1,\n"
            + "  \"architectures\": [\n"
            + "    \"SCMP_ARCH_X86_64\",\n"
            + "    \"SCMP_ARCH_X86\",\n"
            + "    \"SCMP_ARCH_X32\"\n"
            + "  ],\n"
            + "  \"syscalls\": [\n"
            + "    {\n"
            + "      \"names\": [\n"
            + "        \"clone3\",\n"
            + "        \"execve\",\n"
            + "        \"exit_group\",\n"
            + "        \"read\",\n"
            + "        \"write\"\n"
            + "      ],\n"
            + "      \"action\": \"SCMP_ACT_ALLOW\"\n"
            + "    }\n"
            + "  ]\n"
            + "}\n",
        SeccompJson.toJson(r.profile()));
    assertEquals(
        List.of(
            "syscall_0x1b3 is clone3 (strace did not know its name; libseccomp "
                + SyscallTable.forArch("x86_64").libseccompVersion()
                + " does)"),
        r.notes());
  }

  @Test
  void generate_unknownNames_leftOutAndReported() throws Exception {
    SyscallTable t = SyscallTable.forArch("x86_64");
    SeccompResult r =
        SeccompGenerator.generate(
            recording("x86_64", "read", "exit_group", "no_such_call", "syscall_0x3e7", "_llseek"),
            t);
    assertEquals(List.of("_llseek", "exit_group", "read"), r.profile().syscalls().get(0).names());
    String lib = "libseccomp " + t.libseccompVersion();
    assertEquals(
        List.of(
            "kept _llseek: not a native x86_64 syscall but one of SCMP_ARCH_X86 (a process in that mode made it)",
            "left out no_such_call: "
                + lib
                + " does not know it on any of SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32",
            "left out syscall_0x3e7: "
                + lib
                + " has no name for that number on x86_64, and an OCI profile can only name syscalls"),
        r.notes());
  }

  @Test
  void generate_withoutExitGroup_addsItWithReason() throws Exception {
    SeccompResult r = SeccompGenerator.generate(recording("x86_64", "read", "nanosleep"));
    assertEquals(List.of("exit_group", "nanosleep", "read"), r.profile().syscalls().get(0).names());
    assertEquals(1, r.notes().size());
    assertEquals(true, r.notes().get(0).startsWith("added exit_group, which was not seen"));
  }

  @Test
  void generate_emptyRecording_deniesEverything() throws Exception {
    SeccompResult r = SeccompGenerator.generate(recording("x86_64"));
    assertEquals(List.of(), r.profile().syscalls());
    assertEquals(List.of(), r.notes());
  }

  @Test
  void generate_aarch64Recording_usesItsTable() throws Exception {
    SeccompResult r =
        SeccompGenerator.generate(recording("aarch64", "openat", "open", "exit_group"));
    assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), r.profile().architectures());
    assertEquals(List.of("exit_group", "open", "openat"), r.profile().syscalls().get(0).names());
    assertEquals(1, r.notes().size(), r.notes().toString());
  }

  @Test
  void generate_isDeterministic() throws Exception {
    Recording rec = recording("x86_64", "write", "read", "exit_group", "mmap", "brk");
    String a = SeccompJson.toJson(SeccompGenerator.generate(rec).profile());
    String b =
        SeccompJson.toJson(
            SeccompGenerator.generate(Recording.merge("demo", List.of(rec, rec))).profile());
    assertEquals(a, b);
  }

  @Test
  void generate_tableForOtherMachine_isRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SeccompGenerator.generate(
                recording("x86_64", "read"), SyscallTable.forArch("aarch64")));
  }
}
