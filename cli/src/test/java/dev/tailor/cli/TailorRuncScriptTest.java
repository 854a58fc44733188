package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dist/tailor-runc against a stand-in runtime that records its arguments: every subcommand but
 * create reaches it untouched without starting tailor; create rewrites the bundle first, or, when a
 * profile asked for cannot be applied, never reaches it and says why on stderr and in runc's log.
 */
class TailorRuncScriptTest {
  @TempDir static Path tmp;
  static Path launcher;
  static Path fake;
  static Path calls;
  static Path store;

  @BeforeAll
  static void setUp() throws Exception {
    launcher = Containers.launcher(Files.createDirectories(tmp.resolve("bin")));
    calls = tmp.resolve("calls.txt");
    fake = tmp.resolve("bin/fake-runc");
    Files.writeString(
        fake,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + calls + "'\nexit 3\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    store = tmp.resolve("store");
    TailorProcess.Result learned =
        TailorProcess.tailor(
            tmp,
            "learn",
            "--no-status",
            "--runtime",
            "none",
            "--out",
            store.toString(),
            "--name",
            "web",
            "--",
            "/usr/bin/true");
    assertEquals(0, learned.exit(), learned.err());
  }

  private static TailorProcess.Result runc(String tailor, String... args) throws Exception {
    Files.deleteIfExists(calls);
    List<String> argv =
        new ArrayList<>(List.of(TailorProcess.repo().resolve("dist/tailor-runc").toString()));
    argv.addAll(List.of(args));
    return TailorProcess.run(
        argv,
        tmp,
        Map.of(
            "TAILOR",
            tailor,
            "TAILOR_RUNC",
            fake.toString(),
            "TAILOR_STORE",
            store.toString(),
            "TAILOR_ENV_KEYS",
            "profile,learn"));
  }

  private static Path bundle(String name, String... env) throws Exception {
    Path b = Files.createDirectories(tmp.resolve(name));
    StringBuilder e = new StringBuilder();
    for (String v : env) {
      e.append(e.length() == 0 ? "" : ",").append('"').append(v).append('"');
    }
    Files.writeString(
        b.resolve("config.json"),
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/app\"],\"env\":["
            + e
            + "]},\"root\":{\"path\":\"rootfs\"},\"linux\":{}}");
    return b;
  }

  @Test
  void otherSubcommands_reachTheRuntimeUntouched_withoutTailor() throws Exception {
    // TAILOR names no program: a subcommand that started tailor would fail.
    TailorProcess.Result r =
        runc(
            "/nonexistent/tailor",
            "--root",
            "/run/x",
            "--log",
            tmp.resolve("l.json").toString(),
            "--log-format",
            "json",
            "--systemd-cgroup",
            "state",
            "id 1");
    assertEquals(3, r.exit(), r.err());
    assertEquals(
        List.of(
            "--root",
            "/run/x",
            "--log",
            tmp.resolve("l.json").toString(),
            "--log-format",
            "json",
            "--systemd-cgroup",
            "state",
            "id 1"),
        Files.readAllLines(calls));
    // Its own flags are taken out, wherever they are before the subcommand.
    r =
        runc(
            "/nonexistent/tailor",
            "--tailor-store",
            "/x",
            "--debug",
            "--tailor-runtime=" + fake,
            "delete",
            "--force",
            "c");
    assertEquals(3, r.exit(), r.err());
    assertEquals(List.of("--debug", "delete", "--force", "c"), Files.readAllLines(calls));
  }

  @Test
  void create_withNothingAsked_leavesTheConfig_andRunsTheRuntime() throws Exception {
    Path b = bundle("plain", "PATH=/bin");
    byte[] before = Files.readAllBytes(b.resolve("config.json"));
    TailorProcess.Result r =
        runc(
            launcher.toString(),
            "--root",
            "/run/x",
            "create",
            "--bundle",
            b.toString(),
            "--pid-file",
            "p",
            "c1");
    assertEquals(3, r.exit(), r.err());
    assertEquals(
        List.of("--root", "/run/x", "create", "--bundle", b.toString(), "--pid-file", "p", "c1"),
        Files.readAllLines(calls));
    assertArrayEquals(before, Files.readAllBytes(b.resolve("config.json")));
    assertEquals(
        "", r.out() + r.err(), "create's stdout and stderr are the container's under containerd");
  }

  @Test
  void create_withNoKeyAndNoBindings_doesNotStartTailor_butAKeyOrABindingsFileDoes()
      throws Exception {
    Path b = bundle("fast", "PATH=/bin");
    assertEquals(3, runc("/nonexistent/tailor", "create", "--bundle", b.toString(), "c6").exit());
    // With a key, tailor must run: here it cannot be found, so the container is refused.
    Path keyed = bundle("keyed", "TAILOR_LEARN=x");
    TailorProcess.Result r =
        runc("/nonexistent/tailor", "create", "--bundle", keyed.toString(), "c7");
    assertEquals(125, r.exit(), r.err());
    // A key behind a JSON escape is not missed.
    Path escaped = bundle("escaped", "\\u0054AILOR_PROFILE=nope");
    assertEquals(
        1, runc(launcher.toString(), "create", "--bundle", escaped.toString(), "c8").exit());
    assertFalse(Files.exists(calls));
    // A bindings file makes every create go through tailor: a rule may pick any container.
    Files.writeString(
        store.resolve("bindings.json"),
        "{\"bindings\": [{\"profile\": \"web\", \"arg0\": \"/bin/app\"}]}\n");
    try {
      assertEquals(
          125, runc("/nonexistent/tailor", "create", "--bundle", b.toString(), "c9").exit());
      assertEquals(3, runc(launcher.toString(), "create", "--bundle", b.toString(), "c9").exit());
      assertTrue(Files.readString(b.resolve("config.json")).contains("\"seccomp\""));
    } finally {
      Files.delete(store.resolve("bindings.json"));
    }
  }

  @Test
  void create_withTheProfileVariable_rewritesTheBundle_thenRunsTheRuntime() throws Exception {
    Path b = bundle("web", "PATH=/bin", "TAILOR_PROFILE=web");
    TailorProcess.Result r = runc(launcher.toString(), "create", "-b", b.toString(), "c2");
    assertEquals(3, r.exit(), r.err());
    assertEquals(List.of("create", "-b", b.toString(), "c2"), Files.readAllLines(calls));
    JsonNode config = new ObjectMapper().readTree(Files.readAllBytes(b.resolve("config.json")));
    assertEquals("[\"PATH=/bin\"]", config.at("/process/env").toString());
    assertEquals(
        new ObjectMapper().readTree(Files.readAllBytes(store.resolve("web/seccomp.json"))),
        config.at("/linux/seccomp"));
  }

  @Test
  void create_withAVariableTheOwnerDidNotAllow_isRefused_andTheFlagAllowsIt() throws Exception {
    Path b = bundle("image-env", "TAILOR_PROFILE=web");
    List<String> argv =
        List.of(
            TailorProcess.repo().resolve("dist/tailor-runc").toString(),
            "create",
            "--bundle",
            b.toString(),
            "c10");
    Map<String, String> env =
        Map.of(
            "TAILOR",
            launcher.toString(),
            "TAILOR_RUNC",
            fake.toString(),
            "TAILOR_STORE",
            store.toString());
    Files.deleteIfExists(calls);
    TailorProcess.Result refused = TailorProcess.run(argv, tmp, env);
    assertEquals(1, refused.exit(), refused.err());
    assertFalse(Files.exists(calls), "the runtime must not run");
    assertTrue(refused.err().contains("--tailor-env-keys profile"), refused.err());
    List<String> allowed = new ArrayList<>(List.of(argv.get(0), "--tailor-env-keys", "profile"));
    allowed.addAll(argv.subList(1, argv.size()));
    TailorProcess.Result r = TailorProcess.run(allowed, tmp, env);
    assertEquals(3, r.exit(), r.err());
    assertTrue(Files.readString(b.resolve("config.json")).contains("\"seccomp\""));
  }

  @Test
  void create_inTheBundleFolder_withoutBundleFlag_readsTheWorkingFolder() throws Exception {
    Path b = bundle("cwd", "TAILOR_PROFILE=web");
    List<String> argv =
        List.of(TailorProcess.repo().resolve("dist/tailor-runc").toString(), "create", "c3");
    TailorProcess.Result r =
        TailorProcess.run(
            argv,
            b,
            Map.of(
                "TAILOR",
                launcher.toString(),
                "TAILOR_RUNC",
                fake.toString(),
                "TAILOR_STORE",
                store.toString(),
                "TAILOR_ENV_KEYS",
                "profile"));
    assertEquals(3, r.exit(), r.err());
    assertTrue(Files.readString(b.resolve("config.json")).contains("\"seccomp\""));
  }

  @Test
  void create_withAMissingProfile_failsClosed_withOneLineOnStderr_andInTheJsonLog()
      throws Exception {
    Path b = bundle("nope", "TAILOR_PROFILE=nope");
    byte[] before = Files.readAllBytes(b.resolve("config.json"));
    Path log = tmp.resolve("runc-log.json");
    TailorProcess.Result r =
        runc(
            launcher.toString(),
            "--log",
            log.toString(),
            "--log-format",
            "json",
            "create",
            "--bundle",
            b.toString(),
            "c4");
    assertEquals(1, r.exit(), r.err());
    assertFalse(Files.exists(calls), "the runtime must not run");
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "tailor-runc: profile 'nope' (annotation io.tailor.profile) is not in the store"),
        r.err());
    JsonNode line = new ObjectMapper().readTree(Files.readString(log));
    assertEquals("error", line.get("level").asText());
    assertEquals(r.err().strip(), line.get("msg").asText());
    assertArrayEquals(before, Files.readAllBytes(b.resolve("config.json")));
    assertTrue(
        Files.readString(store.resolve(".tailor/logs/apply.log")).contains("profile 'nope'"));
  }

  @Test
  void create_withoutTailor_orWithItselfAsTheRuntime_failsClosed() throws Exception {
    Path b = bundle("none", "TAILOR_PROFILE=web");
    TailorProcess.Result noTailor =
        runc("/nonexistent/tailor", "create", "--bundle", b.toString(), "c5");
    assertEquals(125, noTailor.exit());
    assertFalse(Files.exists(calls));
    assertTrue(noTailor.err().contains("cannot find the tailor launcher"), noTailor.err());
    Path self = TailorProcess.repo().resolve("dist/tailor-runc");
    TailorProcess.Result loop =
        runc(launcher.toString(), "--tailor-runtime", self.toString(), "state", "c");
    assertEquals(125, loop.exit());
    assertTrue(loop.err().contains("is tailor-runc itself"), loop.err());
  }
}
