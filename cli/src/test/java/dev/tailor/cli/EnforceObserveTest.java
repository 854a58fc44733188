package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tailor enforce --observe} on the host, with the real libseccomp and kernel: the calls the
 * profile lacks run and are written as a profile folder that merge folds back and check reads as
 * drift; the original profile, enforced, still refuses them.
 */
class EnforceObserveTest {
  @TempDir Path tmp;

  @Test
  void observe_letsTheUnlearnedCallsRun_andWritesExactlyThem() throws Exception {
    Path program = NotifyWorkload.compile(tmp);
    Path profiles = tmp.resolve("profiles");
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--runtime",
            "none",
            "--out",
            profiles.toString(),
            "--name",
            "prog",
            "--",
            program.toString(),
            "learn");
    assertEquals(0, learned.exit(), learned.err());
    Path seccomp = profiles.resolve("prog/seccomp.json");

    Path observed = tmp.resolve("observed");
    String made = tmp.resolve("made1").toString();
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--observe",
            observed.toString(),
            "--seccomp",
            seccomp.toString(),
            "--",
            program.toString(),
            "more",
            made);
    assertEquals(0, r.exit(), r.err());
    assertEquals(NotifyWorkload.moreOutput(made), r.out());
    Recording rec = RecordingJson.read(observed);
    assertEquals("prog", rec.name());
    assertEquals(Set.of("getpgid", "mkdir"), rec.syscalls().keySet(), r.err());
    assertTrue(rec.files().containsKey(made), rec.files().toString());

    // The original profile, enforced, still refuses both.
    String made2 = tmp.resolve("made2").toString();
    TailorProcess.Result refused =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--seccomp",
            seccomp.toString(),
            "--",
            program.toString(),
            "more",
            made2);
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(
        refused.out().contains("mkdir " + made2 + ": Operation not permitted"), refused.out());
    assertTrue(refused.out().contains("getpgid: Operation not permitted"), refused.out());

    // check reads the observed folder as drift, naming the new calls.
    TailorProcess.Result check =
        TailorProcess.tailor(
            tmp, "check", "--profile", profiles.resolve("prog").toString(), observed.toString());
    assertEquals(1, check.exit(), check.err());
    assertTrue(
        check.err().contains("syscall    getpgid") && check.err().contains("syscall    mkdir"),
        check.err());

    // Merged back, the profile runs the second program enforced.
    TailorProcess.Result merged =
        TailorProcess.tailor(
            tmp,
            "merge",
            "--name",
            "prog2",
            "--out",
            profiles.toString(),
            profiles.resolve("prog").toString(),
            observed.toString());
    assertEquals(0, merged.exit(), merged.err());
    String made3 = tmp.resolve("made3").toString();
    TailorProcess.Result enforced =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--seccomp",
            profiles.resolve("prog2/seccomp.json").toString(),
            "--",
            program.toString(),
            "more",
            made3);
    assertEquals(0, enforced.exit(), enforced.err());
    assertEquals(NotifyWorkload.moreOutput(made3), enforced.out());
  }

  @Test
  void observe_commandNotFound_is127_andNothingIsWritten() throws Exception {
    Path seccomp = tmp.resolve("p.json");
    java.nio.file.Files.writeString(
        seccomp,
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
            + "[\"execve\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--observe",
            tmp.resolve("o").toString(),
            "--seccomp",
            seccomp.toString(),
            "--",
            "no-such-command-here");
    assertEquals(127, r.exit(), r.err());
    assertTrue(r.err().contains("no-such-command-here: command not found"), r.err());
    assertTrue(
        !java.nio.file.Files.exists(tmp.resolve("o")),
        "an observed folder was written for a command that never ran");
  }
}
