package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.bpf.BpfBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's options, through the command line: generate's, the AppArmor ones, --debug,
 * --backend.
 */
class CliOptionsTest {
  private static final Path FF =
      TailorProcess.repo().resolve("tracer/src/test/resources/strace/ff");
  private static final Path GOLDEN =
      TailorProcess.repo().resolve("generator/src/test/resources/golden");

  @TempDir Path tmp;

  private static TailorProcess.Result inProcess(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new TailorProcess.Result(code, out.toString(), err.toString());
  }

  // ---- generate ----

  @Test
  void generate_ffFiles_takeEachPidFromTheName_inAnyOrder() throws Exception {
    List<String> files = List.of("ff.16385", "ff.16386", "ff.16387");
    TailorProcess.Result given =
        inProcess(
            "generate",
            "--no-resolve",
            "--name",
            "ff",
            "--out",
            tmp.resolve("a").toString(),
            FF.resolve(files.get(0)).toString(),
            FF.resolve(files.get(1)).toString(),
            FF.resolve(files.get(2)).toString());
    assertEquals(0, given.exit(), given.err());
    TailorProcess.Result reversed =
        inProcess(
            "generate",
            "--no-resolve",
            "--name",
            "ff",
            "--out",
            tmp.resolve("b").toString(),
            FF.resolve(files.get(2)).toString(),
            FF.resolve(files.get(1)).toString(),
            FF.resolve(files.get(0)).toString());
    assertEquals(0, reversed.exit(), reversed.err());
    for (String f : List.of("seccomp.json", "apparmor.profile", "recording.json")) {
      assertEquals(
          Files.readString(tmp.resolve("a/ff").resolve(f)),
          Files.readString(tmp.resolve("b/ff").resolve(f)),
          f);
    }
    Recording r = RecordingJson.read(tmp.resolve("a/ff"));
    assertEquals(3, r.processes(), "one process per file, by the pid in its name");
    assertEquals(0, r.unusedLines(), r.diagnostics().toString());
    assertEquals(List.of("/usr/bin/cat", "/usr/bin/sh"), List.copyOf(r.execs().keySet()));
    assertTrue(
        r.syscalls().containsKey("clone") && r.syscalls().get("exit_group").count() == 3,
        r.syscalls().toString());
  }

  @Test
  void ffPid_isTheNumericSuffix() {
    assertEquals(1234, GenerateCommand.ffPid(Path.of("trace.1234")));
    assertEquals(16385, GenerateCommand.ffPid(Path.of("/x/ff.16385")));
    assertEquals(0, GenerateCommand.ffPid(Path.of("trace.log")));
    assertEquals(0, GenerateCommand.ffPid(Path.of("trace.")));
    assertEquals(0, GenerateCommand.ffPid(Path.of("trace")));
    assertEquals(0, GenerateCommand.ffPid(Path.of("trace.12a4")));
    assertEquals(999_999_999, GenerateCommand.ffPid(Path.of("t.999999999")));
    assertEquals(0, GenerateCommand.ffPid(Path.of("t.1234567890")), "ten digits are no pid");
  }

  @Test
  void generate_strict_failsOnAnUnreadableLine_andWithoutItTheReportListsIt() throws Exception {
    Path log =
        Files.writeString(
            tmp.resolve("t.log"),
            "10 openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3</etc/hostname>\n10 this is no call\n10 exit_group(0) = ?\n");
    TailorProcess.Result strict =
        inProcess(
            "generate",
            "--strict",
            "--no-resolve",
            "--out",
            tmp.resolve("s").toString(),
            log.toString());
    assertEquals(1, strict.exit(), strict.err());
    assertTrue(
        strict.err().startsWith("tailor: 1 trace lines could not be read (first: " + log + ":2 "),
        strict.err());
    assertTrue(strict.err().trim().endsWith("drop --strict to skip them"), strict.err());
    assertFalse(Files.exists(tmp.resolve("s/t")), "no profile with --strict");

    TailorProcess.Result lenient =
        inProcess("generate", "--no-resolve", "--out", tmp.resolve("l").toString(), log.toString());
    assertEquals(0, lenient.exit(), lenient.err());
    String report = Files.readString(tmp.resolve("l/t/report.md"));
    assertTrue(report.contains("## Unused trace lines\n\n- `" + log + ":2` "), report);
  }

