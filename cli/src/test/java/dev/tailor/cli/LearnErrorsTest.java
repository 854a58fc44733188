package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure of learn gives one clear line and the exit code docker run would. */
class LearnErrorsTest {
  @TempDir Path tmp;

  private static String oneLine(String err) {
    List<String> tailorLines = err.lines().filter(l -> l.startsWith("tailor: ")).toList();
    assertEquals(1, tailorLines.size(), err);
    return tailorLines.get(0);
  }

  @Test
  void learn_commandNotFound_exits127() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    TailorProcess.Result r =
        TailorProcess.tailor(tmp, "learn", "--out", tmp.toString(), "--", "no-such-command-xyz");
    assertEquals(127, r.exit());
    assertTrue(oneLine(r.err()).contains("no-such-command-xyz: command not found"), r.err());
    assertTrue(
        Files.notExists(tmp.resolve("no-such-command-xyz")),
        "no profile for a command that never ran");
  }

  @Test
  void learn_fileThatIsNotAProgram_exits126() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    Path notProgram = Files.writeString(tmp.resolve("data.txt"), "just text\n");
    notProgram.toFile().setExecutable(true);
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--out", tmp.resolve("out").toString(), "--", notProgram.toString());
    assertEquals(126, r.exit(), r.err());
    assertTrue(oneLine(r.err()).contains("cannot run"), r.err());
  }

  @Test
  void learn_straceMissing_saysHowToInstall() throws Exception {
    Path emptyBin = Files.createDirectories(tmp.resolve("bin"));
    TailorProcess.Result r =
        TailorProcess.run(
            TailorProcess.tailorCommand("learn", "--out", tmp.toString(), "--", "/bin/true"),
            tmp,
            Map.of("PATH", emptyBin.toString()));
    assertEquals(125, r.exit());
    assertTrue(oneLine(r.err()).contains("apt-get install strace"), r.err());
  }

  @Test
  void learn_outputFolderNotWritable_failsBeforeTracing() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--out", file.resolve("sub").toString(), "--", "/bin/true");
    assertEquals(125, r.exit());
    assertTrue(oneLine(r.err()).contains("--out"), r.err());
  }

  @Test
  void learn_ptraceNotPermitted_explainsWhy() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    // Run tailor under a seccomp profile that allows everything but ptrace: strace cannot trace.
    Path profile =
        Files.writeString(
            tmp.resolve("no-ptrace.json"),
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
    List<String> cmd =
        new ArrayList<>(
            TailorProcess.tailorCommand("enforce", "--seccomp", profile.toString(), "--"));
    cmd.addAll(
        TailorProcess.tailorCommand(
            "learn", "--out", tmp.resolve("out").toString(), "--", "/bin/true"));
    TailorProcess.Result r = TailorProcess.run(cmd, tmp, Map.of());
    assertEquals(125, r.exit(), r.err());
    assertTrue(oneLine(r.err()).contains("CAP_SYS_PTRACE"), r.err());
  }

  @Test
  void learn_workloadWritingIntoTheTraceFifo_isRefused() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    // The workload finds the FIFO of the tailor that traces it and writes a fake call into it. Its
    // name is gone once the trace is open, so it goes through its own tracer's fds (strace and its
    // parent, tailor); it touches no other tailor's FIFO on the machine.
    String inject =
        "import glob, os\n"
            + "def field(pid, name):\n"
            + "    for line in open('/proc/%s/status' % pid):\n"
            + "        if line.startswith(name + ':'):\n"
            + "            return line.split()[1]\n"
            + "strace = field('self', 'TracerPid')\n"
            + "targets = []\n"
            + "for pid in (strace, field(strace, 'PPid')):\n"
            + "    for fd in glob.glob('/proc/%s/fd/*' % pid):\n"
            + "        try:\n"
            + "            if 'trace.fifo' in os.readlink(fd):\n"
            + "                targets.append(fd)\n"
            + "        except OSError:\n"
            + "            pass\n"
            + "for f in targets:\n"
            + "    try:\n"
            + "        fd = os.open(f, os.O_WRONLY | os.O_NONBLOCK)\n"
            + "    except OSError:\n"
            + "        continue\n"
            + "    os.write(fd, b'%d kexec_load(0, 0, 0, 0) = 0\\n' % os.getpid())\n"
            + "    os.close(fd)\n";
    Path out = tmp.resolve("out");
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--out", out.toString(), "--name", "evil", "--", "python3", "-c", inject);
    assertEquals(125, r.exit(), r.err());
    assertTrue(oneLine(r.err()).contains("cannot be trusted"), r.err());
    assertTrue(
        Files.notExists(out.resolve("evil/seccomp.json")), "no profile from a tampered trace");
  }

  @Test
  void learn_badName_isRefused() throws Exception {
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp, "learn", "--name", "../evil", "--out", tmp.toString(), "--", "/bin/true");
    assertEquals(125, r.exit());
    assertTrue(oneLine(r.err()).contains("--name"), r.err());
  }

  @Test
  void defaultName_comesFromCommandAndIsSafe() {
    assertEquals("python3-app", ProfileNames.fromCommand(List.of("python3", "app.py")));
    assertEquals(
        "sh-pipeline",
        ProfileNames.fromCommand(List.of("sh", "-e", "samples/pipeline/pipeline.sh")));
    assertEquals("ls", ProfileNames.fromCommand(List.of("/bin/ls", "-l")));
    assertEquals("a-b-c", ProfileNames.fromCommand(List.of("a b", "c\n\"*")));
    assertEquals("workload", ProfileNames.fromCommand(List.of("...")));
  }
}
