package dev.tailor.generator.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompJsonTest {

  private static final SeccompProfile RICH =
      new SeccompProfile(
          "SCMP_ACT_ERRNO",
          38,
          List.of("SCMP_ARCH_X86_64"),
          List.of("SECCOMP_FILTER_FLAG_LOG"),
          List.of(
              SeccompProfile.Rule.of(List.of("read", "write"), "SCMP_ACT_ALLOW"),
              new SeccompProfile.Rule(List.of("clone3"), "SCMP_ACT_ERRNO", 38, List.of()),
              new SeccompProfile.Rule(
                  List.of("personality"),
                  "SCMP_ACT_ALLOW",
                  SeccompProfile.NO_ERRNO,
                  List.of(
                      new SeccompProfile.Arg(0, 0xffffffffL, 0, "SCMP_CMP_EQ"),
                      new SeccompProfile.Arg(1, -1L, 8, "SCMP_CMP_MASKED_EQ"))),
              new SeccompProfile.Rule(
                  List.of(), "SCMP_ACT_LOG", SeccompProfile.NO_ERRNO, List.of())));

  private static SeccompResult parse(String json) throws IOException {
    return SeccompJson.parse(json, "p.json", "x86_64", "6.1.0-18-amd64");
  }

  @Test
  void roundTrip_richProfile_isIdentical(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("seccomp.json");
    SeccompJson.write(RICH, f);
    SeccompResult back = SeccompJson.parse(Files.readString(f), f.toString(), "x86_64", "6.1");
    assertEquals(RICH, back.profile());
    assertEquals(List.of(), back.notes());
    assertEquals(SeccompJson.toJson(RICH), SeccompJson.toJson(back.profile()));
  }

  @Test
  void toJson_unsignedValues_writtenAsUint64() {
    String json = SeccompJson.toJson(RICH);
    assertTrue(json.contains("\"value\": 18446744073709551615,"), json);
    assertTrue(json.contains("\"value\": 4294967295,"), json);
    assertTrue(json.contains("\"names\": [],"), json);
    assertTrue(json.endsWith("}\n"), json);
  }

  @Test
  void parse_dockerFormat_appliesArchMapAndConditions() throws Exception {
    String docker =
        "{\n"
            + "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
            + "  \"defaultErrnoRet\": 1,\n"
            + "  \"archMap\": [\n"
            + "    {\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},\n"
            + "    {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}\n"
            + "  ],\n"
            + "  \"syscalls\": [\n"
            + "    {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [], \"comment\": \"\", \"includes\": {}, \"excludes\": {}},\n"
            + "    {\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38, \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},\n"
            + "    {\"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"amd64\", \"x32\"]}},\n"
            + "    {\"names\": [\"sync_file_range2\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"ppc64le\"]}},\n"
            + "    {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},\n"
            + "    {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"4.8\"}},\n"
            + "    {\"names\": [\"futex_waitv\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"99.1\"}},\n"
            + "    {\"name\": \"personality\", \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}\n"
            + "  ]\n"
            + "}\n";
    SeccompResult r = parse(docker);
    SeccompProfile p = r.profile();
    assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), p.architectures());
    assertEquals(
        List.of(
            List.of("read", "write"),
            List.of("clone3"),
            List.of("arch_prctl"),
            List.of("ptrace"),
            List.of("personality")),
        p.syscalls().stream().map(SeccompProfile.Rule::names).toList());
    assertEquals(38, p.syscalls().get(1).errnoRet());
    assertEquals(
        List.of(new SeccompProfile.Arg(0, 8, 0, "SCMP_CMP_EQ")), p.syscalls().get(4).args());
    assertEquals(
        List.of(
            "kept syscalls[1] [clone3] as for a process without CAP_SYS_ADMIN",
            "left out syscalls[4] [mount]: it applies only with CAP_SYS_ADMIN",
            "left out syscalls[6] [futex_waitv]: it needs kernel 99.1, this is 6.1.0-18-amd64"),
        r.notes());
  }

  @Test
  void parse_archMapOnOtherMachine_choosesItsEntry() throws Exception {
    String json =
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_AARCH64\","
            + " \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}], \"syscalls\": []}";
    assertEquals(
        List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"),
        SeccompJson.parse(json, "p.json", "aarch64", "6.1").profile().architectures());
    SeccompResult onX86 = parse(json);
    assertEquals(List.of(), onX86.profile().architectures());
    assertEquals(1, onX86.notes().size());
  }

  @Test
  void parse_unknownFields_areNoted() throws Exception {
    SeccompResult r =
        parse(
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\", \"listenerMetadata\": \"m\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_LOG\", \"why\": 1}]}");
    assertEquals(
        List.of("ignored field 'listenerMetadata'", "ignored field 'why' in syscalls[0]"),
        r.notes());
    assertEquals("/x", r.profile().listenerPath());
    assertEquals(SeccompProfile.NO_ERRNO, r.profile().defaultErrnoRet());
  }

  @Test
  void parse_badInput_oneLineWithFileAndReason() {
    String[][] cases = {
      {"{\"defaultAction\": ", "p.json:1:19: not valid JSON (Unexpected end-of-input"},
      {"[]", "p.json: not an OCI seccomp profile: the top level is not a JSON object"},
      {"{}", "p.json: not an OCI seccomp profile: defaultAction is missing"},
      {
        "{\"defaultAction\": \"ALLOW\"}",
        "p.json: not an OCI seccomp profile: defaultAction must be an SCMP_ACT_ name: ALLOW"
      },
      {
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
        "defaultErrnoRet is not an unsigned 32-bit number"
      },
      {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}", "'syscalls' is not an array"},
      {
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [1], \"action\": \"SCMP_ACT_ALLOW\"}]}",
        "syscalls[0].names is not an array of strings"
      },
      {
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"a\"]}]}",
        "syscalls[0].action is missing"
      },
      {
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
        "syscalls[0].args[0].index must be a number from 0 to 5"
      },
      {
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
        "syscalls[0].args[0].value is not an unsigned 64-bit number"
      },
    };
    for (String[] c : cases) {
      IOException e = assertThrows(IOException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertTrue(e.getMessage().startsWith("p.json"), e.getMessage());
      assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    }
  }

  @Test
  void read_missingFile_saysSo(@TempDir Path dir) {
    IOException e =
        assertThrows(IOException.class, () -> SeccompJson.read(dir.resolve("nope.json")));
    assertEquals(
        dir.resolve("nope.json") + ": no such file; give a seccomp profile (OCI JSON)",
        e.getMessage());
  }

  @Test
  void compareVersions_kernelReleases() {
    assertTrue(SeccompJson.compareVersions("6.1.0-18-amd64", "4.8") > 0);
    assertTrue(SeccompJson.compareVersions("4.8", "4.14") < 0);
    assertEquals(0, SeccompJson.compareVersions("5.4", "5.4.0"));
  }
}
