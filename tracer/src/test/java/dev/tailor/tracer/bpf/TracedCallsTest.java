package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel's table is SyscallModel's: a new row there is traced by the bpf backend too. */
class TracedCallsTest {
  private final Map<String, TracedCalls.Spec> specs = TracedCalls.specs(24);

  @Test
  void everyPathSyscall_isReportedWithItsArguments() {
    for (PathSyscall p : SyscallModel.pathSyscalls().values()) {
      TracedCalls.Spec s = specs.get(p.name());
      assertTrue(s != null && (s.flags() & TracedCalls.EVENT) != 0, p.name());
      assertEquals(p.path(), s.path1(), p.name());
      assertEquals(p.dirfd() < 0 ? TracedCalls.NONE : p.dirfd(), s.dir1(), p.name());
      assertEquals(p.opens(), (s.flags() & TracedCalls.RESULT_FD) != 0, p.name());
      if (p.second() != null) {
        assertEquals(p.second().path(), s.path2(), p.name());
      }
      if (p.statBuffer() >= 0) {
        assertEquals(p.statBuffer(), s.peekArg(), p.name());
      }
    }
  }

  @Test
  void everyRecordedArgument_isCounted() {
    for (ArgFilter f : SyscallModel.allFilters()) {
      TracedCalls.Spec s = specs.get(f.syscall());
      assertTrue((s.argMask() & (1 << f.index())) != 0, f.syscall() + " " + f.index());
      assertEquals(
          f.kind() == ArgFilter.Kind.CLONE3_FLAGS,
          (s.derefMask() & (1 << f.index())) != 0,
          f.syscall());
    }
    assertEquals(
        SyscallModel.allFilters().stream().mapToInt(f -> 1 << f.index()).reduce(0, (a, b) -> a | b),
        TracedCalls.usedArgMask(specs));
  }

  @Test
  void encode_isTheRowTheProgramsRead() {
    byte[] row = TracedCalls.encode(specs.get("renameat2"));
    assertEquals(TracedCalls.ROW, row.length);
    assertEquals(TracedCalls.EVENT, row[0]);
    assertEquals(1, row[1]);
    assertEquals(0, row[2]);
    assertEquals(3, row[3]);
    assertEquals(2, row[4]);
    assertEquals((byte) TracedCalls.NONE, row[5]);
  }
}
