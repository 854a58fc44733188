package dev.tailor.deploy.observe;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One seccomp audit line of the kernel log ({@code /dev/kmsg}) for a call an {@code SCMP_ACT_LOG}
 * rule let run: {@code 5,388,2183920299,-;audit: type=1326 audit(1796636258.599:104): auid=...
 * pid=N comm="..." exe="..." sig=0 arch=c000003e syscall=121 compat=0 ip=0x439419 code=0x7ffc0000}.
 *
 * <p>The text is partly the workload's ({@code comm=}, {@code exe=}), so it is read defensively:
 * only records the kernel itself wrote (facility 0: a process writing to /dev/kmsg gets the user
 * facility), only {@code type=1326} with {@code code=0x7ffc0000} (SECCOMP_RET_LOG), and the numbers
 * from the fields the kernel writes after {@code exe=}. The kernel writes {@code comm} and {@code
 * exe} quoted only when they hold no space, quote or control byte (else as hex), so no field can
 * hide another; the first occurrence of each key counts.
 *
 * @param bootMicros when the kernel logged it, in microseconds since boot (the record's own clock)
 * @param at the audit timestamp (wall clock)
 * @param pid the calling process, in the kernel's (the host's) pid namespace
 * @param auditArch the {@code AUDIT_ARCH_*} of the call
 * @param number the syscall number on that architecture
 */
public record AuditRecord(long bootMicros, Instant at, int pid, int auditArch, int number) {
  /** SECCOMP_RET_LOG, as the line's {@code code=} gives it. */
  static final String RET_LOG = "0x7ffc0000";

  /** The record, when {@code kmsg} is a seccomp log line the kernel wrote; empty otherwise. */
  public static Optional<AuditRecord> parse(String kmsg) {
    int semi = kmsg.indexOf(';');
    if (semi < 0) {
      return Optional.empty();
    }
    String[] prefix = kmsg.substring(0, semi).split(",");
    if (prefix.length < 3) {
      return Optional.empty();
    }
    try {
      int pri = Integer.parseInt(prefix[0]);
      if (pri >> 3 != 0) {
        return Optional.empty(); // not the kernel's: written to /dev/kmsg by a process
      }
      long boot = Long.parseLong(prefix[2]);
      String text = kmsg.substring(semi + 1);
      int nl = text.indexOf('\n');
      if (nl >= 0) {
        text = text.substring(0, nl);
      }
      if (!text.startsWith("audit: type=1326 audit(")) {
        return Optional.empty();
      }
      int close = text.indexOf("): ");
      String stamp = text.substring("audit: type=1326 audit(".length(), close);
      String seconds = stamp.substring(0, stamp.indexOf(':'));
      int dot = seconds.indexOf('.');
      Instant at =
          Instant.ofEpochSecond(
              Long.parseLong(seconds.substring(0, dot)),
              Long.parseLong(seconds.substring(dot + 1)) * 1_000_000L);
      Map<String, String> fields = new HashMap<>();
      for (String word : text.substring(close + 3).split(" ")) {
        int eq = word.indexOf('=');
        if (eq > 0) {
          fields.putIfAbsent(word.substring(0, eq), word.substring(eq + 1));
        }
      }
      if (!RET_LOG.equals(fields.get("code"))) {
        return Optional.empty();
      }
      int pid = Integer.parseInt(fields.get("pid"));
      int arch = Integer.parseUnsignedInt(fields.get("arch"), 16);
      int nr = Integer.parseInt(fields.get("syscall"));
      if (pid <= 0 || nr < 0) {
        return Optional.empty();
      }
      return Optional.of(new AuditRecord(boot, at, pid, arch, nr));
    } catch (RuntimeException e) {
      return Optional.empty(); // NumberFormatException, a missing field, a cut line
    }
  }
}
