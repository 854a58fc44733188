package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promises about check: its inputs, --save, hand edits, globs, network and capability
 * drift.
 */
class CheckDriftTest {
  @TempDir static Path tmp;
  static Path script;
  static Path work;
  static Path base;

  @BeforeAll
  static void baseline() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed");
    assumeTrue(TailorProcess.onPath("python3"), "python3 is not installed");
    script = tmp.resolve("drift.py");
    try (InputStream in = CheckDriftTest.class.getResourceAsStream("/workloads/drift.py")) {
      Files.write(script, in.readAllBytes());
    }
    work = Files.createDirectories(tmp.resolve("work"));
    base = learn(tmp.resolve("baseline"), "base", "base");
  }

  private static Path learn(Path out, String name, String mode, String... options)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of("learn", "--no-status", "--out", out.toString(), "--name", name));
    args.addAll(List.of(options));
    args.addAll(List.of("--", "python3", script.toString(), mode, work.toString()));
    TailorProcess.Result r = TailorProcess.tailor(tmp, args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return out.resolve(name);
  }

  private static List<String> workload(String mode) {
    return List.of("python3", script.toString(), mode, work.toString());
  }

  /** Runs check in-process on files (traces or a folder). */
  private static TailorProcess.Result check(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("check"));
    all.addAll(List.of(args));
    int code =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new TailorProcess.Result(code, out.toString(), err.toString());
  }

  /** Runs check on a command, in a process of its own. */
  private static TailorProcess.Result checkCommand(Path profile, String mode, String... options)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "--profile", profile.toString()));
    args.addAll(List.of(options));
    args.add("--");
    args.addAll(workload(mode));
    return TailorProcess.tailor(tmp, args.toArray(String[]::new));
  }

  private static List<String> drift(TailorProcess.Result r) {
    // The verdict and drift list go to stderr: stdout belongs to the checked command.
    return r.err().lines().filter(l -> l.startsWith("  ")).map(String::trim).toList();
  }

  private static Path straceLog(String mode) throws Exception {
    Path log = tmp.resolve(mode + ".strace");
    List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-yy", "-o", log.toString()));
    cmd.addAll(workload(mode));
    TailorProcess.Result s = TailorProcess.run(cmd, tmp, Map.of());
    assertEquals(0, s.exit(), s.err());
    return log;
  }

  @Test
  void check_onStraceLogs_sameAsOnTheCommand() throws Exception {
    TailorProcess.Result same =
        check("--profile", base.toString(), "--cwd", tmp.toString(), straceLog("base").toString());
    assertEquals(0, same.exit(), same.out() + same.err());
    // A plain log has no raw socket family or ioctl request: unknown is not new, and check says
    // what it could not check.
    assertTrue(
        same.err()
            .contains(
                "tailor: warning: not checked: socket: the profile allows it only with some values of "
                    + "its socket family, and the trace holds none"),
        same.err());
    TailorProcess.Result drifted =
        check(
            "--profile",
            base.toString(),
            "--cwd",
            tmp.toString(),
            straceLog("newsyscall").toString());
    assertEquals(1, drifted.exit(), drifted.out() + drifted.err());
    assertEquals(1, drift(drifted).size(), drifted.out());
    assertTrue(drift(drifted).get(0).matches("syscall\\s+umask.*"), drifted.out());
  }

  @Test
  void check_onALearnFolder_readsItsRecording() throws Exception {
    Path other = learn(tmp.resolve("folder"), "umask", "newsyscall");
    TailorProcess.Result drifted = check("--profile", base.toString(), other.toString());
    assertEquals(1, drifted.exit(), drifted.out() + drifted.err());
    assertEquals(List.of("syscall    umask  (1 calls)"), drift(drifted), drifted.out());
    TailorProcess.Result itself = check("--profile", base.toString(), base.toString());
    assertEquals(0, itself.exit(), itself.out() + itself.err());
    assertTrue(itself.err().contains("tailor: no drift: "), itself.err());
  }

  @Test
  void check_save_writesTheCheckedRunsOwnProfiles() throws Exception {
    Path saved = tmp.resolve("saved");
    TailorProcess.Result r = checkCommand(base, "newsyscall", "--save", saved.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    Path folder = saved.resolve("base");
    for (String f : List.of("seccomp.json", "apparmor.profile", "recording.json", "report.md")) {
      assertTrue(Files.isRegularFile(folder.resolve(f)), f + " not saved");
    }
    assertTrue(
        RecordingJson.read(folder).syscalls().containsKey("umask"),
        "the checked run's own behaviour");
    assertTrue(Files.readString(folder.resolve("seccomp.json")).contains("\"umask\""));
  }

  @Test
  void check_handEditsToSeccompJson_count() throws Exception {
    Path edited = copy(base, tmp.resolve("edited/base"));
    editNames(edited, names -> names.add("umask"));
    TailorProcess.Result allowed = checkCommand(edited, "newsyscall");
    assertEquals(
        0, allowed.exit(), "umask added by hand is allowed: " + allowed.out() + allowed.err());

    Path removed = copy(base, tmp.resolve("removed/base"));
    editNames(
        removed,
        names -> assertTrue(names.remove("unlink") || names.remove("close"), names.toString()));
    TailorProcess.Result denied = checkCommand(removed, "base");
    assertEquals(1, denied.exit(), denied.out() + denied.err());
    assertEquals(1, drift(denied).size(), denied.out());
    assertTrue(drift(denied).get(0).matches("syscall\\s+(unlink|close)\\s.*"), denied.out());
  }

  @Test
  void check_newTemporaryFileInsideALearnedGlob_isNoDrift() throws Exception {
    // Two runs: their names pair whatever letters the names drew (one name alone is judged by
    // its letters, and about one in a hundred of Python's looks chosen).
    Path temp = learn(tmp.resolve("temp"), "temp", "temp", "--runs", "2");
    assertTrue(
        Files.readString(temp.resolve("apparmor.profile")).contains("owner \"/tmp/tmp????????\" "),
        Files.readString(temp.resolve("apparmor.profile")));
    Path saved = tmp.resolve("temp-saved");
    TailorProcess.Result r = checkCommand(temp, "temp", "--save", saved.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    Set<String> learnedNames = tempNames(RecordingJson.read(temp));
    Set<String> checkedNames = tempNames(RecordingJson.read(saved.resolve("temp")));
    assertEquals(1, checkedNames.size(), checkedNames.toString());
    assertNotEquals(learnedNames, checkedNames, "a new random name each run");
  }

  @Test
  void check_newSocketKind_isNetworkDrift() throws Exception {
    TailorProcess.Result r = checkCommand(base, "network");
    assertEquals(1, r.exit(), r.out() + r.err());
    List<String> d = drift(r);
    assertTrue(d.stream().anyMatch(l -> l.matches("network\\s+inet dgram.*")), r.out());
    // seccomp.json's side of the same socket: a family and a type the baseline never used.
    assertTrue(d.contains("argument   socket family 0x2 (AF_INET): new  (1 calls)"), r.out());
    assertTrue(
        d.contains("argument   socket type 0x80002 (SOCK_DGRAM|SOCK_CLOEXEC): new  (1 calls)"),
        r.out());
    assertTrue(
        d.stream()
            .allMatch(
                l ->
                    l.startsWith("network") || l.startsWith("syscall") || l.startsWith("argument")),
        r.out());
  }

  @Test
  void check_newCapability_isCapabilityDrift() throws Exception {
    // The chown syscalls allowed by hand, so the capability alone is new.
    Path edited = copy(base, tmp.resolve("cap/base"));
    editNames(edited, names -> names.addAll(List.of("chown", "fchownat", "lchown", "fchown")));
    TailorProcess.Result r = checkCommand(edited, "chown");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals(1, drift(r).size(), r.out());
    assertTrue(drift(r).get(0).matches("capability\\s+chown\\s+\\((f|l)?chown(at)?\\(.*"), r.out());
  }

  @Test
  void check_checkedCommandFails_exitsOneEvenWithoutDrift() throws Exception {
    TailorProcess.Result r =
        TailorProcess.tailor(
            tmp,
            "check",
            "--profile",
            base.toString(),
            "--",
            "python3",
            script.toString(),
            "base",
            tmp.resolve("no-such-folder").toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("tailor: the checked command exited with 1"), r.err());
  }

  private static Set<String> tempNames(Recording r) {
    Set<String> names = new TreeSet<>();
    for (String p : r.files().keySet()) {
      if (p.matches("/tmp/tmp[a-z0-9_]{8}")) {
        names.add(p);
      }
    }
    return names;
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private interface NamesEdit {
    void apply(Set<String> names);
  }

  /** Edits the names of the ALLOW rule in seccomp.json, as a person would in an editor. */
  private static void editNames(Path folder, NamesEdit edit) throws Exception {
    Path file = folder.resolve("seccomp.json");
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = (ObjectNode) m.readTree(file.toFile());
    ObjectNode rule = (ObjectNode) root.get("syscalls").get(0);
    assertEquals("SCMP_ACT_ALLOW", rule.get("action").asText());
    Set<String> names = new TreeSet<>();
    rule.get("names").forEach(n -> names.add(n.asText()));
    edit.apply(names);
    ArrayNode list = rule.putArray("names");
    names.forEach(list::add);
    m.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }
}
