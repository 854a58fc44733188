package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.Recorder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The lines bpftrace prints for {@link BpfScript}'s program, read into a recording. */
class BpfOutputTest {
  private static final Map<Integer, String> NAMES = Map.of(0, "read", 1, "write", 39, "getpid", 257, "openat", 59, "execve");

  private final Recorder recorder = new Recorder("t", "bpf", new HostPathResolver(false), UnaryOperator.identity(), Optional.of("/"));
  private final BpfOutput output = new BpfOutput(recorder, new HostPathResolver(false), n -> Optional.ofNullable(NAMES.get(n)), "x86_64");

  private Recording recording() {
    output.finish();
    return recorder.toRecording("t", "x86_64");
  }

  private static Map<String, Long> counts(Recording r) {
    Map<String, Long> out = new TreeMap<>();
    r.syscalls().forEach((name, use) -> out.put(name, use.count()));
    return out;
  }

  @Test
  void dump_busyCountersAndHash_addUpPerSyscall() {
    output.follow(100);
    for (String line : List.of("@c[]: ", "@ev: 0", "@g[100]: 1", "@s0: 12", "@s1: 7", "@s257: 0", "@sc[39]: 3",
        "@sc[0]: 1", "@sf[5]: 2", "@st[5]: 1", "@zzz: 1")) {
      output.line(line);
    }
    assertTrue(output.countsSeen());
    assertEquals(Map.of("read", 13L, "write", 7L, "getpid", 3L), counts(recording()));
  }

  @Test
  void dump_secondDump_isIgnored() {
    for (String line : List.of("@s0: 5", "@zzz: 1", "@s0: 9", "@zzz: 1")) {
      output.line(line);
    }
    assertEquals(Map.of("read", 5L), counts(recording()));
  }

  @Test
  void dump_unknownNumber_keptAsHexName() {
    for (String line : List.of("@sc[999]: 2", "@zzz: 1")) {
      output.line(line);
    }
    assertEquals(Map.of("syscall_0x3e7", 2L), counts(recording()));
  }

  @Test
  void drained_onlyOnceEveryEventLineTheDumpCountsHasArrived() {
    output.follow(100);
    output.line("K 100 101");
    output.line("@ev: 3");
    output.line("@zzz: 1");
    assertFalse(output.drained());
    output.line("E 101 101");
    assertFalse(output.drained());
    output.line("E 100 100");
    assertTrue(output.drained());
    assertEquals(0, output.missing());
  }

  @Test
  void drained_countsEventsBpftraceReportedLost() {
    output.line("@ev: 5");
    output.line("@zzz: 1");
    output.line("K 1 2");
    output.line("Lost 4 events");
    assertTrue(output.drained());
    Recording r = recording();
    assertTrue(r.warnings().stream().anyMatch(w -> w.contains("lost 4 events")), r.warnings()::toString);
  }

  @Test
  void finish_eventsThatNeverArrived_areSaid() {
    output.line("@ev: 2");
    output.line("@zzz: 1");
    output.line("K 1 2");
    Recording r = recording();
    assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("1 events")), r.warnings()::toString);
  }

  @Test
  void close_laterLinesAreNotRecorded() {
    output.follow(7);
    output.close();
    output.line("O 7 -100 0 3 \\x2f\\x65\\x74\\x63\\x2f\\x68\\x6f\\x73\\x74\\x73");
    assertTrue(recording().files().isEmpty());
  }

  @Test
  void open_rawRegisters_lowThirtyTwoBitsAreTheArguments() {
    output.follow(7);
    // dirfd AT_FDCWD passed zero-extended, flags with garbage in the upper half of the register
    output.line("O 7 4294967196 " + ((1L << 40) | 0101) + " 3 \\x2f\\x74\\x6d\\x70\\x2f\\x78");
    Recording r = recording();
    assertTrue(r.files().containsKey("/tmp/x"), r.files()::toString);
  }

  @Test
  void unhex_path_stopsAtTheFirstNul_argvKeepsThem() {
    String hex = "\\x61\\x00\\x62\\x00\\x00";
    assertEquals(1, BpfOutput.unhex(hex, true).length);
    assertEquals(5, BpfOutput.unhex(hex, false).length);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> BpfOutput.unhex("\\x6g", false));
  }

  @Test
  void low32_signedAndUnsignedPrintings_areTheSameInt() {
    assertEquals(-100, BpfOutput.low32("-100"));
    assertEquals(-100, BpfOutput.low32("4294967196"));
    assertEquals(-100, BpfOutput.low32("18446744073709551516"));
    assertEquals(0x241, BpfOutput.low32("577"));
  }

  @Test
  void rootStarted_movesTheRootWhereTheCallbackSays() {
    int[] moved = {0};
    output.onRootStarted(pid -> moved[0] = pid);
    output.line("B 4242");
    assertTrue(output.rootStarted());
    assertEquals(4242, moved[0]);
  }
}
