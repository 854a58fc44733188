package dev.tailor.generator.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.seccomp.SeccompFilter;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObserveVariantTest {
  private static final List<String> X86 =
      List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
  private static final SeccompProfile.Arg FAMILY_INET =
      new SeccompProfile.Arg(0, 0xffffffffL, 2, "SCMP_CMP_MASKED_EQ");
  private static final SeccompProfile.Arg TYPE_STREAM =
      new SeccompProfile.Arg(1, 0xf, 1, "SCMP_CMP_MASKED_EQ");
  private static final SeccompProfile.Arg REQUEST =
      new SeccompProfile.Arg(1, 0xffffffffL, 0x5401, "SCMP_CMP_MASKED_EQ");

  private static final SeccompProfile LEARNED =
      new SeccompProfile(
          "SCMP_ACT_ERRNO",
          1,
          X86,
          List.of(),
          List.of(
              SeccompProfile.Rule.of(
                  List.of("execve", "exit_group", "read", "write"), "SCMP_ACT_ALLOW"),
              new SeccompProfile.Rule(List.of("clone3"), "SCMP_ACT_ERRNO", 38, List.of()),
              new SeccompProfile.Rule(
                  List.of("socket"),
                  "SCMP_ACT_ALLOW",
                  SeccompProfile.NO_ERRNO,
                  List.of(FAMILY_INET, TYPE_STREAM)),
              new SeccompProfile.Rule(
                  List.of("ioctl"), "SCMP_ACT_ALLOW", SeccompProfile.NO_ERRNO, List.of(REQUEST))));

  private static SeccompProfile.Arg ge(int index) {
    return new SeccompProfile.Arg(index, 0, 0, "SCMP_CMP_GE");
  }

  /** How often each name is in an entry of {@code p}, per action. */
  private static Map<String, List<String>> actions(SeccompProfile p) {
    Map<String, List<String>> out = new HashMap<>();
    for (SeccompProfile.Rule r : p.syscalls()) {
      for (String n : r.names()) {
        out.computeIfAbsent(n, k -> new ArrayList<>())
            .add(r.action() + (r.args().isEmpty() ? "" : " " + r.args()));
      }
    }
    return out;
  }

  @Test
  void logging_keepsLearnedRules_andListsEveryOtherKnownNameOnce() throws Exception {
    SeccompProfile v = ObserveVariant.logging(LEARNED);
    assertEquals(
        LEARNED.syscalls(),
        v.syscalls().subList(0, LEARNED.syscalls().size()),
        "learned rules first, unchanged");
    assertEquals("SCMP_ACT_ERRNO", v.defaultAction());
    assertEquals(1, v.defaultErrnoRet());
    assertEquals(X86, v.architectures());
    assertEquals("", v.listenerPath());
    Map<String, List<String>> a = actions(v);
    Set<String> known = SyscallTable.knownNames(X86);
    assertTrue(
        known.size() > 400,
        "libseccomp 2.5 knows ~455 names on x86_64, x86 and x32: " + known.size());
    assertTrue(
        known.containsAll(List.of("mkdir", "getpgid", "_llseek", "socketcall")), known.toString());
    for (String n : known) {
      assertTrue(a.containsKey(n), n + " is in the variant");
    }
    assertEquals(known.size(), a.size(), "no name beyond libseccomp's");
    assertEquals(List.of("SCMP_ACT_LOG"), a.get("mkdir"));
    assertEquals(List.of("SCMP_ACT_ALLOW"), a.get("write"));
    assertEquals(
        List.of("SCMP_ACT_ERRNO"),
        a.get("clone3"),
        "clone3's ENOSYS is the profile's answer, kept");
    assertEquals(
        List.of(
            "SCMP_ACT_ALLOW " + List.of(FAMILY_INET, TYPE_STREAM),
            "SCMP_ACT_LOG " + List.of(ge(0), ge(1))),
        a.get("socket"));
    assertEquals(
        List.of("SCMP_ACT_ALLOW " + List.of(REQUEST), "SCMP_ACT_LOG " + List.of(ge(1), ge(2))),
        a.get("ioctl"),
        "the catch-all tests the argument the learned rules test, and its neighbour");
  }

  @Test
  void notifying_setsTheListener_andWriteIsLoggedBecauseRuncRefusesNotifyThere() throws Exception {
    SeccompProfile noWrite =
        new SeccompProfile(
            "SCMP_ACT_ERRNO",
            1,
            X86,
            List.of(),
            List.of(SeccompProfile.Rule.of(List.of("execve", "exit_group"), "SCMP_ACT_ALLOW")));
    SeccompProfile v = ObserveVariant.notifying(noWrite, "/run/tailor/observe.sock");
    assertEquals("/run/tailor/observe.sock", v.listenerPath());
    Map<String, List<String>> a = actions(v);
    assertEquals(List.of("SCMP_ACT_LOG"), a.get("write"));
    assertEquals(List.of("SCMP_ACT_NOTIFY"), a.get("mkdir"));
    assertEquals(List.of("SCMP_ACT_ALLOW"), a.get("execve"));
    String json = SeccompJson.toJson(v);
    assertTrue(json.contains("\"listenerPath\": \"/run/tailor/observe.sock\""), json);
  }

  @Test
  void variant_roundTripsThroughJson_andTheLogVariantBuildsInLibseccomp() throws Exception {
    SeccompProfile v = ObserveVariant.notifying(LEARNED, "/s");
    assertEquals(
        v, SeccompJson.parse(SeccompJson.toJson(v), "v.json", "x86_64", "6.1.0").profile());
    try (SeccompFilter f = ObserveVariant.logging(LEARNED).filter().build()) {
      assertEquals(List.of(), f.warnings());
    }
  }

  @Test
  void nativeOnlyProfile_listsNativeNamesOnly() throws Exception {
    SeccompProfile nativeOnly =
        new SeccompProfile(
            "SCMP_ACT_ERRNO",
            1,
            List.of(),
            List.of(),
            List.of(SeccompProfile.Rule.of(List.of("read"), "SCMP_ACT_ALLOW")));
    Map<String, List<String>> a = actions(ObserveVariant.logging(nativeOnly));
    SyscallTable table = SyscallTable.forNativeArch();
    for (String n : a.keySet()) {
      assertTrue(table.isKnown(n), n + " is a name of this machine's own architecture");
    }
    assertFalse(a.containsKey("_llseek") && table.arch().equals("x86_64"));
  }

  @Test
  void profileThatRefusesNothing_staysAsItIs() throws Exception {
    SeccompProfile open =
        new SeccompProfile(
            "SCMP_ACT_ALLOW",
            SeccompProfile.NO_ERRNO,
            X86,
            List.of(),
            List.of(new SeccompProfile.Rule(List.of("mkdir"), "SCMP_ACT_ERRNO", 1, List.of())));
    assertEquals(open, ObserveVariant.logging(open));
  }
}
