package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookApplyTest {
  // Reads numbers as written (0.10 stays 0.10), so a changed number shows as a changed tree.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(
              com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES,
              false);

  @TempDir Path tmp;
  Path store;
  byte[] profileSeccomp;

  @BeforeEach
  void store() throws IOException {
    store = tmp.resolve("store");
    Path web = Files.createDirectories(store.resolve("web"));
    Path fixture = Path.of("src/test/resources/export/python3-app");
    Files.copy(fixture.resolve("seccomp.json"), web.resolve("seccomp.json"));
    Files.copy(fixture.resolve("apparmor.profile"), web.resolve("apparmor.profile"));
    profileSeccomp = Files.readAllBytes(web.resolve("seccomp.json"));
  }

  /**
   * The config podman 4.3.1 gave a precreate hook here, with the annotations set to {@code
   * annotations}.
   */
  static ObjectNode podmanConfig(String... annotations) throws IOException {
    ObjectNode c;
    try (InputStream in = HookApplyTest.class.getResourceAsStream("/apply/podman-precreate.json")) {
      c = (ObjectNode) JSON.readTree(in);
    }
    ObjectNode a = c.putObject("annotations");
    a.put("io.container.manager", "libpod");
    for (int i = 0; i + 1 < annotations.length; i += 2) {
      a.put(annotations[i], annotations[i + 1]);
    }
    return c;
  }

  private HookApply.Result apply(ObjectNode config, AppArmorHost aa) throws Exception {
    return HookApply.apply(JSON.writeValueAsBytes(config), new ProfileStore(store), aa);
  }

  private static JsonNode tree(byte[] b) throws IOException {
    return JSON.readTree(b);
  }

  private static ObjectNode without(JsonNode config, String... fields) {
    ObjectNode c = config.deepCopy();
    ((ObjectNode) c.get("linux")).remove("seccomp");
    for (String f : fields) {
      ((ObjectNode) c.get("process")).remove(f);
    }
    return c;
  }

  @Test
  void apply_byAnnotation_replacesSeccompAndNothingElse() throws Exception {
    ObjectNode in = podmanConfig(HookApply.ANNOTATION, "web");
    HookApply.Result r = apply(in, FakeAppArmor.off());

    JsonNode out = tree(r.config());
    assertEquals(tree(profileSeccomp), out.get("linux").get("seccomp"));
    assertEquals(without(in), without(out));
    assertEquals(
        in.get("process").get("apparmorProfile"), out.get("process").get("apparmorProfile"));
    assertEquals("web", r.profile().orElseThrow());
  }

  @Test
  void apply_appArmorOff_leavesTheFieldAndSaysSo() throws Exception {
    ObjectNode in = podmanConfig(HookApply.ANNOTATION, "web");
    in.with("process").put("apparmorProfile", "containers-default-0.50.1");
    HookApply.Result r = apply(in, FakeAppArmor.off());

    assertEquals(
        "containers-default-0.50.1",
        tree(r.config()).get("process").get("apparmorProfile").asText());
    assertTrue(
        r.notes().get(0).contains("AppArmor is not enabled in this kernel"), r.notes().toString());
  }

  @Test
  void apply_appArmorOn_loadsTheProfileAndNamesIt() throws Exception {
    ObjectNode in = podmanConfig(HookApply.ANNOTATION, "web");
    FakeAppArmor aa = FakeAppArmor.on();
    HookApply.Result r = apply(in, aa);

    JsonNode out = tree(r.config());
    assertEquals("python3-app", out.get("process").get("apparmorProfile").asText());
    assertEquals(List.of(store.resolve("web/apparmor.profile").toRealPath()), aa.loaded);
    assertEquals(without(in, "apparmorProfile"), without(out, "apparmorProfile"));
  }

  @Test
  void apply_appArmorLoadFails_refuses() throws Exception {
    ObjectNode in = podmanConfig(HookApply.ANNOTATION, "web");
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () -> apply(in, new FakeAppArmor(true, "apparmor_parser -r x failed (exit 1)")));
    assertTrue(e.getMessage().contains("apparmor_parser"), e.getMessage());
  }

  @Test
  void apply_noAnnotationNoBindings_passesTheBytesThrough() throws Exception {
    byte[] in =
        ("{\"ociVersion\":\"1.0.2-dev\", \"annotations\": {\"k\": \"v\u00e9\"},\n \"x\": 1.50}")
            .getBytes(StandardCharsets.UTF_8);
    HookApply.Result r = HookApply.apply(in, new ProfileStore(store), FakeAppArmor.off());
    assertArrayEquals(in, r.config());
    assertTrue(r.profile().isEmpty());
  }

  @Test
  void apply_keepsNumbersAndNonAsciiExactly() throws Exception {
    ObjectNode in = podmanConfig(HookApply.ANNOTATION, "web", "note", "caf\u00e9 \u2603");
    in.with("linux").with("resources").with("cpu").put("quota", 9_007_199_254_740_993L);
    in.put("ratio", new java.math.BigDecimal("0.10"));
    byte[] bytes = apply(in, FakeAppArmor.off()).config();
    assertEquals(without(in), without(tree(bytes)));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertTrue(
        text.contains("\"ratio\":0.10")
            && text.contains("9007199254740993")
            && text.contains("caf\u00e9 \u2603"));
  }

  @Test
  void apply_bindingOnCommandLine_appliesWithoutAnnotation() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": [{\"profile\": \"web\", \"command\": \"/usr/bin/echo h.*\"}]}");
    ObjectNode in = podmanConfig();
    HookApply.Result r = apply(in, FakeAppArmor.off());
    assertEquals(tree(profileSeccomp), tree(r.config()).get("linux").get("seccomp"));
    assertTrue(r.notes().get(0).contains("rule 1 of"), r.notes().toString());
  }

  @Test
  void apply_bindingOnKubernetesAnnotations_needsAllToMatch() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": [{\"profile\": \"web\", \"annotations\": "
            + "{\"io.kubernetes.container.name\": \"web\", \"io.kubernetes.pod.namespace\": \"shop|shop-staging\"}}]}");
    HookApply.Result hit =
        apply(
            podmanConfig(
                "io.kubernetes.container.name",
                "web",
                "io.kubernetes.pod.namespace",
                "shop-staging"),
            FakeAppArmor.off());
    assertEquals("web", hit.profile().orElseThrow());

    ObjectNode other =
        podmanConfig(
            "io.kubernetes.container.name", "webhook", "io.kubernetes.pod.namespace", "shop");
    HookApply.Result miss = apply(other, FakeAppArmor.off());
    assertTrue(miss.profile().isEmpty());
    assertEquals(other, tree(miss.config()));

    HookApply.Result half =
        apply(podmanConfig("io.kubernetes.container.name", "web"), FakeAppArmor.off());
    assertTrue(half.profile().isEmpty());
  }

  @Test
  void apply_bindingOnImageAndArg0_firstMatchWins() throws Exception {
    Files.createDirectories(store.resolve("other"));
    Files.copy(store.resolve("web/seccomp.json"), store.resolve("other/seccomp.json"));
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": ["
            + "{\"profile\": \"other\", \"image\": \"docker.io/library/nginx:.*\"},"
            + "{\"profile\": \"web\", \"arg0\": \"/usr/bin/echo\"},"
            + "{\"profile\": \"other\", \"arg0\": \"/usr/bin/echo\"}]}");
    assertEquals("web", apply(podmanConfig(), FakeAppArmor.off()).profile().orElseThrow());
    assertEquals(
        "other",
        apply(
                podmanConfig("io.kubernetes.cri-o.ImageName", "docker.io/library/nginx:1.25"),
                FakeAppArmor.off())
            .profile()
            .orElseThrow());
  }

  @Test
  void apply_annotationWinsOverBindings() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": [{\"profile\": \"missing\", \"arg0\": \".*\"}]}");
    assertEquals(
        "web",
        apply(podmanConfig(HookApply.ANNOTATION, "web"), FakeAppArmor.off())
            .profile()
            .orElseThrow());
  }

  @Test
  void apply_missingProfile_refusesWithOneLine() throws Exception {
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () -> apply(podmanConfig(HookApply.ANNOTATION, "nope"), FakeAppArmor.off()));
    assertTrue(
        e.getMessage()
            .startsWith("profile 'nope' (annotation io.tailor.profile) is not in the store"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void apply_bindingToMissingProfile_refuses() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": [{\"profile\": \"gone\", \"arg0\": \"/usr/bin/echo\"}]}");
    ApplyException e =
        assertThrows(ApplyException.class, () -> apply(podmanConfig(), FakeAppArmor.off()));
    assertTrue(e.getMessage().contains("profile 'gone' (rule 1 of"), e.getMessage());
  }

  @Test
  void apply_namesThatEscapeTheStore_areRefused() throws Exception {
    Files.createDirectories(tmp.resolve("outside"));
    Files.copy(store.resolve("web/seccomp.json"), tmp.resolve("outside/seccomp.json"));
    Files.createSymbolicLink(store.resolve("link"), tmp.resolve("outside"));
    for (String name :
        List.of("../outside", "..", ".", ".tailor", "/etc", "web/../web", "", "a b", "web\n")) {
      ApplyException e =
          assertThrows(
              ApplyException.class,
              () -> apply(podmanConfig(HookApply.ANNOTATION, name), FakeAppArmor.off()),
              name);
      assertTrue(e.getMessage().contains("not a valid name"), e.getMessage());
    }
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () -> apply(podmanConfig(HookApply.ANNOTATION, "link"), FakeAppArmor.off()));
    assertTrue(e.getMessage().contains("leads outside the store"), e.getMessage());
  }

  @Test
  void apply_unreadableOrBrokenProfile_refuses() throws Exception {
    Files.createDirectories(store.resolve("dir/seccomp.json"));
    Files.createDirectories(store.resolve("broken"));
    Files.writeString(
        store.resolve("broken/seccomp.json"), "{\"defaultAction\": \"SCMP_ACT_ERRNO\", ");
    Files.createDirectories(store.resolve("bad-action"));
    Files.writeString(
        store.resolve("bad-action/seccomp.json"), "{\"defaultAction\": \"SCMP_ACT_MAYBE\"}");
    Files.createDirectories(store.resolve("empty"));
    assertRefused("dir", "is not a regular file");
    assertRefused("broken", "not valid JSON");
    assertRefused("bad-action", "not a valid seccomp profile here");
    assertRefused("empty", "seccomp.json is missing");
  }

  @Test
  void apply_profileForAnotherArchitecture_refuses() throws Exception {
    Files.createDirectories(store.resolve("arm"));
    Files.writeString(
        store.resolve("arm/seccomp.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
            + "\"architectures\": [\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\"], "
            + "\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
    // On an aarch64 machine the same profile is the right one; the other architecture is refused.
    boolean arm = dev.tailor.tracer.seccomp.SyscallTable.nativeArch().equals("aarch64");
    Files.writeString(
        store.resolve("arm/seccomp.json"),
        Files.readString(store.resolve("arm/seccomp.json"))
            .replace(
                arm
                    ? "\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\""
                    : "\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\"",
                arm ? "\"SCMP_ARCH_X86_64\"" : "\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\""));
    assertRefused("arm", "not for this");
  }

  @Test
  void apply_configThatIsNotJson_isRefusedNotEchoed() {
    for (String bad :
        List.of("not json", "{\"a\": 1} trailing", "[1, 2]", "{\"a\": 1, \"a\": 2}", "")) {
      ApplyException e =
          assertThrows(
              ApplyException.class,
              () ->
                  HookApply.apply(
                      bad.getBytes(StandardCharsets.UTF_8),
                      new ProfileStore(store),
                      FakeAppArmor.off()),
              bad);
      assertTrue(e.getMessage().startsWith("the OCI config on stdin is not"), e.getMessage());
    }
  }

  @Test
  void bindings_badFiles_areErrorsNotEmpty() throws Exception {
    for (String bad :
        List.of(
            "{\"bindings\": [{\"profile\": \"web\"}]}",
            "{\"bindings\": [{\"profile\": \"web\", \"comand\": \"x\"}]}",
            "{\"bindings\": [{\"profile\": \"../web\", \"arg0\": \"x\"}]}",
            "{\"bindings\": [{\"profile\": \"web\", \"arg0\": \"(\"}]}",
            "{\"bindings\": {}}",
            "{\"rules\": []}",
            "not json")) {
      Files.writeString(store.resolve(ProfileStore.BINDINGS), bad);
      assertThrows(ApplyException.class, () -> apply(podmanConfig(), FakeAppArmor.off()), bad);
    }
  }

  private void assertRefused(String name, String why) {
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () -> apply(podmanConfig(HookApply.ANNOTATION, name), FakeAppArmor.off()),
            name);
    assertTrue(e.getMessage().contains(why), name + ": " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void hookLog_appendsTheLineWithTheContainer() throws Exception {
    Path log = tmp.resolve("log/hook.log");
    HookLog.append(
        log, JSON.writeValueAsBytes(podmanConfig()), "tailor: hook apply: profile 'x' is missing");
    String text = Files.readString(log);
    assertTrue(
        text.contains(
            "container 87d170618205 (/usr/bin/echo hi): tailor: hook apply: profile 'x' is missing"),
        text);
    OciJson.read(
        JSON.writeValueAsBytes(podmanConfig()), "x"); // the fixture is what OciJson accepts too
  }
}
