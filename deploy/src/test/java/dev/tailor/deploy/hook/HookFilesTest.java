package dev.tailor.deploy.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.oci.OciState;
import dev.tailor.deploy.store.ProfileStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookFilesTest {
  @TempDir Path tmp;

  @Test
  void install_writesSchema100Files_thatFireForEveryLearnValue() throws Exception {
    Path launcher = tmp.resolve("tailor");
    List<Path> files =
        HookFiles.install(
            HookFiles.LEARN,
            tmp.resolve("hooks.d"),
            launcher,
            new ProfileStore(tmp.resolve("store")),
            Map.of("JAVA_HOME", "/usr/lib/jvm/x"));
    assertEquals(2, files.size());
    JsonNode learn =
        OciJson.MAPPER.readTree(Files.readAllBytes(tmp.resolve("hooks.d/tailor-learn.json")));
    assertEquals("1.0.0", learn.get("version").asText());
    assertEquals(launcher.toString(), learn.at("/hook/path").asText());
    assertEquals(
        "[\"tailor\",\"hook\",\"learn\",\"--store\",\"" + tmp.resolve("store") + "\"]",
        learn.at("/hook/args").toString());
    assertTrue(learn.at("/hook/env").toString().contains("PATH=/usr/local/sbin"));
    assertTrue(learn.at("/hook/env").toString().contains("JAVA_HOME=/usr/lib/jvm/x"));
    assertEquals("[\"prestart\"]", learn.get("stages").toString());
    assertTrue(learn.at("/hook/timeout").asInt() > 0);
    JsonNode when = learn.at("/when/annotations");
    String keyRegex = when.fieldNames().next();
    String valueRegex = when.get(keyRegex).asText();
    // podman matches both as Go regexps; these are also valid Java regexps of the same meaning.
    assertTrue(Pattern.compile(keyRegex).matcher("io.tailor.learn").find());
    assertFalse(Pattern.compile(keyRegex).matcher("io.tailor.learnx").find());
    assertFalse(Pattern.compile(keyRegex).matcher("ioXtailorXlearn").find());
    // Every value fires the hook, which refuses what is not a profile name and says why in its log:
    // a filter in the hook file would drop such a container silently.
    for (String v :
        List.of("web-1.0_a", "../etc", "bad/name", ".hidden", ".tailor", "my app", "")) {
      assertTrue(Pattern.compile(valueRegex).matcher(v).find(), v);
    }
    JsonNode wait =
        OciJson.MAPPER.readTree(Files.readAllBytes(tmp.resolve("hooks.d/tailor-learn-wait.json")));
    assertEquals("[\"poststop\"]", wait.get("stages").toString());
    assertTrue(Files.isDirectory(tmp.resolve("store/.tailor/learning")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HookFiles.install(
                HookFiles.LEARN, tmp, Path.of("tailor"), new ProfileStore(tmp), Map.of()));
  }

  @Test
  void store_namesAndIdsNeverEscapeIt() {
    ProfileStore s = new ProfileStore(tmp);
    assertEquals(tmp.resolve("web"), s.folder("web"));
    assertThrows(
        IllegalArgumentException.class,
        () -> s.folder(".tailor"),
        "the store's own folder is no profile");
    for (String bad : new String[] {"..", ".", "a/b", "../x", "", "a\nb"}) {
      assertThrows(IllegalArgumentException.class, () -> s.folder(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> s.pending(bad), bad);
    }
  }

  @Test
  void learnHook_badNameOrNoProcess_letsTheContainerRunAndSaysWhy() throws Exception {
    ProfileStore s = new ProfileStore(tmp);
    OciState bad =
        OciState.parse(
            ("{\"id\":\"abc\",\"status\":\"created\",\"pid\":"
                    + ProcessHandle.current().pid()
                    + ",\"bundle\":\"/x\",\"annotations\":{\"io.tailor.learn\":\"../../etc\"}}")
                .getBytes(StandardCharsets.UTF_8));
    LearnHook.Outcome o = LearnHook.start(bad, s, tmp.resolve("tailor"), Duration.ofSeconds(1));
    assertFalse(o.traced());
    assertTrue(o.message().contains("is not a profile name"), o.message());
    assertFalse(Files.exists(tmp.resolve("etc")));
    OciState noPid =
        OciState.parse(
            "{\"id\":\"abc\",\"status\":\"stopped\",\"pid\":0,\"bundle\":\"/x\",\"annotations\":{\"io.tailor.learn\":\"web\"}}"
                .getBytes(StandardCharsets.UTF_8));
    LearnHook.Outcome o2 = LearnHook.start(noPid, s, tmp.resolve("tailor"), Duration.ofSeconds(1));
    assertFalse(o2.traced());
    assertTrue(o2.message().contains("no running init process"), o2.message());
  }

  @Test
  void learnHook_tracerThatDies_isReportedWithItsLastLine() throws Exception {
    Path launcher = tmp.resolve("fake-tailor");
    Files.writeString(
        launcher, "#!/bin/sh\necho 'tailor: strace is not installed: install it'\nexit 1\n");
    launcher.toFile().setExecutable(true);
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try {
      OciState st =
          OciState.parse(
              ("{\"id\":\"abc123\",\"status\":\"created\",\"pid\":"
                      + sleeper.pid()
                      + ",\"bundle\":\"/x\",\"annotations\":{\"io.tailor.learn\":\"web\"}}")
                  .getBytes(StandardCharsets.UTF_8));
      LearnHook.Outcome o =
          LearnHook.start(
              st, new ProfileStore(tmp.resolve("store")), launcher, Duration.ofSeconds(20));
      assertFalse(o.traced());
      assertTrue(o.message().contains("strace is not installed"), o.message());
      assertFalse(
          Files.exists(tmp.resolve("store/.tailor/learning/abc123")),
          "no marker left for the wait hook");
    } finally {
      sleeper.destroyForcibly();
    }
  }
}