  @Test
  void generate_noResolve_keepsTheLogsPaths_otherwiseSymlinksAreResolvedHere() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real")).resolve("prog");
    Files.writeString(real, "#!/bin/sh\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    Path log =
        Files.writeString(
            tmp.resolve("exec.log"),
            "10 execve(\""
                + link
                + "\", [\"link\"], 0x7ffd /* 1 var */) = 0\n10 exit_group(0) = ?\n");
    assertEquals(
        0,
        inProcess("generate", "--no-resolve", "--out", tmp.resolve("n").toString(), log.toString())
            .exit());
    assertEquals(
        List.of(link.toString()),
        List.copyOf(RecordingJson.read(tmp.resolve("n/exec")).execs().keySet()));
    assertEquals(
        0, inProcess("generate", "--out", tmp.resolve("r").toString(), log.toString()).exit());
    assertEquals(
        List.of(real.toString()),
        List.copyOf(RecordingJson.read(tmp.resolve("r/exec")).execs().keySet()));
  }

  // ---- --apparmor-mode, --exec-mode, --attach-path ----

  private static final String[] SHAPED = {
    "--apparmor-mode", "enforce", "--exec-mode", "px", "--attach-path", "/usr/bin/dash"
  };

  private static void assertShaped(String profile, String name) {
    assertTrue(
        profile.contains("\nprofile " + name + " \"/usr/bin/dash\" {\n"),
        "attached, enforce mode:\n" + profile);
    assertFalse(profile.contains("flags=(complain)"), profile);
    assertTrue(
        profile.lines().anyMatch(l -> l.matches("  (owner )?\"/usr/bin/[a-z]+\" r?px,")),
        "programs run with px:\n" + profile);
    assertFalse(profile.lines().anyMatch(l -> l.matches(".* r?ix,")), profile);
  }

  @Test
  void apparmorOptions_shapeWhatGenerateAndMergeWrite() throws Exception {
    Path log = GOLDEN.resolve("shell-redirect/trace.strace");
    List<String> gen =
        new ArrayList<>(
            List.of("generate", "--no-resolve", "--name", "g", "--out", tmp.toString()));
    gen.addAll(List.of(SHAPED));
    gen.add(log.toString());
    TailorProcess.Result g = inProcess(gen.toArray(String[]::new));
    assertEquals(0, g.exit(), g.err());
    String generated = Files.readString(tmp.resolve("g/apparmor.profile"));
    assertShaped(generated, "g");

    List<String> merge = new ArrayList<>(List.of("merge", "--name", "m", "--out", tmp.toString()));
    merge.addAll(List.of(SHAPED));
    merge.add(tmp.resolve("g").toString());
    TailorProcess.Result m = inProcess(merge.toArray(String[]::new));
    assertEquals(0, m.exit(), m.err());
    String merged = Files.readString(tmp.resolve("m/apparmor.profile"));
    assertShaped(merged, "m");

    TailorProcess.Result cx =
        inProcess(
            "generate",
            "--no-resolve",
            "--name",
            "c",
            "--exec-mode",
            "cx",
            "--out",
            tmp.toString(),
            log.toString());
    assertEquals(0, cx.exit(), cx.err());
    String child = Files.readString(tmp.resolve("c/apparmor.profile"));
    assertTrue(
        child.matches(
            "(?s).*\"/usr/bin/[a-z]+\" r?cx -> [a-z]+,.*\n  profile [a-z]+ flags=\\(complain\\) \\{\n.*"),
        child);
    ParserCheck.assertParse(List.of(generated, merged, child));
  }

  @Test
  void apparmorOptions_shapeWhatLearnWrites() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    List<String> learn =
        new ArrayList<>(List.of("learn", "--no-status", "--name", "l", "--out", tmp.toString()));
    learn.addAll(List.of(SHAPED));
    learn.addAll(List.of("--", "sh", "-c", "cat /etc/hostname; true"));
    TailorProcess.Result r = TailorProcess.tailor(tmp, learn.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    String profile = Files.readString(tmp.resolve("l/apparmor.profile"));
    assertShaped(profile, "l");
    ParserCheck.assertParse(List.of(profile));
  }

  // ---- --debug ----

