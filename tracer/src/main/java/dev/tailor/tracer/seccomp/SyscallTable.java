package dev.tailor.tracer.seccomp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Syscall names and numbers of one machine architecture as libseccomp knows them, with the OCI
 * architecture list that a profile for that machine names.
 */
public final class SyscallTable {
  /** {@code uname -m} of a machine -> libseccomp's names of its architectures, native first. */
  private static final Map<String, List<String>> ARCHES =
      Map.ofEntries(
          Map.entry("x86_64", List.of("x86_64", "x86", "x32")),
          Map.entry("aarch64", List.of("aarch64", "arm")),
          Map.entry("i386", List.of("x86")),
          Map.entry("i486", List.of("x86")),
          Map.entry("i586", List.of("x86")),
          Map.entry("i686", List.of("x86")),
          Map.entry("armv6l", List.of("arm")),
          Map.entry("armv7l", List.of("arm")),
          Map.entry("armv8l", List.of("arm")),
          Map.entry("ppc64le", List.of("ppc64le")),
          Map.entry("ppc64", List.of("ppc64")),
          Map.entry("ppc", List.of("ppc")),
          Map.entry("s390x", List.of("s390x")),
          Map.entry("s390", List.of("s390")),
          Map.entry("riscv64", List.of("riscv64")));

  private final LibSeccomp.Loaded seccomp;
  private final String arch;
  private final List<String> seccompArches;
  private final int[] tokens;

  private SyscallTable(LibSeccomp.Loaded seccomp, String arch) throws SeccompException {
    this.seccomp = seccomp;
    this.arch = arch;
    this.seccompArches = ARCHES.get(arch);
    this.tokens = new int[seccompArches.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = seccomp.archToken(seccompArches.get(i), seccompArches.get(i));
    }
  }

  /** The table of the machine tailor runs on. */
  public static SyscallTable forNativeArch() throws SeccompException {
    return forArch(nativeArch());
  }

  /**
   * The table of a machine named as {@code uname -m} names it, e.g. to generate a profile from a
   * recording made on another machine.
   */
  public static SyscallTable forArch(String unameArch) throws SeccompException {
    if (!ARCHES.containsKey(unameArch)) {
      throw new SeccompException(
          "machine architecture '"
              + unameArch
              + "' is not supported; known: "
              + String.join(", ", new TreeSet<>(ARCHES.keySet())));
    }
    return new SyscallTable(LibSeccomp.load(), unameArch);
  }

  /** What {@code uname -m} prints on this machine. */
  public static String nativeArch() {
    // struct utsname: six char[65] fields on Linux; machine is the fifth.
    Memory uts = new Memory(6 * 65 + 64);
    uts.clear();
    int rc = Function.getFunction("c", "uname").invokeInt(new Object[] {uts});
    if (rc != 0) {
      throw new IllegalStateException("uname failed, errno " + Native.getLastError());
    }
    return uts.getString(4 * 65, "US-ASCII");
  }

  /**
   * The OCI {@code architectures} of a profile for a machine: {@code SCMP_ARCH_X86_64,
   * SCMP_ARCH_X86, SCMP_ARCH_X32} on x86_64 (as Docker lists them), {@code SCMP_ARCH_AARCH64,
   * SCMP_ARCH_ARM} on aarch64, the native one elsewhere. Empty for an unknown machine.
   */
  public static List<String> ociArchitectures(String unameArch) {
    return ARCHES.getOrDefault(unameArch, List.of()).stream().map(SyscallTable::ociName).toList();
  }

  private static String ociName(String seccompArch) {
    return "SCMP_ARCH_" + seccompArch.toUpperCase(Locale.ROOT);
  }

  /**
   * Highest syscall number tried when listing names; every table of libseccomp 2.5 ends below it.
   */
  private static final int MAX_NUMBER = 1024;

  /** x32 numbers carry {@code __X32_SYSCALL_BIT}. */
  private static final int X32_BIT = 0x40000000;

