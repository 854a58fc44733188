package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.backend.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the workload starts (issue 18 items 2 and 3): a slow program on the way to the command
 * (a fake setsid or setpriv earlier on PATH) must neither add the wrapper's calls to the profile
 * nor open a window in which a signal to tailor kills tailor and orphans the workload.
 */
class WorkloadStartTest {
  @TempDir Path tmp;

  private static void needBpf() {
    java.util.Optional<String> why = dev.tailor.tracer.bpf.BpfBackend.unavailable();
    assumeTrue(why.isEmpty(), () -> "bpf backend: " + why.orElse(""));
  }

  /** A folder holding {@code name}: a sh script that runs {@code before}, then the real program. */
  private Path slowOnPath(String name, String before) throws Exception {
    Path real = Commands.onPath(name).orElseThrow(() -> new AssertionError(name + " is not installed"));
    Path dir = tmp.resolve("fake-" + name);
    Files.createDirectories(dir);
    Path fake = dir.resolve(name);
    Files.writeString(fake, "#!/bin/sh\n" + before + "\nexec " + real + " \"$@\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static Map<String, String> pathFirst(Path dir) {
    return Map.of("PATH", dir + ":" + System.getenv("PATH"));
  }

  @Test
  void bpf_setsidSlowToExecTheWrapper_noneOfTheWrappersCallsOrExecsAreLearned() throws Exception {
    needBpf();
    // setsid execs bash only once tailor has attached its programs and is releasing the wrapper
    // (its thread tailor-bpf-release runs), or after 5 s: where tailor waits for the wrapper
    // itself, it waits in vain and setsid goes on.
    Path fake = slowOnPath("setsid", "i=0; while [ $i -lt 100 ] && ! grep -qs '^tailor-bpf-rel' /proc/$PPID/task/*/comm; do "
        + "sleep 0.05; i=$((i+1)); done");
    Path out = tmp.resolve("out");
    List<String> cmd = TailorProcess.tailorCommand("learn", "--no-status", "--backend", "bpf", "--name", "t", "--out",
        out.toString(), "--", "/usr/bin/true");
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, pathFirst(fake));
    assertEquals(0, r.exit(), r.err());
    Recording rec = RecordingJson.read(out.resolve("t"));
    assertEquals(List.of("/usr/bin/true"), List.copyOf(rec.execs().keySet()), "only the command's own exec");
    Set<String> wrapperOnly = new TreeSet<>(rec.syscalls().keySet());
    wrapperOnly.retainAll(Set.of("getpeername", "getppid", "getpgrp", "dup2", "getpid", "rt_sigaction", "wait4"));
    assertEquals(Set.of(), wrapperOnly, "calls of bash and setsid, not of true: " + rec.syscalls().keySet());
  }
}
