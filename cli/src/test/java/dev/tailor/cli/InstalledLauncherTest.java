package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed launcher (dist/tailor) decides the precreate hook's common case in its own shell: a
 * config that cannot name a tailor key, with no bindings in the store, goes back byte for byte
 * without a JVM; everything else reaches the full hook with the same bytes.
 */
class InstalledLauncherTest {
  @TempDir Path tmp;
  Path store;
  Path javaHome;
  Path started;

  @BeforeEach
  void fakeInstall() throws Exception {
    store = Files.createDirectories(tmp.resolve("store"));
    Files.createDirectories(tmp.resolve("share"));
    Files.writeString(tmp.resolve("share/tailor.jar"), "");
    // A java that notes each start, then runs tailor's entry point from the test class path in
    // place of the jar (the jar is built after the tests).
    javaHome = tmp.resolve("jdk");
    Files.createDirectories(javaHome.resolve("bin"));
    started = tmp.resolve("java-started");
    Path java = javaHome.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\necho started >> '"
            + started
            + "'\n"
            + "while [ \"$1\" != -jar ]; do shift; done\nshift 2\n"
            + "exec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.tailor.cli.Entry \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, byte[] out, String err, boolean jvm) {}

  private Run apply(byte[] config, String... options) throws Exception {
    Files.deleteIfExists(started);
    List<String> argv =
        new ArrayList<>(
            List.of(TailorProcess.repo().resolve("dist/tailor").toString(), "hook", "apply"));
    argv.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectError(tmp.resolve("err").toFile());
    pb.environment().put("TAILOR_SHARE", tmp.resolve("share").toString());
    pb.environment().put("JAVA_HOME", javaHome.toString());
    Process p = pb.start();
    p.getOutputStream().write(config);
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the hook did not end");
    return new Run(p.exitValue(), out, Files.readString(tmp.resolve("err")), Files.exists(started));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void plainConfig_goesBackByteForByte_withoutAJvm() throws Exception {
    byte[] config =
        bytes(
            "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"io.podman.x\":\"y\"},\"process\":{\"args\":[\"sh\"]}}\n\n");
    Run r =
        apply(config, "--store", store.toString(), "--log", tmp.resolve("apply.log").toString());
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(config, r.out());
    assertFalse(r.jvm(), "no JVM for a config that asks for nothing");
    // The same with --store=DIR.
    assertFalse(apply(config, "--store=" + store).jvm());
  }

  @Test
  void aTailorKey_anEscape_bindings_orAnUnknownOption_goToTheFullHook_withTheSameBytes()
      throws Exception {
    Run asked =
        apply(
            bytes("{\"annotations\":{\"io.tailor.profile\":\"nope\"}}"),
            "--store",
            store.toString());
    assertTrue(asked.jvm());
    assertEquals(1, asked.exit(), asked.err());
    assertTrue(
        asked.err().contains("profile 'nope' (annotation io.tailor.profile) is not in the store"),
        asked.err());
    // io.tailor.profile spelt with an escape: the shell cannot tell, the full hook decodes it.
    Run escaped =
        apply(
            bytes("{\"annotations\":{\"\\u0069o.tailor.profile\":\"nope\"}}"),
            "--store",
            store.toString());
    assertTrue(escaped.jvm());
    assertEquals(1, escaped.exit(), escaped.err());
    // Not a JSON object: the full hook refuses it rather than echoing it.
    Run notJson = apply(bytes("not json"), "--store", store.toString());
    assertTrue(notJson.jvm());
    assertEquals(1, notJson.exit(), notJson.err());
    byte[] plain = bytes("{\"ociVersion\":\"1.0.2\"}");
    Run unknown =
        apply(plain, "--store", store.toString(), "--observe-socket", tmp.resolve("s").toString());
    assertTrue(unknown.jvm(), "an option the shell does not know goes to the full hook");
    assertEquals(0, unknown.exit(), unknown.err());
    assertArrayEquals(plain, unknown.out());
    Files.writeString(
        store.resolve("bindings.json"),
        "{\"bindings\": [{\"profile\": \"nope\", \"arg0\": \"sh\"}]}");
    Run bound = apply(bytes("{\"process\":{\"args\":[\"sh\"]}}"), "--store", store.toString());
    assertTrue(bound.jvm(), "a bindings file may pick any container");
    assertEquals(1, bound.exit(), "the rule names a profile that is missing: refused");
  }
}