  /**
   * Every syscall name libseccomp knows on any of the OCI architectures {@code ociArchitectures}
   * (the native one when the list is empty), sorted: what a profile that names each call on its own
   * must list. Architectures libseccomp does not know are an error.
   */
  public static java.util.SortedSet<String> knownNames(List<String> ociArchitectures)
      throws SeccompException {
    LibSeccomp.Loaded seccomp = LibSeccomp.load();
    List<Integer> tokens = new ArrayList<>();
    if (ociArchitectures.isEmpty()) {
      tokens.add(seccomp.lib.seccomp_arch_native());
    }
    for (String oci : ociArchitectures) {
      tokens.add(seccomp.ociArchToken(oci));
    }
    TreeSet<String> names = new TreeSet<>();
    for (int token : tokens) {
      for (int n = 0; n < MAX_NUMBER; n++) {
        for (int number : new int[] {n, n | X32_BIT}) {
          resolve(seccomp, token, number).ifPresent(names::add);
        }
      }
    }
    return java.util.Collections.unmodifiableSortedSet(names);
  }

  /**
   * The name of syscall {@code number} of the architecture the kernel calls {@code auditArch}
   * ({@code AUDIT_ARCH_*}: the {@code arch=} of a seccomp audit line, in which an x32 call is an
   * x86_64 one with {@code __X32_SYSCALL_BIT} in its number); empty when libseccomp does not know
   * it.
   */
  public static Optional<String> nameOn(int auditArch, int number) throws SeccompException {
    LibSeccomp.Loaded seccomp = LibSeccomp.load();
    int token = auditArch;
    if (auditArch == AUDIT_ARCH_X86_64 && (number & X32_BIT) != 0) {
      token = AUDIT_ARCH_X32;
    }
    return resolve(seccomp, token, number);
  }

  /**
   * libseccomp's name of syscall {@code number} on the architecture {@code token}, if it knows one.
   */
  private static Optional<String> resolve(LibSeccomp.Loaded seccomp, int token, int number) {
    if (number < 0) {
      return Optional.empty();
    }
    Pointer p = seccomp.lib.seccomp_syscall_resolve_num_arch(token, number);
    if (p == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(p.getString(0, "US-ASCII"));
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }

  private static final int AUDIT_ARCH_X86_64 = 0xc000003e;

  /** libseccomp's token for x32: x86_64's audit arch with another convention bit. */
  private static final int AUDIT_ARCH_X32 = 0x4000003e;

  /** The machine, as {@code uname -m} names it. */
  public String arch() {
    return arch;
  }

  /** The OCI architecture list for this machine. */
  public List<String> architectures() {
    return ociArchitectures(arch);
  }

  /**
   * The native architecture as the kernel names it to a seccomp filter ({@code AUDIT_ARCH_*}, the
   * {@code arch} of {@code struct seccomp_data}); libseccomp's architecture tokens are these
   * values.
   */
  public int auditArch() {
    return tokens[0];
  }

  /** The version of the libseccomp in use, e.g. {@code 2.5.4}. */
  public String libseccompVersion() {
    return seccomp.version;
  }

  /** Whether {@code name} is a syscall of this machine's native architecture. */
  public boolean isKnown(String name) {
    return numberOf(name).isPresent();
  }

  /** The number of a syscall on this machine's native architecture. */
  public OptionalInt numberOf(String name) {
    int n = seccomp.lib.seccomp_syscall_resolve_name_arch(tokens[0], name);
    // Names of other architectures resolve to negative placeholders, unknown names to -1.
    return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
  }

  /** The name of a syscall number on this machine's native architecture. */
  public Optional<String> nameOf(int number) {
    return resolve(seccomp, tokens[0], number);
  }

  /**
   * The OCI names of the architectures in {@link #architectures()} that have a syscall named {@code
   * name}: a 32-bit process on x86_64 makes {@code _llseek}, which only SCMP_ARCH_X86 has.
   */
  public List<String> architecturesKnowing(String name) {
    return IntStream.range(0, tokens.length)
        .filter(i -> seccomp.lib.seccomp_syscall_resolve_name_arch(tokens[i], name) >= 0)
        .mapToObj(i -> ociName(seccompArches.get(i)))
        .toList();
  }
}
