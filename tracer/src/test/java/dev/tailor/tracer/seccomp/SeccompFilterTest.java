package dev.tailor.tracer.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompFilterTest {

  @Test
  void build_unknownName_isSkippedWithWarning() throws Exception {
    try (SeccompFilter f =
        SeccompFilter.builder("SCMP_ACT_ERRNO", 1)
            .architectures(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"))
            .rule(List.of("read", "no_such_syscall", "_llseek"), "SCMP_ACT_ALLOW", -1, List.of())
            .build()) {
      assertEquals(1, f.warnings().size(), f.warnings().toString());
      assertTrue(f.warnings().get(0).contains("'no_such_syscall'"), f.warnings().get(0));
    }
  }

  @Test
  void build_dockerStyleRules_accepted() throws Exception {
    try (SeccompFilter f =
        SeccompFilter.builder("SCMP_ACT_ERRNO", -1)
            .rule(
                List.of("personality"),
                "SCMP_ACT_ALLOW",
                -1,
                List.of(new SeccompFilter.Condition(0, 0, 0, "SCMP_CMP_EQ")))
            .rule(
                List.of("clone"),
                "SCMP_ACT_ALLOW",
                -1,
                List.of(new SeccompFilter.Condition(0, 2114060288L, 0, "SCMP_CMP_MASKED_EQ")))
            .rule(
                List.of("socket"),
                "SCMP_ACT_ALLOW",
                -1,
                List.of(
                    new SeccompFilter.Condition(0, 40, 0, "SCMP_CMP_NE"),
                    new SeccompFilter.Condition(0, 16, 0, "SCMP_CMP_NE")))
            .rule(List.of("clone3"), "SCMP_ACT_ERRNO", 38, List.of())
            .rule(List.of("ptrace"), "SCMP_ACT_KILL_PROCESS", -1, List.of())
            .rule(List.of("reboot"), "SCMP_ACT_LOG", -1, List.of())
            .rule(List.of("kexec_load"), "SCMP_ACT_TRAP", -1, List.of())
            .rule(List.of("mount"), "SCMP_ACT_ERRNO", -1, List.of()) // same as default: skipped
            .flags(List.of("SECCOMP_FILTER_FLAG_LOG"))
            .build()) {
      assertEquals(List.of(), f.warnings());
    }
  }

  @Test
  void build_errnoRetOnAllow_isRejected() {
    SeccompException e =
        assertThrows(
            SeccompException.class,
            () ->
                SeccompFilter.builder("SCMP_ACT_ERRNO", 1)
                    .rule(List.of("read"), "SCMP_ACT_ALLOW", 5, List.of())
                    .build());
    assertTrue(e.getMessage().contains("errnoRet"), e.getMessage());
  }

  @Test
  void build_unknownActionOrArch_isRejected() {
    assertThrows(SeccompException.class, () -> SeccompFilter.builder("SCMP_ACT_MAYBE", -1).build());
    assertThrows(
        SeccompException.class,
        () ->
            SeccompFilter.builder("SCMP_ACT_ERRNO", -1)
                .architectures(List.of("SCMP_ARCH_VAX"))
                .build());
    assertThrows(
        SeccompException.class,
        () ->
            SeccompFilter.builder("SCMP_ACT_ERRNO", -1)
                .rule(List.of("read"), "SCMP_ACT_NOTIFY", -1, List.of())
                .build());
  }

  @Test
  void condition_badIndexOrOp_isRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> new SeccompFilter.Condition(6, 0, 0, "SCMP_CMP_EQ"));
    assertThrows(
        IllegalArgumentException.class, () -> new SeccompFilter.Condition(0, 0, 0, "SCMP_CMP_XX"));
  }
}
