package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.ArgumentUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Argument rules under real enforcement, one rule kind per mode of args.c: the workload is learned
 * with the real strace, then run under its profile with {@code tailor enforce} (the real
 * libseccomp): the values it used work, the ones it never used fail with the profile's errno
 * (EPERM; ENOSYS for clone3, while glibc's threads still start through clone).
 *
 * <p>The learned values include those args.c is written to pass (the tracer reads the kernel's
 * numbers), the report names no argument left without values, and {@code tailor check} reports a
 * probe's new values as argument drift.
 */
class ArgumentRulesEnforceTest {
  @TempDir static Path tmp;
  static Path binary;
  private static final Map<String, Path> LEARNED = new HashMap<>();

  @BeforeAll
  static void prerequisites() throws Exception {
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed (apt-get install strace)");
    binary = ArgsWorkload.compile(tmp);
  }

  static Stream<ArgsWorkload.Mode> modes() {
    return ArgsWorkload.MODES.stream();
  }

  /**
   * The folder {@code tailor learn --runtime none} writes for the mode (no probe), learned once.
   */
  private static synchronized Path learned(ArgsWorkload.Mode m) throws Exception {
    Path folder = LEARNED.get(m.name());
    if (folder == null) {
      Path out = tmp.resolve("learned");
      TailorProcess.Result r =
          TailorProcess.tailor(
              tmp,
              "learn",
              "--no-status",
              "--runtime",
              "none",
              "--out",
              out.toString(),
              "--name",
              m.name(),
              "--",
              binary.toString(),
              m.name());
      assertEquals(0, r.exit(), r.err());
      folder = out.resolve(m.name());
      LEARNED.put(m.name(), folder);
    }
    return folder;
  }

  private static List<String> run(List<String> command) throws Exception {
    TailorProcess.Result r = TailorProcess.run(command, tmp, Map.of());
    assertEquals(0, r.exit(), r.err());
    return r.out().lines().toList();
  }

  /**
   * Runs the probe bare and under {@code profile}: under it, the mode's expected lines; bare, every
   * line the profile refuses ends otherwise (the refusal is the profile's doing).
   */
  private static void probe(ArgsWorkload.Mode m, Path profile) throws Exception {
    List<String> bare = run(List.of(binary.toString(), m.name(), "probe"));
    assertEquals(m.enforced().size(), bare.size(), bare.toString());
    for (int i = 0; i < bare.size(); i++) {
      String expected = m.enforced().get(i);
      boolean refused = expected.endsWith(": errno 1") || expected.endsWith(": errno 38");
      if (refused && m.name().equals("clone")) {
        assumeTrue(
            bare.get(i).endsWith(": ok"),
            "this kernel refuses the call even to root without a profile: " + bare.get(i));
      }
      if (refused) {
        assertNotEquals(expected, bare.get(i), "without the profile");
      } else {
        assertEquals(expected, bare.get(i), "without the profile");
      }
    }
    TailorProcess.Result enforced =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--seccomp",
            profile.toString(),
            "--",
            binary.toString(),
            m.name(),
            "probe");
    assertEquals(0, enforced.exit(), enforced.err());
    assertEquals(
        m.enforced(), enforced.out().lines().toList(), "under " + profile + "; " + enforced.err());
  }

  private static void assertArgumentRules(SeccompProfile p, ArgsWorkload.Mode m) {
    List<String> filtered =
        p.syscalls().stream()
            .filter(r -> !r.args().isEmpty() || r.errnoRet() == 38)
            .flatMap(r -> r.names().stream())
            .distinct()
            .toList();
    for (String key : m.values().keySet()) {
      String syscall = key.substring(0, key.indexOf('['));
      assertTrue(
          filtered.contains(syscall),
          syscall + " has no argument rule in " + SeccompJson.toJson(p));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void learnedValues_unseenValuesRefused_seenOnesWork(ArgsWorkload.Mode m) throws Exception {
    Path folder = learned(m);
    Recording r = RecordingJson.read(folder);
    m.values()
        .forEach(
            (key, values) -> {
              ArgumentUse use = r.arguments().get(key);
              assertTrue(
                  use != null && use.values().keySet().containsAll(values.keySet()),
                  key
                      + ": the values args.c passes, "
                      + values.keySet()
                      + ", are among those learned: "
                      + use);
            });
    Path file = folder.resolve(SeccompJson.FILE_NAME);
    assertArgumentRules(SeccompJson.read(file).profile(), m);
    String report = Files.readString(folder.resolve(ProfileFolder.REPORT_FILE));
    assertFalse(report.contains("the recording holds none of its values"), report);
    probe(m, file);
  }

  /** The same refusals from a loader that shares no code with tailor (see {@link PlainLoader}). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void libseccompsOwnLoader_givesTheSameResults(ArgsWorkload.Mode m) throws Exception {
    assumeTrue(PlainLoader.MISSING == null, PlainLoader.MISSING);
    Path profile = learned(m).resolve(SeccompJson.FILE_NAME);
    TailorProcess.Result plain =
        PlainLoader.run(profile, List.of(binary.toString(), m.name(), "probe"), tmp);
    assertEquals(0, plain.exit(), plain.err());
    assertEquals(
        m.enforced(),
        plain.out().lines().toList(),
        "under libseccomp's own loader; " + plain.err());
  }

  @Test
  void check_newValues_areArgumentDrift() throws Exception {
    for (String mode : List.of("ioctl", "socket")) {
      ArgsWorkload.Mode m =
          ArgsWorkload.MODES.stream().filter(x -> x.name().equals(mode)).findFirst().orElseThrow();
      Path folder = learned(m);
      TailorProcess.Result same =
          TailorProcess.tailor(
              tmp, "check", "--profile", folder.toString(), "--", binary.toString(), mode);
      assertEquals(0, same.exit(), same.err());
      TailorProcess.Result drift =
          TailorProcess.tailor(
              tmp, "check", "--profile", folder.toString(), "--", binary.toString(), mode, "probe");
      assertEquals(1, drift.exit(), drift.err());
      // The new socket kinds are network drift too (the AppArmor side); the argument lines are the
      // seccomp side.
      List<String> arguments =
          drift.err().lines().map(String::trim).filter(l -> l.startsWith("argument ")).toList();
      List<String> expected =
          mode.equals("ioctl")
              ? List.of("argument   ioctl request 0x5412 (TIOCSTI): new  (1 calls)")
              : List.of(
                  "argument   socket family 0xa (AF_INET6): new  (1 calls)",
                  "argument   socket family 0x10 (AF_NETLINK): new  (1 calls)",
                  "argument   socket type 0x2 (SOCK_DGRAM): new  (1 calls)",
                  "argument   socket type 0x3 (SOCK_RAW): new  (1 calls)");
      assertEquals(expected, arguments, drift.err());
    }
  }

  private static ArgsWorkload.Mode mode(String name) {
    return ArgsWorkload.MODES.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> argumentSyscalls(Path seccomp) throws Exception {
    return SeccompJson.read(seccomp).profile().syscalls().stream()
        .filter(r -> !r.args().isEmpty() || r.errnoRet() == 38)
        .flatMap(r -> r.names().stream())
        .distinct()
        .sorted()
        .toList();
  }

  @Test
  void merge_takesTheUnion_andNoArgFiltersTurnsThemOffOnLearnGenerateAndMerge() throws Exception {
    Path socket = learned(mode("socket"));
    Path ioctl = learned(mode("ioctl"));
    Path out = tmp.resolve("merged");
    TailorProcess.Result m =
        TailorProcess.tailor(
            tmp,
            "merge",
            "--runtime",
            "none",
            "--out",
            out.toString(),
            "--name",
            "both",
            socket.toString(),
            ioctl.toString());
    assertEquals(0, m.exit(), m.err());
    List<String> both = argumentSyscalls(out.resolve("both/seccomp.json"));
    assertTrue(both.containsAll(List.of("ioctl", "socket")), both.toString());
    TailorProcess.Result underBoth =
        TailorProcess.tailor(
            tmp,
            "enforce",
            "--seccomp",
            out.resolve("both/seccomp.json").toString(),
            "--",
            binary.toString(),
            "ioctl",
            "probe");
    assertEquals(mode("ioctl").enforced(), underBoth.out().lines().toList(), underBoth.err());

    TailorProcess.Result off =
        TailorProcess.tailor(
            tmp,
            "merge",
            "--no-arg-filters",
            "--runtime",
            "none",
            "--out",
            out.toString(),
            "--name",
            "off",
            socket.toString(),
            ioctl.toString());
    assertEquals(0, off.exit(), off.err());
    assertEquals(List.of(), argumentSyscalls(out.resolve("off/seccomp.json")));
    assertTrue(
        Files.readString(out.resolve("off/report.md"))
            .contains("Argument filters are off (`--no-arg-filters`)"));

    TailorProcess.Result learnOff =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--no-arg-filters",
            "--runtime",
            "none",
            "--out",
            out.toString(),
            "--name",
            "learn-off",
            "--",
            binary.toString(),
            "clone");
    assertEquals(0, learnOff.exit(), learnOff.err());
    List<SeccompProfile.Rule> rules =
        SeccompJson.read(out.resolve("learn-off/seccomp.json")).profile().syscalls();
    assertEquals(1, rules.size(), rules.toString());
    assertTrue(rules.get(0).names().containsAll(List.of("clone", "clone3")), rules.toString());

    Path log = tmp.resolve("ioctl.strace");
    TailorProcess.Result strace =
        TailorProcess.run(
            List.of(
                "strace",
                "-f",
                "-yy",
                "-e",
                "raw=socket,socketpair,ioctl,prctl,personality,mprotect,pkey_mprotect",
                "-o",
                log.toString(),
                binary.toString(),
                "ioctl"),
            tmp,
            Map.of());
    assertEquals(0, strace.exit(), strace.err());
    TailorProcess.Result on =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--runtime",
            "none",
            "--out",
            out.toString(),
            "--name",
            "gen-on",
            log.toString());
    assertEquals(0, on.exit(), on.err());
    assertEquals(
        argumentSyscalls(ioctl.resolve("seccomp.json")),
        argumentSyscalls(out.resolve("gen-on/seccomp.json")));
    TailorProcess.Result genOff =
        TailorProcess.tailor(
            tmp,
            "generate",
            "--no-arg-filters",
            "--runtime",
            "none",
            "--out",
            out.toString(),
            "--name",
            "gen-off",
            log.toString());
    assertEquals(0, genOff.exit(), genOff.err());
    assertEquals(List.of(), argumentSyscalls(out.resolve("gen-off/seccomp.json")));
  }
}
