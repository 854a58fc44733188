package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.StraceBackend;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #18 item 1: a cut line is never a rule. A real strace log (tailor's own options) has each
 * line cut at many places in turn, the rest left whole; every fact the cut log's recording holds
 * (syscall, errno, path access, socket, exec, capability, argument value) must be one the whole
 * log's recording holds, and the cut line must be counted as unused.
 */
class CutLinesTest {
  @TempDir Path tmp;

  @Test
  void generate_issueLines_cutResultsAndDecorationsGiveNoRule() throws IOException {
    String log =
        "1 openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3</\n"
            + "1 reboot(0xfee1dead, 0x28121969, 0x1234567) = \n"
            + "1 openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1 EAC\n"
            + "1 kexec_load(0, 0, 0, 0) = -\n"
            + "1 exit_group(0) = ?\n"
            + "1 +++ exited with 0 +++\n";
    Recording r = record(log);
    assertEquals(Set.of("exit_group"), r.syscalls().keySet());
    assertEquals(Set.of(), r.files().keySet());
    assertEquals(Set.of(), r.capabilities().keySet());
    assertEquals(4, r.unusedLines());
  }

  /**
   * A call strace saw start but never end (the log cut between its halves, or the thread killed
   * inside it) is counted, as it was made, but says nothing about the paths it named: the cut log
   * that CI once made of {@code access("/etc/ld.so.preload") = -1 ENOENT} must not allow the file.
   */
  @Test
  void generate_callsWhoseResultWasNeverSeen_countButNameNoPath() throws IOException {
    String log =
        "1 access(\"/etc/ld.so.preload\", R_OK <unfinished ...>\n"
            + "2 mkdir(\"/tmp/made\", 0700 <unfinished ...>\n"
            + "2 +++ killed by SIGKILL +++\n"
            + "3 unlink(\"/tmp/gone\") = ?\n";
    Recording r = record(log);
    assertEquals(Set.of("access", "mkdir", "unlink"), r.syscalls().keySet());
    assertEquals(Set.of(), r.files().keySet());
  }

  @Test
  void generate_everyLineOfARealLogCutAnywhere_neverWidensTheRecording() throws Exception {
    assumeTrue(Commands.onPath("strace").isPresent(), "strace not installed");
    Path out = tmp.resolve("w");
    Files.createDirectories(out);
    Path log = tmp.resolve("trace.log");
    List<String> argv = new ArrayList<>(List.of("strace"));
    argv.addAll(StraceBackend.traceOptions());
    // dash's builtins, two small programs and a child: a few hundred lines of every common form
    argv.addAll(
        List.of(
            "-o",
            log.toString(),
            "/bin/dash",
            "-c",
            "cat /etc/hostname > "
                + out
                + "/copy; cat /nonexistent 2>/dev/null; umask 022; cd "
                + out
                + "; "
                + "ln -s /etc/hostname link; cat link >/dev/null; (exit 3) & wait"));
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("out").toFile())
            .start();
    assertEquals(0, p.waitFor(), () -> "strace failed: " + read(tmp.resolve("out")));
    String whole = Files.readString(log, StandardCharsets.ISO_8859_1);
    Recording full = record(whole);
    assertEquals(0, full.unusedLines(), () -> full.diagnostics().toString());
    Set<String> allowed = facts(full);

    String[] lines = whole.split("\n", -1);
    int mutants = 0;
    List<String> widened = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int len = line.length();
      if (!seen.add(line.substring(line.indexOf(' ') + 1))) {
        continue; // the same call in another process: cut already
      }
      int result = line.lastIndexOf(") = ");
      for (int cut = 1; cut < len; cut++) {
        // every place in a call's result (its decorations, its error text), every 11th before
        if ((result < 0 || cut < result) && cut % 29 != 0) {
          continue;
        }
        StringBuilder b = new StringBuilder(whole.length());
        for (int k = 0; k < lines.length; k++) {
          if (k > 0) {
            b.append('\n');
          }
          b.append(k == i ? line.substring(0, cut) : lines[k]);
        }
        Recording r = record(b.toString());
        mutants++;
        Set<String> extra = new TreeSet<>(facts(r));
        extra.removeAll(allowed);
        if (!extra.isEmpty()) {
          widened.add("line " + (i + 1) + " cut to [" + line.substring(0, cut) + "]: " + extra);
        }
      }
    }
    assertTrue(mutants > 1000, mutants + " mutants");
    System.out.println("CutLinesTest: " + lines.length + " lines, " + mutants + " mutants");
    assertEquals(
        List.of(),
        widened.subList(0, Math.min(20, widened.size())),
        widened.size() + " of " + mutants + " mutants");

    // The log cut short anywhere (a killed tracer, a truncated file): never more than the whole.
    for (int end = 1; end < whole.length(); end += 97) {
      Set<String> extra = new TreeSet<>(facts(record(whole.substring(0, end))));
      extra.removeAll(allowed);
      assertEquals(Set.of(), extra, "log cut after byte " + end);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static Recording record(String text) throws IOException {
    Recorder r =
        new Recorder(
            "run", "cut", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/"));
    new TraceParser(r, 0, Recorder::detail)
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("cut", "x86_64");
  }

  /** Every fact of a recording a profile is written from, one string each. */
  private static Set<String> facts(Recording r) {
    Set<String> f = new TreeSet<>();
    r.syscalls()
        .forEach(
            (name, use) -> {
              // No "succeeds": a recording counts calls and failures, and a call strace saw start
              // but never return (left unfinished by the cut) is counted and did not fail.
              f.add("syscall " + name);
              use.errors().keySet().forEach(e -> f.add("syscall " + name + " fails with " + e));
            });
    r.files()
        .forEach(
            (path, use) -> {
              use.accesses().forEach(a -> f.add("file " + path + " " + a));
              use.failures()
                  .forEach((errno, kinds) -> f.add("file " + path + " fails with " + errno));
            });
    r.sockets().keySet().forEach(s -> f.add("socket " + s));
    r.execs().keySet().forEach(e -> f.add("exec " + e));
    r.capabilities().keySet().forEach(c -> f.add("capability " + c));
    r.arguments()
        .forEach(
            (key, use) -> use.values().keySet().forEach(v -> f.add("argument " + key + " = " + v)));
    return f;
  }
}
