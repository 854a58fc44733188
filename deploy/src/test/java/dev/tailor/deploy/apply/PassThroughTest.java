package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.store.ProfileStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The precreate hook's cheap look may say "passes through" only where the full hook would echo the
 * config unchanged: checked against {@link HookApply} itself, on hand-made doubts and on thousands
 * of mutated configs.
 */
class PassThroughTest {
  @TempDir Path store;

  /** What podman 4.3 proposes, shortened: escapes as Go writes them, numbers of every form. */
  static final String PODMAN =
      "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
          + "\"args\":[\"/usr/bin/true\"],\"env\":[\"PATH=/usr/bin\",\"Q=a\\u0026b\\u003cc\",\"T=\\t\\\"x\\\"\\\\\"],"
          + "\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]},\"oomScoreAdj\":-1000},"
          + "\"root\":{\"path\":\"/var/lib/x\"},\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"options\":[]}],"
          + "\"annotations\":{\"io.container.manager\":\"libpod\",\"org.opencontainers.image.stopSignal\":\"15\","
          + "\"io.tailorx\":\"not ours\"},\"linux\":{\"resources\":{\"cpu\":{\"quota\":1.5e3,\"period\":0,\"shares\":-0.25E-2}},"
          + "\"seccomp\":null,\"maskedPaths\":[],\"readonly\":true,\"sysctl\":{}}}\n";

  @BeforeEach
  void profile() throws Exception {
    Path web = Files.createDirectories(store.resolve("web"));
    Files.writeString(
        web.resolve("seccomp.json"),
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
            + "\"architectures\":[],\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\",\"execve\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\"}]}");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** "certain" must imply that the full hook echoes the bytes and applies nothing. */
  private boolean certainAndTrue(byte[] config) {
    boolean certain = PassThrough.certain(config, store);
    if (certain) {
      HookApply.Result full;
      try {
        full = HookApply.apply(config, new ProfileStore(store), FakeAppArmor.off());
      } catch (ApplyException e) {
        throw new AssertionError(
            "said pass-through, but the full hook refuses: "
                + e.getMessage()
                + " in "
                + new String(config, StandardCharsets.ISO_8859_1),
            e);
      }
      assertTrue(full.profile().isEmpty(), new String(config, StandardCharsets.ISO_8859_1));
      assertArrayEquals(config, full.config());
    }
    return certain;
  }

  @Test
  void podmansConfig_withoutTailorsAnnotations_passesThrough() {
    assertTrue(certainAndTrue(bytes(PODMAN)));
    assertTrue(certainAndTrue(bytes("{}")));
    assertTrue(certainAndTrue(bytes(" {\"annotations\":{}} \r\n")));
  }

  @Test
  void anyIoTailorAnnotation_orEscapedOne_goesToTheFullHook() {
    for (String key :
        List.of(
            "io.tailor.profile",
            "io.tailor.observe",
            "io\\u002etailor.profile",
            "\\u0069o.tailor.profile",
            "io.tailor\\u002Eprofile")) {
      String c = PODMAN.replace("\"io.container.manager\"", "\"" + key + "\"");
      assertFalse(certainAndTrue(bytes(c)), c);
    }
    // the annotation read by the full hook is the top level's only
    assertTrue(
        certainAndTrue(bytes("{\"process\":{\"annotations\":{\"io.tailor.profile\":\"web\"}}}")));
  }

  @Test
  void aBindingsFile_ofAnyKind_goesToTheFullHook() throws Exception {
    Files.writeString(store.resolve("bindings.json"), "{\"bindings\":[]}");
    assertFalse(PassThrough.certain(bytes(PODMAN), store));
    Files.delete(store.resolve("bindings.json"));
    Files.createSymbolicLink(store.resolve("bindings.json"), store.resolve("nowhere"));
    assertFalse(PassThrough.certain(bytes(PODMAN), store), "a dangling link is not 'no bindings'");
  }

  @Test
  void jsonTheStrictParserRefuses_orDoubts_goesToTheFullHook() {
    for (String c :
        List.of(
            "",
            " ",
            "[]",
            "null",
            "{",
            "{}x",
            "{}{}",
            "{\"a\":1,}",
            "{\"a\":[1,]}",
            "{'a':1}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":-}",
            "{\"a\":NaN}",
            "{\"a\":tru}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\u0001\"}",
            "{\"a\":\"é\"}",
            "\uFEFF{}",
            "{\"a\":1,\"a\":2}",
            "{\"b\":{\"a\":1,\"a\":1}}",
            "{/*c*/}",
            "{\"a\":\"\\ud800\"}",
            "{\"annotations\":[]}",
            "{\"annotations\":\"io.tailor.profile\"}",
            "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}",
            "{\"a\":1" + "0".repeat(200) + "}")) {
      assertFalse(certainAndTrue(bytes(c)), c);
    }
  }

  @Test
  void mutatedConfigs_areNeverWronglyPassedThrough() {
    byte[] base =
        bytes(
            PODMAN
                .replace("\"io.container.manager\"", "\"io.tailor.profile\"")
                .replace("libpod", "web"));
    byte[] alphabet = bytes("{}[],:\"\\ u0123456789abcdefeE+-.tailorprofile\n\u007f");
    Random random = new Random(22);
    int passed = 0;
    for (int i = 0; i < 4000; i++) {
      byte[] c = base.clone();
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        c[random.nextInt(c.length)] =
            random.nextInt(8) == 0
                ? (byte) random.nextInt(256)
                : alphabet[random.nextInt(alphabet.length)];
      }
      if (certainAndTrue(c)) {
        passed++;
      }
    }
    // Mutations that break the annotation's key make configs that do pass: the comparison above ran
    // on them.
    assertTrue(passed > 0, "no mutated config passed through: the comparison never ran");
  }
}
