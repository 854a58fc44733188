package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainTest {
  @ParameterizedTest
  @ValueSource(strings = {"learn", "generate", "merge", "check", "enforce", "export"})
  void help_ofEverySubcommand_printsUsageAndExitsZero(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(new String[] {command, "--help"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().startsWith("Usage: tailor " + command), out.toString());
  }

  @org.junit.jupiter.api.Test
  void commandLine_namingASubcommand_buildsThatOneOnly_underItsOwnName() {
    CommandLine all = Main.commandLine(new String[0]);
    assertEquals(9, all.getSubcommands().size(), all.getSubcommands().keySet().toString());
    for (String name : all.getSubcommands().keySet()) {
      CommandLine one = Main.commandLine(new String[] {name, "--help"});
      assertEquals(java.util.List.of(name), java.util.List.copyOf(one.getSubcommands().keySet()));
    }
    assertEquals(9, Main.commandLine(new String[] {"lern"}).getSubcommands().size());
  }

  @org.junit.jupiter.api.Test
  void help_listsEverySubcommand_andAnUnknownOneIsAUsageError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(err)),
        err.toString());
    for (String name :
        new String[] {
          "learn",
          "generate",
          "merge",
          "check",
          "enforce",
          "runtime-base",
          "hook",
          "export",
          "observe"
        }) {
      assertTrue(out.toString().contains("\n  " + name + " "), name + " in " + out);
    }
    err = new StringWriter();
    assertEquals(
        Main.EXIT_USAGE,
        Main.run(
            new String[] {"lern", "x"}, new PrintWriter(new StringWriter()), new PrintWriter(err)));
    assertTrue(err.toString().contains("'lern'"), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"generate", "merge"})
  void unknownOption_isAUsageError(String command) {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {command, "--bogus", "x"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertEquals(Main.EXIT_USAGE, code);
    assertTrue(err.toString().startsWith("tailor: Unknown option: '--bogus'"), err.toString());
  }

  private static int run(StringWriter err, String... args) {
    return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--bogus",
        "--apparmor-mode=strict",
        "--exec-mode=zz",
        "--attach-path=relative",
        "--name=a/b",
        "--backend=x",
        "--duration=5s"
      })
  void learn_everyUsageError_exits125AsTheReadmeSays(String option) {
    StringWriter err = new StringWriter();
    int code = run(err, "learn", "--no-status", option, "--", "true");
    assertEquals(Main.EXIT_TAILOR_FAILED, code, err.toString());
    assertTrue(err.toString().startsWith("tailor: "), err.toString());
  }

  @org.junit.jupiter.api.Test
  void learn_badRuntime_isToldBeforeTheCommandRuns(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path ran = tmp.resolve("ran");
    StringWriter err = new StringWriter();
    int code =
        run(
            err,
            "learn",
            "--no-status",
            "--backend=strace",
            "--runtime=runc,bogus",
            "--out",
            tmp.resolve("out").toString(),
            "--",
            "touch",
            ran.toString());
    assertEquals(Main.EXIT_TAILOR_FAILED, code, err.toString());
    assertTrue(err.toString().startsWith("tailor: --runtime bogus: use "), err.toString());
    assertTrue(!java.nio.file.Files.exists(ran), "the command ran before the error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus", "--apparmor-mode=strict", "--exec-mode=zz", "--name=a/b"})
  void generate_everyUsageError_exits2(String option) {
    StringWriter err = new StringWriter();
    assertEquals(Main.EXIT_USAGE, run(err, "generate", option, "x.log"), err.toString());
  }

  @org.junit.jupiter.api.Test
  void generate_outOfMemory_exitsOneAsTheReadmeSays(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path log = tmp.resolve("big.log");
    try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(log)) {
      for (int i = 0; i < 150_000; i++) {
        String p = "/srv/d" + (i / 50) + "/file-with-a-longish-name-" + i + ".txt";
        w.write("7 openat(AT_FDCWD, \"" + p + "\", O_RDONLY) = 3<" + p + ">\n");
      }
    }
    java.util.List<String> cmd =
        TailorProcess.tailorCommand(
            java.util.List.of("-Xmx24m"),
            "generate",
            "--no-resolve",
            "--out",
            tmp.resolve("out").toString(),
            log.toString());
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, java.util.Map.of());
    assertTrue(r.err().startsWith("tailor: out of memory"), r.err());
    assertEquals(1, r.exit(), r.err());
  }

  @org.junit.jupiter.api.Test
  void nativePartCannotBeUnpacked_isOneClearLine(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path log =
        java.nio.file.Files.writeString(tmp.resolve("t.log"), "7 getpid() = 7\n");
    // A temporary folder JNA cannot create: its parent is a plain file.
    java.nio.file.Path plain = java.nio.file.Files.writeString(tmp.resolve("plain"), "");
    java.util.List<String> cmd =
        TailorProcess.tailorCommand(
            java.util.List.of("-Djna.tmpdir=" + plain.resolve("jna")),
            "generate",
            "--out",
            tmp.resolve("out").toString(),
            log.toString());
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, java.util.Map.of());
    assertEquals(1, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("tailor: cannot load JNA's native part"), r.err());
    assertTrue(!r.err().contains("Exception") && !r.err().contains("Error"), r.err());
  }

  @org.junit.jupiter.api.Test
  void outOfMemory_handedOnAsACause_isThrownAsItself() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    RuntimeException wrapped =
        new IllegalStateException(
            "reading the trace failed", new RuntimeException("recorder failed", oom));
    assertEquals(
        oom,
        org.junit.jupiter.api.Assertions.assertThrows(
            OutOfMemoryError.class, () -> Main.rethrowOutOfMemory(wrapped)));
    Main.rethrowOutOfMemory(new IllegalStateException("no", new RuntimeException("cause")));
  }

  @org.junit.jupiter.api.Test
  void aBackgroundThreadThatDies_saysSoInOneLine_butNotWhenOutOfMemory() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = new java.io.PrintStream(bytes, true);
    dieIn("tailor-status", new IllegalStateException("broken"), err);
    dieIn("tailor-warm-up", new OutOfMemoryError("Java heap space"), err);
    assertEquals(
        "tailor: internal error in thread tailor-status: java.lang.IllegalStateException: broken\n",
        bytes.toString());
  }

  /** Runs a thread called {@code name} that throws {@code e}, under tailor's handler. */
  private static void dieIn(String name, Throwable e, java.io.PrintStream err)
      throws InterruptedException {
    Thread t =
        new Thread(
            () -> {
              if (e instanceof Error x) {
                throw x;
              }
              throw (RuntimeException) e;
            },
            name);
    t.setUncaughtExceptionHandler(Main.backgroundFailures(err));
    t.start();
    t.join();
  }
}
