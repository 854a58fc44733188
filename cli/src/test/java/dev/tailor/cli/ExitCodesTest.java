package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every row of the README's exit-code table, for real, and the table's own text. */
class ExitCodesTest {
  @TempDir static Path tmp;
  static Path allowAll;
  static Path profile;

  @BeforeAll
  static void profiles() throws Exception {
    allowAll =
        Files.writeString(tmp.resolve("allow-all.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
    // A profile folder for check and merge, from a committed strace log (no tracing needed).
    Path log =
        TailorProcess.repo()
            .resolve("generator/src/test/resources/golden/shell-redirect/trace.strace");
    TailorProcess.Result g =
        inProcess(
            "generate",
            "--no-resolve",
            "--name",
            "sh",
            "--out",
            tmp.resolve("p").toString(),
            log.toString());
    assertEquals(0, g.exit(), g.err());
    profile = tmp.resolve("p/sh");
  }

  private static TailorProcess.Result inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new TailorProcess.Result(code, out.toString(), err.toString());
  }

  private static TailorProcess.Result process(String... args) throws Exception {
    return TailorProcess.tailor(tmp, args);
  }

  private static void needStrace() {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
  }

  /** The rows as the README states them; the tests below check each code. */
  @Test
  void readme_exitCodeTable_saysWhatTheseTestsCheck() throws Exception {
    String readme = Files.readString(TailorProcess.repo().resolve("README.md"));
    String table =
        readme.substring(
            readme.indexOf("## Exit codes"),
            readme.indexOf("\n## ", readme.indexOf("## Exit codes") + 1));
    List<String> rows = table.lines().filter(l -> l.startsWith("| `")).toList();
    assertEquals(
        List.of(
            "| `learn`, `enforce` | the workload's own exit code (128+N when signal N killed it); 125 tailor failed (strace or "
                + "libseccomp missing, ptrace not permitted, output folder not writable, bad option); 126 the command cannot be run; "
                + "127 the command was not found |",
            "| `generate`, `merge` | 0 written; 1 failed; 2 usage error (bad option or argument) |",
            "| `check` | 0 inside the profile; 1 drift found or the checked command failed; 2 usage error (bad option, no profile "
                + "there); 125-127 as `learn` |",
            "| `runtime-base`, `hook install`, `hook uninstall` | 0 done; 1 failed; 2 usage error |",
            "| `hook learn`, `hook wait` | 0 always: a hook never stops a container from running (what went wrong is on stderr "
                + "and in the store's learn.log) |",
            "| `hook apply` | 0 config written (changed or passed through); 1 refused (the runtime does not start the container) |",
            "| `hook check` | 0 all good; 1 a problem found (each on stderr); 2 usage error |",
            "| `hook runc-create` | 0 config written (changed or left as it was); 1 refused (tailor-runc then does not run the real "
                + "runtime) |",
            "| `tailor-runc` | the real runtime's; 1 tailor refused the container; 125 tailor-runc cannot run (no runc, no tailor "
                + "launcher, itself as the runtime) |",
            "| `export` | 0 written; 1 failed (not a profile folder, a field the format cannot hold); 2 usage error |",
            "| `observe`, `observe status` | 0 the agent stopped after writing (SIGTERM, SIGINT), or an agent runs (status); "
                + "1 failed (cannot listen: another agent runs there, the socket path is too long), or no agent runs (status); "
                + "2 usage error |"),
        rows,
        "README's exit codes changed: change the tests with them");
    assertTrue(table.contains("A bad option is 125 for `learn` and `enforce`"), table);
  }

  @Test
  void containerCommands_exitCodesAsTheTableSays() throws Exception {
    assertEquals(2, inProcess("runtime-base", "podman").exit(), "not a runtime: usage");
    assertEquals(2, inProcess("runtime-base", "runc", "--runs", "0").exit());
    assertEquals(2, inProcess("export", "--format", "nope", tmp.toString()).exit());
    assertEquals(
        1, inProcess("export", "--format", "spo", tmp.resolve("not-a-profile").toString()).exit());
    assertEquals(2, inProcess("hook", "uninstall", "--nope").exit());
    assertEquals(
        1,
        inProcess("hook", "uninstall", "--hooks-dir", tmp.toString()).exit(),
        "nothing installed there");
    // The learn and wait hooks never fail a container start, whatever they are given.
    TailorProcess.Result learn =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "hook", "learn", "--store", tmp.resolve("store").toString()),
            tmp,
            Map.of());
    assertEquals(0, learn.exit(), learn.err());
    assertTrue(
        learn.err().contains("not JSON") || learn.err().contains("not a JSON object"), learn.err());
    TailorProcess.Result wait =
        TailorProcess.run(
            TailorProcess.tailorCommand("hook", "wait", "--store", tmp.resolve("store").toString()),
            tmp,
            Map.of());
    assertEquals(0, wait.exit(), wait.err());
    // apply refuses what it cannot read: the runtime then does not start the container.
    TailorProcess.Result apply =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "hook", "apply", "--store", tmp.resolve("store").toString()),
            tmp,
            Map.of());
    assertEquals(1, apply.exit(), apply.err());
    // check: a store with nothing wrong, a store with a problem, a bad option.
    assertEquals(
        0,
        inProcess(
                "hook", "check", "--store", Files.createDirectories(tmp.resolve("good")).toString())
            .exit());
    Files.writeString(tmp.resolve("good/bindings.json"), "{\"bindings\": [,]}");
    assertEquals(1, inProcess("hook", "check", "--store", tmp.resolve("good").toString()).exit());
    assertEquals(2, inProcess("hook", "check", "--bogus").exit());
    // runc-create refuses a bundle it cannot read; its 0 and tailor-runc's codes are
    // TailorRuncScriptTest's.
    TailorProcess.Result runc =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "hook",
                "runc-create",
                "--bundle",
                tmp.resolve("no-bundle").toString(),
                "--store",
                tmp.resolve("store").toString()),
            tmp,
            Map.of());
    assertEquals(1, runc.exit(), runc.err());
    assertTrue(runc.err().startsWith("tailor: tailor-runc: cannot read "), runc.err());
  }

  @Test
  void observe_exitCodesAsTheTableSays() throws Exception {
    Path store = tmp.resolve("observe-store");
    assertEquals(2, inProcess("observe", "--store", store.toString(), "--flush", "soon").exit());
    assertEquals(2, inProcess("observe", "status", "--nope").exit());
    // No agent has run for this store.
    assertEquals(1, inProcess("observe", "status", "--store", store.toString()).exit());
    // A socket path sockaddr_un cannot hold: the agent cannot listen.
    TailorProcess.Result longPath =
        inProcess(
            "observe",
            "--store",
            store.toString(),
            "--socket",
            tmp.resolve("x".repeat(120)).toString());
    assertEquals(1, longPath.exit());
    // The agent stops on SIGTERM after writing, with 0 (as systemd expects); status says it runs
    // meanwhile.
    Process agent =
        new ProcessBuilder(TailorProcess.tailorCommand("observe", "--store", store.toString()))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("agent.log").toFile())
            .start();
    try {
      assertTrue(
          NotifyWorkload.await(
              // the status file, written (atomically) after the socket listens: status reads it
              () ->
                  Files.exists(store.resolve(".tailor/observe.sock"))
                      && Files.exists(store.resolve(".tailor/observe.json")),
              java.time.Duration.ofSeconds(120)),
          "the agent did not listen");
      TailorProcess.Result status =
          TailorProcess.tailor(tmp, "observe", "status", "--store", store.toString());
      assertEquals(0, status.exit(), status.err());
      assertTrue(status.out().contains("0 containers in observe mode"), status.out());
      // A second agent on the same socket is refused.
      assertEquals(1, inProcess("observe", "--store", store.toString()).exit());
      agent.destroy();
      assertTrue(agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(0, agent.exitValue(), Files.readString(tmp.resolve("agent.log")));
    } finally {
      agent.destroyForcibly();
    }
  }

  // ---- learn ----

  @Test
  void learn_workloadsOwnCode() throws Exception {
    needStrace();
    TailorProcess.Result r =
        process(
            "learn",
            "--no-status",
            "--out",
            tmp.resolve("l").toString(),
            "--",
            "sh",
            "-c",
            "exit 3");
    assertEquals(3, r.exit(), r.err());
  }

  @Test
  void learn_workloadKilledBySignal_is128PlusN() throws Exception {
    needStrace();
    TailorProcess.Result r =
        process(
            "learn",
            "--no-status",
            "--out",
            tmp.resolve("l").toString(),
            "--",
            "sh",
            "-c",
            "kill -USR1 $$");
    assertEquals(128 + 10, r.exit(), r.err());
  }

  @Test
  void learn_badOption_is125() throws Exception {
    TailorProcess.Result r = process("learn", "--bogus", "--", "/bin/true");
    assertEquals(125, r.exit(), r.err());
    assertTrue(r.err().startsWith("tailor: Unknown option: '--bogus'"), r.err());
    assertEquals(125, process("learn", "--duration", "soon", "--pid", "1").exit());
  }

  @Test
  void learn_badAppArmorOption_is125BeforeTheWorkloadRuns() throws Exception {
    needStrace();
    for (String[] bad :
        List.of(
            new String[] {"--apparmor-mode", "strict"},
            new String[] {"--exec-mode", "ux"},
            new String[] {"--attach-path", "relative/bin"})) {
      List<String> args =
          new ArrayList<>(List.of("learn", "--no-status", "--out", tmp.resolve("l").toString()));
      args.addAll(List.of(bad));
      args.addAll(List.of("--", "sh", "-c", "echo ran"));
      TailorProcess.Result r = process(args.toArray(String[]::new));
      assertEquals(125, r.exit(), r.err());
      assertEquals("", r.out(), "the workload must not run: " + r.out());
      assertTrue(r.err().startsWith("tailor: " + bad[0] + " " + bad[1] + ": "), r.err());
    }
  }

  // 126 and 127 for learn: LearnErrorsTest.learn_fileThatIsNotAProgram_exits126,
  // learn_commandNotFound_exits127;
  // 125 for strace missing, ptrace, output folder: LearnErrorsTest.

  // ---- enforce ----

  @Test
  void enforce_workloadsOwnCode_and128PlusN() throws Exception {
    assertEquals(
        3, process("enforce", "--seccomp", allowAll.toString(), "--", "sh", "-c", "exit 3").exit());
    assertEquals(
        128 + 10,
        process("enforce", "--seccomp", allowAll.toString(), "--", "sh", "-c", "kill -USR1 $$")
            .exit());
  }

  @Test
  void enforce_badOption_is125() throws Exception {
    TailorProcess.Result r =
        process("enforce", "--bogus", "--seccomp", allowAll.toString(), "--", "/bin/true");
    assertEquals(125, r.exit(), r.err());
    TailorProcess.Result missing = process("enforce", "/bin/true");
    assertEquals(125, missing.exit(), missing.err());
    assertTrue(missing.err().contains("--seccomp"), missing.err());
  }

  // ---- generate, merge ----

  @Test
  void generate_zeroOneTwo() throws Exception {
    Path log =
        TailorProcess.repo().resolve("generator/src/test/resources/golden/temp-names/trace.strace");
    assertEquals(
        0, inProcess("generate", "--out", tmp.resolve("g").toString(), log.toString()).exit());
    TailorProcess.Result missing =
        inProcess(
            "generate", "--out", tmp.resolve("g").toString(), tmp.resolve("none.log").toString());
    assertEquals(1, missing.exit(), missing.err());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Path notTrace = Files.writeString(tmp.resolve("notes.txt"), "hello\n");
    assertEquals(
        1, inProcess("generate", "--out", tmp.resolve("g").toString(), notTrace.toString()).exit());
    assertEquals(2, inProcess("generate", "--bogus", log.toString()).exit());
    assertEquals(2, inProcess("generate").exit(), "no trace given");
    assertEquals(
        2,
        inProcess(
                "generate", "--name", "../x", "--out", tmp.resolve("g").toString(), log.toString())
            .exit());
    assertEquals(
        2,
        inProcess(
                "generate",
                "--apparmor-mode",
                "strict",
                "--out",
                tmp.resolve("g").toString(),
                log.toString())
            .exit());
  }

  @Test
  void merge_zeroOneTwo() throws Exception {
    assertEquals(
        0,
        inProcess(
                "merge",
                "--out",
                tmp.resolve("m").toString(),
                "--name",
                "m",
                profile.toString(),
                profile.toString())
            .exit());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    TailorProcess.Result r =
        inProcess("merge", "--out", tmp.resolve("m").toString(), empty.toString());
    assertEquals(1, r.exit(), r.err());
    assertEquals(2, inProcess("merge", "--bogus", profile.toString()).exit());
    assertEquals(
        2,
        inProcess(
                "merge", "--name", "a/b", "--out", tmp.resolve("m").toString(), profile.toString())
            .exit());
  }

  // ---- check ----

  @Test
  void check_noProfileThere_orBadOption_is2() throws Exception {
    TailorProcess.Result r =
        inProcess("check", "--profile", tmp.resolve("nothing").toString(), profile.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals(
        2,
        inProcess("check", "--bogus", "--profile", profile.toString(), profile.toString()).exit());
    assertEquals(2, inProcess("check", profile.toString()).exit(), "--profile is required");
  }

  @Test
  void check_zeroInside_oneDrift() throws Exception {
    assertEquals(0, inProcess("check", "--profile", profile.toString(), profile.toString()).exit());
    Path log =
        TailorProcess.repo()
            .resolve("generator/src/test/resources/golden/python-imports/trace.strace");
    TailorProcess.Result drift =
        inProcess("check", "--profile", profile.toString(), log.toString());
    assertEquals(1, drift.exit(), drift.out() + drift.err());
    assertTrue(drift.err().contains("tailor: drift from "), drift.err());
  }

  @Test
  void check_command_125To127AsLearn() throws Exception {
    needStrace();
    TailorProcess.Result notFound =
        process("check", "--profile", profile.toString(), "--", "no-such-command-xyz");
    assertEquals(127, notFound.exit(), notFound.err());
    Path notProgram = Files.writeString(tmp.resolve("data.bin"), "just text\n");
    assertTrue(notProgram.toFile().setExecutable(true));
    TailorProcess.Result cannotRun =
        process("check", "--profile", profile.toString(), "--", notProgram.toString());
    assertEquals(126, cannotRun.exit(), cannotRun.err());
    Path emptyBin = Files.createDirectories(tmp.resolve("empty-bin"));
    TailorProcess.Result noStrace =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "check", "--profile", profile.toString(), "--", "/bin/true"),
            tmp,
            Map.of("PATH", emptyBin.toString()));
    assertEquals(125, noStrace.exit(), noStrace.err());
    assertTrue(noStrace.err().contains("apt-get install strace"), noStrace.err());
  }

  // 1 when the checked command fails:
  // CheckDriftTest.check_checkedCommandFails_exitsOneEvenWithoutDrift.

  @Test
  void usageExitCode_125ForTheCommandsThatRunAWorkload_2Otherwise() {
    assertEquals(125, Main.usageExit("learn"));
    assertEquals(125, Main.usageExit("enforce"));
    for (String c : List.of("generate", "merge", "check", "tailor")) {
      assertEquals(2, Main.usageExit(c), c);
    }
    // in-process too, as picocli reports a bad option
    assertEquals(125, inProcess("learn", "--bogus").exit());
    assertEquals(125, inProcess("enforce", "--bogus").exit());
    assertEquals(2, inProcess("check", "--bogus").exit());
  }

  @Test
  void badOption_saysHowToGetHelp() {
    TailorProcess.Result r = inProcess("generate", "--bogus", "x.log");
    assertEquals("tailor: Unknown option: '--bogus'\nTry 'tailor generate --help'.\n", r.err());
  }

  /**
   * check on a command, in this JVM (strace is a child process): the codes PIT's mutants can see.
   */
  @Test
  void check_commandInProcess_failingIs1_insideIs0() throws Exception {
    needStrace();
    Path learned = tmp.resolve("inproc");
    assertEquals(
        0,
        inProcess(
                "learn",
                "--no-status",
                "--name",
                "t",
                "--out",
                learned.toString(),
                "--",
                "sh",
                "-c",
                "exit 0")
            .exit());
    assertEquals(
        0,
        inProcess("check", "--profile", learned.resolve("t").toString(), "--", "sh", "-c", "exit 0")
            .exit());
    TailorProcess.Result failed =
        inProcess(
            "check", "--profile", learned.resolve("t").toString(), "--", "sh", "-c", "exit 3");
    assertEquals(1, failed.exit(), failed.out() + failed.err());
    assertTrue(failed.err().contains("tailor: the checked command exited with 3"), failed.err());
    assertTrue(failed.err().contains("tailor: no drift: "), "no drift, yet 1: " + failed.err());
  }

  /**
   * README: everything after the command's first word is the command's, `learn ls -l` (here
   * in-process).
   */
  @Test
  void learn_optionsAfterTheCommand_belongToIt() throws Exception {
    needStrace();
    TailorProcess.Result r =
        inProcess(
            "learn",
            "--no-status",
            "--name",
            "ls",
            "--out",
            tmp.resolve("ls").toString(),
            "ls",
            "-d",
            "/");
    assertEquals(0, r.exit(), r.err());
  }

  @Test
  void tailor_badOptionOrCommand_is2() {
    assertEquals(2, inProcess("--bogus").exit());
    assertEquals(2, inProcess("unlearn").exit());
    assertFalse(inProcess("--version").err().contains("tailor: "));
  }
}
