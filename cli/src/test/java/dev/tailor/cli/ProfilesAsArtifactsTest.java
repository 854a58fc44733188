package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, merge, check and determinism on real recordings (issue #3). */
class ProfilesAsArtifactsTest {
  @TempDir static Path tmp;
  static Path script;
  static Path work;

  @BeforeAll
  static void workload() throws IOException {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    script = tmp.resolve("drift.py");
    try (InputStream in =
        ProfilesAsArtifactsTest.class.getResourceAsStream("/workloads/drift.py")) {
      Files.write(script, in.readAllBytes());
    }
    work = Files.createDirectories(tmp.resolve("work"));
  }

  private static TailorProcess.Result learn(Path out, String name, String mode) throws Exception {
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--out",
            out.toString(),
            "--name",
            name,
            "--",
            "python3",
            script.toString(),
            mode,
            work.toString());
    assertEquals(0, r.exit(), r.err());
    return r;
  }

  private static TailorProcess.Result check(Path profile, String mode) throws Exception {
    return TailorProcess.tailor(
        tmp,
        "check",
        "--profile",
        profile.toString(),
        "--",
        "python3",
        script.toString(),
        mode,
        work.toString());
  }

  private static List<String> driftLines(TailorProcess.Result r) {
    return r.err().lines().filter(l -> l.startsWith("  ")).map(String::trim).toList();
  }

  @Test
  void check_sameBehaviour_exitsZero() throws Exception {
    Path out = tmp.resolve("same");
    learn(out, "base", "base");
    TailorProcess.Result r = check(out.resolve("base"), "base");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("no drift"), r.err());
  }

  @Test
  void check_newFile_exitsOneAndNamesExactlyThatFile() throws Exception {
    Path out = tmp.resolve("newfile");
    learn(out, "base", "base");
    TailorProcess.Result r = check(out.resolve("base"), "newfile");
    assertEquals(1, r.exit(), r.out() + r.err());
    List<String> drift = driftLines(r);
    assertEquals(1, drift.size(), r.err());
    assertTrue(
        drift.get(0).startsWith("file")
            && drift.get(0).contains(work.resolve("new.txt").toString()),
        r.err());
  }

  @Test
  void check_verdictGoesToStderr_stdoutIsTheCheckedCommandsOwn() throws Exception {
    Path out = tmp.resolve("streams");
    learn(out, "base", "base");
    TailorProcess.Result drifted = check(out.resolve("base"), "newsyscall");
    assertEquals(1, drifted.exit(), drifted.out() + drifted.err());
    assertEquals(
        "mode newsyscall\n",
        drifted.out(),
        "check >log must leave only the command's output in log");
    assertTrue(drifted.err().startsWith("tailor: drift from "), drifted.err());
    TailorProcess.Result same = check(out.resolve("base"), "base");
    assertEquals(0, same.exit(), same.out() + same.err());
    assertEquals("mode base\n", same.out());
    assertTrue(same.err().startsWith("tailor: no drift"), same.err());
  }

  @Test
  void check_newSyscall_exitsOneAndNamesExactlyThatSyscall() throws Exception {
    Path out = tmp.resolve("newsyscall");
    learn(out, "base", "base");
    TailorProcess.Result r = check(out.resolve("base"), "newsyscall");
    assertEquals(1, r.exit(), r.out() + r.err());
    List<String> drift = driftLines(r);
    assertEquals(1, drift.size(), r.err());
    assertTrue(drift.get(0).matches("syscall\\s+umask.*"), r.err());
  }

  @Test
  void merge_twoRuns_coversBothAndShowsProvenance() throws Exception {
    Path out = tmp.resolve("merge");
    learn(out, "run-a", "base");
    learn(out, "run-b", "newfile");
    TailorProcess.Result m =
        TailorProcess.tailor(
            tmp,
            "merge",
            "--out",
            out.toString(),
            "--name",
            "both",
            out.resolve("run-a").toString(),
            out.resolve("run-b").toString());
    assertEquals(0, m.exit(), m.err());
    assertEquals(0, check(out.resolve("both"), "newfile").exit());
    assertEquals(0, check(out.resolve("both"), "base").exit());
    String report = Files.readString(out.resolve("both/report.md"));
    String newTxt = work.resolve("new.txt").toString();
    String row =
        report
            .lines()
            .filter(l -> l.startsWith("| `" + newTxt + "`"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(report));
    assertTrue(row.endsWith("| 1/2: `run-b` |"), row);
    String openat =
        report.lines().filter(l -> l.startsWith("| `openat` |")).findFirst().orElseThrow();
    assertTrue(openat.endsWith("| 2/2: `run-a` `run-b` |"), openat);
  }

  @Test
  void learn_twice_givesByteIdenticalProfiles() throws Exception {
    Path a = tmp.resolve("det-a");
    Path b = tmp.resolve("det-b");
    learn(a, "det", "base");
    learn(b, "det", "base");
    for (String f : List.of("seccomp.json", "apparmor.profile")) {
      assertEquals(
          Files.readString(a.resolve("det").resolve(f)),
          Files.readString(b.resolve("det").resolve(f)),
          f);
    }
  }

  @Test
  void generate_fromPlainStraceLog_equalsLearnOfThatRun() throws Exception {
    Path out = tmp.resolve("gen");
    learn(out, "learned", "base");
    Path log = tmp.resolve("plain.strace");
    // -e raw= as the README says: the kernel's numbers for the arguments whose names strace cannot
    // give exactly.
    List<String> strace =
        new ArrayList<>(
            List.of(
                "strace",
                "-f",
                "-yy",
                "-e",
                "raw=socket,socketpair,ioctl,prctl,personality,mprotect,pkey_mprotect",
                "-o",
                log.toString(),
                "python3",
                script.toString(),
                "base",
                work.toString()));
    TailorProcess.Result s = TailorProcess.run(strace, tmp, Map.of());
    assertEquals(0, s.exit(), s.err());
    TailorProcess.Result g =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--out",
            out.toString(),
            "--name",
            "learned-gen",
            "--cwd",
            tmp.toString(),
            log.toString());
    assertEquals(0, g.exit(), g.err());
    assertEquals(
        Files.readString(out.resolve("learned/seccomp.json")),
        Files.readString(out.resolve("learned-gen/seccomp.json")));
    String learnedProfile =
        Files.readString(out.resolve("learned/apparmor.profile"))
            .replace("profile learned ", "profile X ");
    String generatedProfile =
        Files.readString(out.resolve("learned-gen/apparmor.profile"))
            .replace("profile learned-gen ", "profile X ");
    // A log has no /proc to read the workload's ids from: generate proves no owner (issue 21),
    // learn does.
    assertFalse(generatedProfile.contains("  owner "), generatedProfile);
    assertEquals(learnedProfile.replace("  owner ", "  "), generatedProfile);
  }

  @Test
  void generate_logWithoutYy_warnsWhatIsLost() throws Exception {
    Path log = tmp.resolve("no-yy.strace");
    TailorProcess.Result s =
        TailorProcess.run(
            List.of("strace", "-f", "-o", log.toString(), "cat", "/etc/hostname"), tmp, Map.of());
    assertEquals(0, s.exit(), s.err());
    TailorProcess.Result g =
        TailorProcess.tailor(
            tmp, "generate", "--out", tmp.resolve("noyy").toString(), log.toString());
    assertEquals(0, g.exit(), g.err());
    assertTrue(g.err().contains("no -yy fd decorations"), g.err());
  }

  @Test
  void ciScript_learnsThenGatesOnTheBaseline() throws Exception {
    Path launcher = tmp.resolve("tailor-launcher");
    String java =
        String.join(" ", TailorProcess.tailorCommand().stream().map(a -> "'" + a + "'").toList());
    Files.writeString(launcher, "#!/bin/sh\nexec " + java + " \"$@\"\n");
    launcher.toFile().setExecutable(true);
    String ci = TailorProcess.repo().resolve("samples/ci/tailor-ci.sh").toString();
    Path out = tmp.resolve("ci");
    Map<String, String> env = Map.of("TAILOR", launcher.toString());
    TailorProcess.Result first =
        TailorProcess.run(
            List.of(
                ci,
                "--name",
                "baseline",
                "--out",
                out.toString(),
                "--",
                "python3",
                script.toString(),
                "base",
                work.toString()),
            tmp,
            env);
    assertEquals(0, first.exit(), first.err());
    TailorProcess.Result same =
        TailorProcess.run(
            List.of(
                ci,
                "--baseline",
                out.resolve("baseline").toString(),
                "--name",
                "again",
                "--out",
                out.toString(),
                "--",
                "python3",
                script.toString(),
                "base",
                work.toString()),
            tmp,
            env);
    assertEquals(0, same.exit(), same.out() + same.err());
    TailorProcess.Result drifted =
        TailorProcess.run(
            List.of(
                ci,
                "--baseline",
                out.resolve("baseline").toString(),
                "--name",
                "drifted",
                "--out",
                out.toString(),
                "--",
                "python3",
                script.toString(),
                "newsyscall",
                work.toString()),
            tmp,
            env);
    assertEquals(1, drifted.exit(), drifted.out() + drifted.err());
    assertTrue(drifted.err().contains("umask"), drifted.err());
  }
}
