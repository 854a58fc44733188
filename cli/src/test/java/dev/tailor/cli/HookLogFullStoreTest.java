package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.deploy.apply.HookLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The hooks' log lines on a full store (a small tmpfs filled up): apply.log still gets every
 * refusal (from the reserve beside it), and once even the reserve is gone the line goes to the
 * kernel log, never nowhere.
 */
class HookLogFullStoreTest {
  @TempDir Path tmp;
  Path disk;

  @BeforeEach
  void mount() throws Exception {
    assumeTrue(
        ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "mounting a small tmpfs to fill up needs root");
    disk = Files.createDirectories(tmp.resolve("disk"));
    TailorProcess.Result m =
        TailorProcess.run(
            List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tailor-test", disk.toString()),
            tmp,
            Map.of());
    assertEquals(0, m.exit(), m.err());
  }

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      TailorProcess.run(List.of("umount", disk.toString()), tmp, Map.of());
    }
  }

  private static String apply(Path store, String profile) {
    HookApplyCommand c = new HookApplyCommand();
    c.in =
        new ByteArrayInputStream(
            ("{\"hostname\":\"c0ffee\",\"process\":{\"args\":[\"true\"]},"
                    + "\"annotations\":{\"io.tailor.profile\":\""
                    + profile
                    + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
    c.out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(c);
    cl.setErr(new PrintWriter(err));
    assertEquals(1, cl.execute("--store", store.toString()), err.toString());
    return err.toString();
  }

  /** Fills the disk with one file until a write finds no space. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      assertTrue(
          String.valueOf(e.getMessage()).contains("No space left"), String.valueOf(e.getMessage()));
    }
  }

  @Test
  void fullStore_refusalsStillReachApplyLog_thenTheKernelLog() throws Exception {
    Path store = Files.createDirectories(disk.resolve("store"));
    Path log = store.resolve(".tailor/logs/apply.log");
    apply(store, "first");
    assertTrue(Files.readString(log).contains("profile 'first'"));
    // The log ends at a page boundary, so the next line needs a new block of the disk.
    long size = Files.size(log);
    Files.writeString(
        log, "x".repeat((int) (8192 - size - 1)) + "\n", java.nio.file.StandardOpenOption.APPEND);
    fill(disk.resolve("filler"));

    String mark = "full-" + UUID.randomUUID().toString().substring(0, 8);
    apply(store, mark);
    assertTrue(
        Files.readString(log)
            .contains("profile '" + mark + "' (annotation io.tailor.profile) is not in the store"),
        "the refusal on a full store is not in apply.log");
    // Each line is whole: none was cut by the full disk.
    for (String l : Files.readString(log).split("\n")) {
      assertTrue(
          l.startsWith("x") || l.matches("\\d{4}-.*Z container c0ffee \\(true\\): tailor: .*"), l);
    }

    // Without the reserve (used up, or deleted) a full store sends the line to the kernel log.
    Files.delete(store.resolve(".tailor/logs/" + HookLog.RESERVE));
    fill(disk.resolve("filler2"));
    Files.writeString(
        log,
        "x".repeat((int) (4096 - Files.size(log) % 4096 - 1)) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    String kernelMark = "kmsg-" + UUID.randomUUID().toString().substring(0, 8);
    String err = apply(store, kernelMark);
    assertFalse(Files.readString(log).contains(kernelMark));
    TailorProcess.Result dmesg = TailorProcess.run(List.of("dmesg"), tmp, Map.of());
    assertTrue(
        dmesg.out().contains("cannot append to " + log)
            && dmesg.out().contains("profile '" + kernelMark + "'"),
        "not in the kernel log either; stderr: " + err);
  }
}
