package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hook that cannot finish (here: a runtime that never closes its stdin) ends by itself before the
 * runtime's 30 s hook timeout, refusing the container with a line in its log, instead of being
 * killed with no line anywhere.
 */
class HookDeadlineTest {
  @TempDir Path tmp;

  @Test
  void applyThatCannotFinish_refusesWithALogLine_beforeTheRuntimesTimeout() throws Exception {
    Path log = tmp.resolve("apply.log");
    Process p =
        new ProcessBuilder(
                TailorProcess.tailorCommand(
                    "hook",
                    "apply",
                    "--store",
                    tmp.resolve("store").toString(),
                    "--log",
                    log.toString()))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("out").toFile())
            .start();
    try {
      // stdin stays open: the hook waits for a config that never ends.
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the hook never ended by itself");
      assertEquals(1, p.exitValue(), Files.readString(tmp.resolve("out")));
      assertTrue(
          Files.readString(log)
              .contains(
                  "tailor: hook apply: not done "
                      + HookDeadline.BUDGET.toSeconds()
                      + " s after its start"),
          Files.readString(log));
      assertTrue(
          HookDeadline.BUDGET.toSeconds() < 30,
          "must end before podman's and the hook file's 30 s");
    } finally {
      p.getOutputStream().close();
      TailorProcess.killTree(p);
    }
  }

  @Test
  void learnHookFile_givesTheTracersJvmAndAttachTimeOnALoadedMachine() throws Exception {
    Path hooks = tmp.resolve("hooks.d");
    TailorProcess.Result r =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "hook",
                "install",
                "--no-apply",
                "--launcher",
                Containers.launcher(Files.createDirectories(tmp.resolve("bin"))).toString(),
                "--hooks-dir",
                hooks.toString(),
                "--store",
                tmp.resolve("store").toString()),
            tmp,
            java.util.Map.of());
    assertEquals(0, r.exit(), r.err());
    String learn = Files.readString(hooks.resolve("tailor-learn.json"));
    // Two JVM starts and strace's attach took more than 30 s on a loaded 2-core machine ("hook ran
    // past
    // specified timeout of 30.0s"): the learn hook's file gives it 120 s, and the hook ends 5 s
    // before.
    assertTrue(learn.replace(" ", "").contains("\"timeout\":120"), learn);
    assertEquals(115, HookDeadline.LEARN_BUDGET.toSeconds());
  }
}
