package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.sys.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bpf backend mounts tracefs where it is missing (README: "tracefs, which tailor mounts when
 * missing"). Checked in a private mount namespace with tracefs unmounted, so the machine's own
 * mount, which other tracers may be using, is never touched.
 */
class TracefsTest {
  @Test
  void ensureTracefs_whereItIsNotMounted_mountsIt() throws Exception {
    assumeTrue(LibC.INSTANCE.geteuid() == 0, "mounting needs root");
    assumeTrue(Commands.onPath("unshare").isPresent(), "util-linux unshare is not installed");
    String tracing = BpfBackend.TRACEFS.get(0).toString();
    String debug = BpfBackend.TRACEFS.get(1).toString();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String script = "umount " + tracing + " 2>/dev/null; umount " + debug + " 2>/dev/null; "
        + "if test -d " + tracing + "/events/raw_syscalls || test -d " + debug + "/events/raw_syscalls; then echo still-mounted; exit 3; fi; "
        + "exec \"$0\" -cp \"$1\" " + TracefsProbe.class.getName();
    Process p = new ProcessBuilder(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script, java,
        System.getProperty("java.class.path"))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertEquals("mounted\n", out);
  }
}
