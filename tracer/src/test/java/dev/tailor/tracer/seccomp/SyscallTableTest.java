package dev.tailor.tracer.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

  private static SyscallTable x86_64() throws SeccompException {
    return SyscallTable.forArch("x86_64");
  }

  @Test
  void nativeArch_matchesUnameM() throws Exception {
    Process p = new ProcessBuilder("uname", "-m").start();
    String uname = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor());
    assertEquals(uname, SyscallTable.nativeArch());
    assertEquals(uname, SyscallTable.forNativeArch().arch());
  }

  @Test
  void ociArchitectures_followDocker() {
    assertEquals(
        List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        SyscallTable.ociArchitectures("x86_64"));
    assertEquals(
        List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), SyscallTable.ociArchitectures("aarch64"));
    assertEquals(List.of("SCMP_ARCH_S390X"), SyscallTable.ociArchitectures("s390x"));
    assertEquals(List.of(), SyscallTable.ociArchitectures("pdp11"));
  }

  @Test
  void isKnown_nativeNamesOnly() throws Exception {
    SyscallTable t = x86_64();
    assertTrue(t.isKnown("read"));
    assertTrue(t.isKnown("exit_group"));
    assertFalse(t.isKnown("_llseek"), "_llseek is an x86 (32-bit) syscall, not x86_64");
    assertFalse(t.isKnown("no_such_syscall"));
    assertFalse(t.isKnown(""));
  }

  @Test
  void numberOf_readIsZeroOnX86_64() throws Exception {
    assertEquals(OptionalInt.of(0), x86_64().numberOf("read"));
    assertEquals(OptionalInt.of(231), x86_64().numberOf("exit_group"));
    assertEquals(OptionalInt.empty(), x86_64().numberOf("_llseek"));
  }

  @Test
  void nameOf_numbersAsStracePrintsThem() throws Exception {
    SyscallTable t = x86_64();
    assertEquals(Optional.of("read"), t.nameOf(0));
    assertEquals(Optional.of("clone3"), t.nameOf(0x1b3));
    assertEquals(Optional.empty(), t.nameOf(0x3e7));
    assertEquals(Optional.empty(), t.nameOf(-1));
  }

  @Test
  void architecturesKnowing_findsSecondaryArchitectures() throws Exception {
    SyscallTable t = x86_64();
    assertEquals(List.of("SCMP_ARCH_X86"), t.architecturesKnowing("_llseek"));
    assertEquals(
        List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        t.architecturesKnowing("read"));
    assertEquals(List.of(), t.architecturesKnowing("no_such_syscall"));
  }

  @Test
  void forArch_otherMachine_usesItsNumbers() throws Exception {
    SyscallTable arm64 = SyscallTable.forArch("aarch64");
    assertEquals(OptionalInt.of(63), arm64.numberOf("read"));
    assertFalse(arm64.isKnown("open"), "aarch64 has only openat");
    assertEquals(List.of("SCMP_ARCH_ARM"), arm64.architecturesKnowing("open"));
  }

  @Test
  void forArch_unknownMachine_failsClearly() {
    SeccompException e = assertThrows(SeccompException.class, () -> SyscallTable.forArch("pdp11"));
    assertTrue(e.getMessage().contains("pdp11"), e.getMessage());
  }

  @Test
  void libseccompVersion_isReported() throws Exception {
    String v = x86_64().libseccompVersion();
    assertTrue(v.matches("2\\.\\d+\\.\\d+"), v);
  }
}
