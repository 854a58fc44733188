package dev.tailor.deploy.runc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.apply.AppArmorHost;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.hook.HookFiles;
import dev.tailor.deploy.store.ProfileStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AppArmorHost NO_APPARMOR =
      new AppArmorHost() {
        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public void load(byte[] text, Path file) throws ApplyException {
          throw new ApplyException("no AppArmor here");
        }
      };

  @TempDir Path tmp;
  ProfileStore store;
  Path launcher;

  @BeforeEach
  void store() throws Exception {
    store = new ProfileStore(tmp.resolve("store"));
    Path web = Files.createDirectories(store.folder("web"));
    Path fixture = Path.of("src/test/resources/export/python3-app");
    Files.copy(fixture.resolve("seccomp.json"), web.resolve("seccomp.json"));
    Files.copy(fixture.resolve("apparmor.profile"), web.resolve("apparmor.profile"));
    launcher = tmp.resolve("bin/tailor");
  }

  /** The config podman 4.3.1 proposed here, with {@code env} as process.env and no annotations. */
  private static ObjectNode config(String... env) throws Exception {
    ObjectNode c;
    try (InputStream in =
        RuncBundleTest.class.getResourceAsStream("/apply/podman-precreate.json")) {
      c = (ObjectNode) JSON.readTree(in);
    }
    c.remove("annotations");
    var e = c.with("process").putArray("env");
    for (String v : env) {
      e.add(v);
    }
    return c;
  }

  private RuncBundle.Result prepare(ObjectNode config) throws Exception {
    return RuncBundle.prepare(
        JSON.writeValueAsBytes(config),
        store,
        NO_APPARMOR,
        Optional.of(launcher),
        Map.of("JAVA_HOME", "/j"),
        Set.of(RuncBundle.PROFILE_VARIABLE, RuncBundle.LEARN_VARIABLE));
  }

  @Test
  void profileVariable_isTakenOutOfTheEnvironment_andTheProfileApplied() throws Exception {
    ObjectNode in = config("PATH=/usr/bin", "TAILOR_PROFILE=web", "HOME=/root");
    RuncBundle.Result r = prepare(in);
    JsonNode out = JSON.readTree(r.config());
    assertTrue(r.changed());
    assertEquals("[\"PATH=/usr/bin\",\"HOME=/root\"]", out.at("/process/env").toString());
    assertEquals("web", out.at("/annotations/io.tailor.profile").asText());
    assertEquals(
        JSON.readTree(Files.readAllBytes(store.folder("web").resolve("seccomp.json"))),
        out.at("/linux/seccomp"));
    assertTrue(r.learning().isEmpty());
    assertFalse(out.has("hooks") && out.get("hooks").has("prestart"), out.toString());
  }

  @Test
  void learnVariable_addsTheLearnHooks_thatRunTheLauncher_afterTheRuntimesOwn() throws Exception {
    ObjectNode in = config("TAILOR_LEARN=web2");
    in.putObject("hooks").putArray("prestart").addObject().put("path", "/usr/bin/docker-setkey");
    RuncBundle.Result r = prepare(in);
    JsonNode out = JSON.readTree(r.config());
    assertEquals(Optional.of("web2"), r.learning());
    assertEquals("[]", out.at("/process/env").toString());
    assertEquals("web2", out.at("/annotations/io.tailor.learn").asText());
    JsonNode prestart = out.at("/hooks/prestart");
    assertEquals(2, prestart.size());
    assertEquals("/usr/bin/docker-setkey", prestart.get(0).get("path").asText());
    assertEquals(launcher.toString(), prestart.get(1).get("path").asText());
    assertEquals(
        "[\"tailor\",\"hook\",\"learn\",\"--store\",\"" + store.root() + "\"]",
        prestart.get(1).get("args").toString());
    assertTrue(prestart.get(1).get("env").toString().contains("JAVA_HOME=/j"), prestart.toString());
    JsonNode poststop = out.at("/hooks/poststop");
    assertEquals(1, poststop.size());
    assertEquals(
        "[\"tailor\",\"hook\",\"wait\",\"--store\",\"" + store.root() + "\"]",
        poststop.get(0).get("args").toString());
    // The same entries the hooks.d files hold.
    assertEquals(
        HookFiles.ociHook(HookFiles.LEARN.get(0), launcher, store, Map.of("JAVA_HOME", "/j")),
        prestart.get(1));
    // No profile asked for: the seccomp the runtime proposed stays.
    assertEquals(in.at("/linux/seccomp"), out.at("/linux/seccomp"));
  }

  @Test
  void learnAnnotation_withoutVariable_alsoAddsTheHooks() throws Exception {
    ObjectNode in = config("A=1");
    in.putObject("annotations").put(HookFiles.LEARN_ANNOTATION, "web3");
    RuncBundle.Result r = prepare(in);
    assertEquals(2, JSON.readTree(r.config()).at("/hooks").size());
    assertEquals("[\"A=1\"]", JSON.readTree(r.config()).at("/process/env").toString());
  }

  @Test
  void nothingAsked_leavesTheBytesAsTheyWere() throws Exception {
    byte[] in = JSON.writeValueAsBytes(config("TAILOR_OTHER=1", "X=TAILOR_PROFILE=web"));
    RuncBundle.Result r =
        RuncBundle.prepare(in, store, NO_APPARMOR, Optional.empty(), Map.of(), Set.of());
    assertFalse(r.changed());
    assertArrayEquals(in, r.config());
  }

  @Test
  void missingProfileFromTheVariable_refuses_andSaysWhereTheNameCameFrom() throws Exception {
    ApplyException e =
        assertThrows(ApplyException.class, () -> prepare(config("TAILOR_PROFILE=nope")));
    assertTrue(
        e.getMessage().contains("profile 'nope'")
            && e.getMessage().contains("TAILOR_PROFILE in process.env"),
        e.getMessage());
  }

  @Test
  void conflicts_andBadNames_refuse() throws Exception {
    ObjectNode both = config("TAILOR_PROFILE=web");
    both.putObject("annotations").put("io.tailor.profile", "other");
    assertTrue(
        assertThrows(ApplyException.class, () -> prepare(both)).getMessage().contains("disagree"));
    assertTrue(
        assertThrows(
                ApplyException.class, () -> prepare(config("TAILOR_LEARN=a", "TAILOR_LEARN=b")))
            .getMessage()
            .contains("twice"));
    assertTrue(
        assertThrows(ApplyException.class, () -> prepare(config("TAILOR_LEARN=../x")))
            .getMessage()
            .contains("is not a profile name"));
    ApplyException noLauncher =
        assertThrows(
            ApplyException.class,
            () ->
                RuncBundle.prepare(
                    JSON.writeValueAsBytes(config("TAILOR_LEARN=x")),
                    store,
                    NO_APPARMOR,
                    Optional.empty(),
                    Map.of(),
                    Set.of(RuncBundle.LEARN_VARIABLE)));
    assertTrue(noLauncher.getMessage().contains("TAILOR=PATH"), noLauncher.getMessage());
    ObjectNode badHooks = config("TAILOR_LEARN=x");
    badHooks.put("hooks", "no");
    assertThrows(ApplyException.class, () -> prepare(badHooks));
  }

  @Test
  void prepare_variableTheRuntimeDoesNotTake_isRefused_notIgnoredNorObeyed() throws Exception {
    // An image's ENV reaches process.env as -e does: without the owner's consent neither key
    // counts,
    // and a container that asks for one is not started unconfined either.
    for (String v : List.of("TAILOR_PROFILE=web", "TAILOR_LEARN=web")) {
      byte[] in = JSON.writeValueAsBytes(config(v));
      ApplyException e =
          assertThrows(
              ApplyException.class,
              () ->
                  RuncBundle.prepare(
                      in, store, NO_APPARMOR, Optional.of(launcher), Map.of(), Set.of()));
      assertTrue(e.getMessage().contains("--tailor-env-keys"), e.getMessage());
    }
    // Only the key allowed counts: learning allowed does not let an image pick a profile.
    ApplyException onlyLearn =
        assertThrows(
            ApplyException.class,
            () ->
                RuncBundle.prepare(
                    JSON.writeValueAsBytes(config("TAILOR_PROFILE=web")),
                    store,
                    NO_APPARMOR,
                    Optional.of(launcher),
                    Map.of(),
                    Set.of(RuncBundle.LEARN_VARIABLE)));
    assertTrue(
        onlyLearn.getMessage().contains("--tailor-env-keys profile"), onlyLearn.getMessage());
  }

  @Test
  void replaceConfig_keepsThePermissions_andLeavesNoTemporaryFile() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Path f = bundle.resolve("config.json");
    Files.writeString(f, "{}");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    RuncBundle.replaceConfig(bundle, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertEquals("{\"a\":1}", Files.readString(f));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals(List.of(f), Files.list(bundle).toList());
  }
}
