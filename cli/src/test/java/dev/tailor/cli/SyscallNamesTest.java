package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** strace prints syscalls it has no name for as syscall_0xNNN; libseccomp names them. */
class SyscallNamesTest {
  @Test
  void numericSyscall_isNamedThroughLibseccomp() throws Exception {
    assumeTrue(Arch.current().equals("x86_64"), "the numbers below are x86_64's");
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, SyscallNames.resolver(), Optional.of("/"));
    new TraceParser(r)
        .parse(
            new ByteArrayInputStream(
                ("7 syscall_0x1b3(0x7ffd, 0x58, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)\n"
                        + "7 syscall_0x7fff(0) = -1 ENOSYS (Function not implemented)\n")
                    .getBytes(StandardCharsets.US_ASCII)));
    Recording rec = r.toRecording("t", "x86_64");
    assertTrue(rec.syscalls().containsKey("clone3"), rec.syscalls().keySet().toString());
    assertEquals(1, rec.syscalls().get("clone3").errors().get("ENOSYS"));
    assertTrue(
        rec.syscalls().containsKey("syscall_0x7fff"),
        "a number libseccomp cannot name stays as it was");
  }
}
