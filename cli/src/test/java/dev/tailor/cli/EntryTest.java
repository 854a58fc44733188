package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's entry point: {@code hook apply} of a container that asks for nothing is echoed without
 * loading picocli, Jackson or JNA; anything else reaches the full command with its bytes.
 */
class EntryTest {
  @TempDir Path tmp;

  private record Run(int exit, byte[] out, String err, String classes) {}

  /** Runs the jar's entry point as a real JVM, logging every class it loads. */
  private Run entry(byte[] stdin, String... args) throws Exception {
    Path in = Files.write(tmp.resolve("in"), stdin);
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    Path classes = tmp.resolve("classes");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                Entry.class.getName()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the hook did not end");
    return new Run(
        p.exitValue(), Files.readAllBytes(out), Files.readString(err), Files.readString(classes));
  }

  @Test
  void applyStore_readsOnlyTheHooksOwnCommandLine() {
    assertEquals(dev.tailor.deploy.store.ProfileStore.DEFAULT.toString(), Entry.DEFAULT_STORE);
    assertEquals(
        Optional.of(Path.of(Entry.DEFAULT_STORE)),
        Entry.applyStore(new String[] {"hook", "apply"}));
    assertEquals(
        Optional.of(Path.of("/s")),
        Entry.applyStore(new String[] {"hook", "apply", "--store", "/s", "--log", "/l"}));
    assertEquals(
        Optional.of(Path.of("/s")),
        Entry.applyStore(new String[] {"hook", "apply", "--log=/l", "--store=/s"}));
    for (String[] other :
        List.of(
            new String[] {"learn", "--", "true"},
            new String[] {"hook", "learn"},
            new String[] {"hook", "apply", "--help"},
            new String[] {"hook", "apply", "--store"},
            new String[] {"hook", "apply", "--store", "/a", "--store", "/b"},
            new String[] {"hook", "apply", "--debug"},
            new String[] {"hook", "apply", "--store", "--log"},
            new String[] {"hook", "apply", "--store="})) {
      assertEquals(Optional.empty(), Entry.applyStore(other), String.join(" ", other));
    }
  }

  @Test
  void passThrough_isEchoedByteForByte_withoutPicocliJacksonOrJna() throws Exception {
    byte[] config =
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/usr/bin/true\"],\"env\":[\"A=b\\u0026c\"]},\"annotations\":{\"io.podman.x\":\"1\"}}\n"
            .getBytes(StandardCharsets.UTF_8);
    Run r = entry(config, "hook", "apply", "--store", tmp.resolve("store").toString());
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(config, r.out());
    assertEquals("", r.err());
    assertTrue(r.classes().contains("dev.tailor.deploy.apply.PassThrough"), "the scan decided");
    for (String heavy :
        List.of("picocli.", "com.fasterxml.jackson.", "com.sun.jna.", "dev.tailor.cli.Main ")) {
      assertFalse(r.classes().contains(heavy), heavy + " was loaded on the pass-through path");
    }
  }

  @Test
  void profileAsked_orNotJson_goesToTheFullHook_withTheBytesAlreadyRead() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("store"));
    Run asked =
        entry(
            "{\"hostname\":\"c0ffee\",\"annotations\":{\"io.tailor.profile\":\"gone\"}}"
                .getBytes(StandardCharsets.UTF_8),
            "hook",
            "apply",
            "--store",
            store.toString());
    assertEquals(1, asked.exit());
    assertEquals(0, asked.out().length);
    assertTrue(
        asked
            .err()
            .startsWith(
                "tailor: hook apply: profile 'gone' (annotation io.tailor.profile) is not in the store"),
        asked.err());
    assertTrue(
        Files.readString(store.resolve(".tailor/logs/apply.log")).contains("container c0ffee"));
    Run notJson =
        entry(
            "{\"a\":1,}".getBytes(StandardCharsets.UTF_8),
            "hook",
            "apply",
            "--store",
            store.toString());
    assertEquals(1, notJson.exit());
    assertEquals(0, notJson.out().length);
    assertTrue(
        notJson.err().startsWith("tailor: hook apply: the OCI config on stdin is not JSON"),
        notJson.err());
    Files.writeString(
        store.resolve("bindings.json"),
        "{\"bindings\": [{\"profile\": \"gone\", \"arg0\": \"/usr/bin/true\"}]}");
    Run bound =
        entry(
            "{\"process\":{\"args\":[\"/usr/bin/true\"]}}".getBytes(StandardCharsets.UTF_8),
            "hook",
            "apply",
            "--store",
            store.toString());
    assertEquals(1, bound.exit(), "a binding is read by the full hook: " + bound.err());
    assertTrue(bound.err().contains("profile 'gone' (rule 1 of"), bound.err());
  }

  @Test
  void otherCommands_runAsBefore() throws Exception {
    Run v = entry(new byte[0], "--version");
    assertEquals(0, v.exit(), v.err());
    assertTrue(new String(v.out(), StandardCharsets.UTF_8).startsWith("tailor "));
    assertTrue(new File(tmp.toFile(), "classes").length() > 0);
  }
}