  @Test
  void debug_addsTheStackTrace_withoutItTheErrorIsOneLine() {
    String missing = tmp.resolve("missing.log").toString();
    TailorProcess.Result plain = inProcess("generate", "--out", tmp.toString(), missing);
    assertEquals(1, plain.exit());
    assertEquals(
        "tailor: " + missing + ": no such file; give strace logs written with -o\n", plain.err());
    TailorProcess.Result debug = inProcess("generate", "--debug", "--out", tmp.toString(), missing);
    assertEquals(1, debug.exit());
    assertTrue(debug.err().startsWith("tailor: " + missing + ": no such file"), debug.err());
    assertTrue(
        debug.err().contains("CommandException")
            && debug.err().contains("\tat dev.tailor.cli.GenerateCommand"),
        debug.err());

    TailorProcess.Result check =
        inProcess("check", "--debug", "--profile", tmp.resolve("none").toString(), missing);
    assertEquals(2, check.exit());
    assertTrue(check.err().contains("\tat dev.tailor.cli.CheckCommand"), check.err());
  }

  @Test
  void debug_onLearn_addsTheStackTrace() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    TailorProcess.Result plain =
        TailorProcess.tailor(tmp, "learn", "--pid", "999999999", "--out", tmp.toString());
    assertEquals(125, plain.exit());
    assertFalse(plain.err().contains("\tat "), plain.err());
    TailorProcess.Result debug =
        TailorProcess.tailor(
            tmp, "learn", "--debug", "--pid", "999999999", "--out", tmp.toString());
    assertEquals(125, debug.exit());
    assertTrue(
        debug.err().contains("no such process: 999999999")
            && debug.err().contains("\tat dev.tailor."),
        debug.err());
  }

  // ---- --backend ----

  @Test
  void backend_auto_saysWhichItUses() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    Optional<String> why = BpfBackend.unavailable();
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--backend",
            "auto",
            "--name",
            "a",
            "--out",
            tmp.toString(),
            "--",
            "/bin/true");
    assertEquals(0, r.exit(), r.err());
    String expected =
        why.isEmpty()
            ? "tailor: --backend auto: using bpf (root, and the kernel has BTF)\n"
            : "tailor: --backend auto: using strace, because " + why.get() + "\n";
    assertTrue(r.err().startsWith(expected), r.err());
    assertEquals(why.isEmpty(), usedBpf(tmp.resolve("a")));
  }

  @Test
  void backend_auto_withoutBash_fallsBackToStraceAndSaysWhy() throws Exception {
    Optional<Path> strace = dev.tailor.tracer.backend.Commands.onPath("strace");
    assumeTrue(strace.isPresent(), "strace is not installed");
    // PATH holds strace and nothing else: no bash to start the workload under the bpf backend.
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("strace"), strace.get());
    TailorProcess.Result r =
        TailorProcess.run(
            TailorProcess.tailorCommand(
                "learn",
                "--no-status",
                "--backend",
                "auto",
                "--name",
                "s",
                "--out",
                tmp.toString(),
                "--",
                "/bin/true"),
            tmp,
            Map.of("PATH", bin.toString()));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().startsWith("tailor: --backend auto: using strace, because "), r.err());
    assertTrue(
        r.err().lines().findFirst().orElse("").contains("bash") || r.err().contains("root"),
        r.err());
    assertFalse(usedBpf(tmp.resolve("s")));
  }

  @Test
  void backend_bpf_tracesInTheKernel() throws Exception {
    Optional<String> why = BpfBackend.unavailable();
    assumeTrue(why.isEmpty(), () -> "the bpf backend cannot run here: " + why.orElse(""));
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--backend",
            "bpf",
            "--name",
            "b",
            "--out",
            tmp.toString(),
            "--",
            "sh",
            "-c",
            "exit 4");
    assertEquals(4, r.exit(), r.err());
    assertTrue(usedBpf(tmp.resolve("b")));
    assertTrue(RecordingJson.read(tmp.resolve("b")).syscalls().containsKey("exit_group"));
  }

  @Test
  void backend_unknown_is125() throws Exception {
    TailorProcess.Result r = inProcess("learn", "--backend", "ebpf", "--", "/bin/true");
    assertEquals(125, r.exit());
    assertEquals("tailor: --backend ebpf: use strace, bpf or auto\n", r.err());
  }

  private static boolean usedBpf(Path folder) throws Exception {
    return RecordingJson.read(folder).warnings().stream()
        .anyMatch(w -> w.startsWith("traced in the kernel (bpf)"));
  }
}
