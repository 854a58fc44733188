package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.call.SyscallModel;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The values of filterable arguments, as the recorder reads them from strace's text. */
class ArgumentValuesTest {
  private static Map<Long, Long> values(Recording r, String key) {
    ArgumentUse use = r.arguments().get(key);
    if (use == null) {
      throw new AssertionError(key + " not in " + r.arguments().keySet());
    }
    return use.values();
  }

  @Test
  void rawArguments_areTheKernelsNumbers_failedCallsToo() throws IOException {
    Recording r =
        RecorderTest.recordText(
            String.join(
                "\n",
                "10 socket(0x2, 0x80001, 0)                 = 0x3",
                "10 socket(0xa, 0x2, 0)                 = 0x4",
                "10 ioctl(0, 0x5401, 0x7ffdb58af620) = -1 ENOTTY (Inappropriate ioctl for device)",
                "10 ioctl(1, 0x5401, 0x7ffdb58af620) = 0",
                "10 ioctl(1, 0xffffffffc0045401, 0x7ffdb58af620) = -1 EINVAL (Invalid argument)",
                "10 prctl(0xf, 0x55ccc4617004, 0, 0x7f21a9ed4dc7, 0) = 0",
                "10 mprotect(0x7f21a9fb4000, 0x1000, 0x1)   = 0",
                "10 +++ exited with 0 +++",
                ""));
    assertEquals(Map.of(2L, 1L, 10L, 1L), values(r, "socket[0]"));
    assertEquals(
        Map.of(0x80001L, 1L, 2L, 1L),
        values(r, "socket[1]"),
        "the type word as passed; SOCK_CLOEXEC is the rule's to mask");
    assertEquals(
        Map.of(0x5401L, 2L, 0xc0045401L, 1L),
        values(r, "ioctl[1]"),
        "ENOTTY calls count (a filter must let them fail the same way); an int argument keeps its low 32 bits");
    assertEquals(Map.of(15L, 1L), values(r, "prctl[0]"));
    assertTrue(r.completeArgument("ioctl", 1).isPresent());
    assertTrue(r.completeArgument("socket", 1).isPresent());
    assertEquals(Map.of(1L, 1L), values(r, "mprotect[2]"));
    assertEquals(
        java.util.Set.of("inet stream", "inet6 dgram"),
        r.sockets().keySet(),
        "raw families and types still name the sockets AppArmor allows");
  }

  @Test
  void decodedFlagWords_cloneWithItsSignal_mmapProt_clone3Flags() throws IOException {
    Recording r =
        RecorderTest.recordText(
            String.join(
                "\n",
                "10 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f8deb683a10) = 11",
                "10 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1, parent_tid=0x7f1, exit_signal=0, stack=0x7f0, stack_size=0x7fff00, tls=0x7f2} => {parent_tid=[12]}, 88) = 12",
                "10 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f239396c000",
                "10 mmap(0x7fbebae67000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3</usr/lib/libc.so.6>, 0x26000) = 0x7fbebae67000",
                "10 mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f239396d000",
                "10 +++ exited with 0 +++",
                ""));
    assertEquals(
        Map.of(0x01200011L, 1L),
        values(r, "clone[0]"),
        "CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD");
    assertEquals(Map.of(0x3d0f00L, 1L), values(r, "clone3[0]"));
    assertEquals(Map.of(3L, 1L, 5L, 1L, 0L, 1L), values(r, "mmap[2]"));
  }

  @Test
  void unreadableValues_areLeftUncounted_andSaidSo() throws IOException {
    // A trace recorded without -e raw=: strace's names for ioctl requests are not exact.
    Recording r =
        RecorderTest.recordText(
            String.join(
                "\n",
                "10 ioctl(1</dev/pts/0>, TCGETS, {c_iflag=ICRNL}) = 0",
                "10 ioctl(1</dev/pts/0>, 0x5401, 0x7ff) = 0",
                "10 mmap(NULL, 4096, PROT_READ|PROT_MADEUP, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f239396c000",
                "10 +++ exited with 0 +++",
                ""));
    assertEquals(Map.of(0x5401L, 1L), values(r, "ioctl[1]"));
    assertEquals(2, r.syscalls().get("ioctl").count());
    assertTrue(
        r.completeArgument("ioctl", 1).isEmpty(),
        "the values account for fewer calls than were made: no rule");
    assertFalse(r.arguments().containsKey("mmap[2]"), "an unknown flag name is never guessed");
    assertTrue(
        r.warnings().stream()
            .anyMatch(w -> w.contains("ioctl argument 1") && w.contains("-e raw=")),
        r.warnings().toString());
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.contains("mmap argument 2")),
        r.warnings().toString());
  }

  @Test
  void repeatedLines_countEveryCall() throws IOException {
    String line = "10 ioctl(1, 0x5413, 0x7ffdb58af620) = 0\n";
    Recording r = RecorderTest.recordText(line.repeat(5) + "10 +++ exited with 0 +++\n");
    assertEquals(
        Map.of(0x5413L, 5L),
        values(r, "ioctl[1]"),
        "a memo replay of the same line counts its value too");
  }

  @Test
  void argumentValues_surviveJsonAndMerge() throws IOException {
    Recording r =
        RecorderTest.recordText("10 socket(0x2, 0x1, 0) = 0x3\n10 +++ exited with 0 +++\n");
    Recording back = RecordingJson.fromJson(RecordingJson.toJson(r), "test");
    assertEquals(r.arguments(), back.arguments());
    Recording other =
        RecorderTest.recordText("10 socket(0x10, 0x3, 0) = 0x3\n10 +++ exited with 0 +++\n")
            .relabel(x -> "other");
    Recording merged = Recording.merge("m", java.util.List.of(r, other));
    assertEquals(new TreeMap<>(Map.of(2L, 1L, 16L, 1L)), values(merged, "socket[0]"));
    assertEquals(2, merged.arguments().get("socket[0]").runs().size());
  }

  @Test
  void everyRecordedArgument_isNamedInTheTable() {
    assertEquals(
        "0x5412 (TIOCSTI)", SyscallModel.filter("ioctl", 1).orElseThrow().names().describe(0x5412));
    assertEquals(
        "0x1200011 (CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|0x11)",
        SyscallModel.CLONE_FLAGS.describe(0x1200011));
    assertEquals("0x6 (PROT_WRITE|PROT_EXEC)", SyscallModel.PROT_FLAGS.describe(6));
    assertEquals("0x0 (PROT_NONE)", SyscallModel.PROT_FLAGS.describe(0));
  }
}
