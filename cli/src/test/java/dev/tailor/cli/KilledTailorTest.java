package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing of tailor's outlives it, even after SIGKILL (issue 12 item 10). */
class KilledTailorTest {
  @TempDir Path tmp;

  /** Whether a process exists and is not a zombie waiting to be reaped. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Long> children(long pid) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        for (String c : Files.readString(t.resolve("children")).trim().split(" +")) {
          if (!c.isEmpty()) {
            out.add(Long.parseLong(c));
          }
        }
      }
    }
    return out;
  }

  private static String status(long pid, String field) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith(field + ":"))
        .findFirst()
        .orElse("")
        .substring(field.length() + 1)
        .trim();
  }

  @Test
  void learn_tailorKilled_straceEndsAndNoTemporaryFolderIsLeft() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    Path privateTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    Path ready = tmp.resolve("ready");
    List<String> cmd =
        TailorProcess.tailorCommand(
            List.of("-Djava.io.tmpdir=" + privateTmp),
            "learn",
            "--no-status",
            "--out",
            tmp.resolve("out").toString(),
            "--",
            "sh",
            "-c",
            "echo $$ > " + ready + "; exec sleep 600");
    Process tailor =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long workload = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(Files.exists(ready) && Files.readString(ready).endsWith("\n"))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(Files.exists(ready), Files.readString(tmp.resolve("log")));
      // tailor removes its trace folder once both ends of the FIFO are open, on its reader thread,
      // which need not have run by the time the workload wrote its pid: wait for that too.
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!tailorFolders(privateTmp).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      workload = Long.parseLong(Files.readString(ready).trim());
      List<Long> tracers = children(tailor.pid());
      assertEquals(1, tracers.size(), "strace is tailor's one child: " + tracers);
      long strace = tracers.get(0);
      tailor.destroyForcibly();
      assertTrue(tailor.waitFor(60, TimeUnit.SECONDS));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (running(strace) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(running(strace), "strace outlived tailor");
      assertEquals(
          List.of(), tailorFolders(privateTmp), "tailor's private trace folder outlived it");
      // As the README says: the workload is detached and runs on, untraced.
      assertTrue(running(workload));
      assertEquals("0", status(workload, "TracerPid"));
    } finally {
      tailor.destroyForcibly();
      if (workload > 0) {
        ProcessHandle.of(workload).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static List<Path> tailorFolders(Path dir) throws IOException {
    try (Stream<Path> in = Files.list(dir)) {
      return in.filter(p -> p.getFileName().toString().startsWith("tailor-")).toList();
    }
  }
}
