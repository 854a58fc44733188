package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompProfile;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The precreate hook in observe mode: which containers go on trial, and with which variant. */
class HookApplyObserveTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path store;
  SeccompProfile learned;

  @BeforeEach
  void store() throws IOException {
    store = tmp.resolve("store");
    Path web = Files.createDirectories(store.resolve("web"));
    Path fixture = Path.of("src/test/resources/export/python3-app");
    Files.copy(fixture.resolve("seccomp.json"), web.resolve("seccomp.json"));
    Files.copy(fixture.resolve("apparmor.profile"), web.resolve("apparmor.profile"));
    learned = SeccompJson.read(web.resolve("seccomp.json")).profile();
  }

  private HookApply.Result apply(ObjectNode config, Path socket) throws Exception {
    return HookApply.apply(
        JSON.writeValueAsBytes(config),
        new ProfileStore(store),
        FakeAppArmor.off(),
        new ObserveMode(socket));
  }

  private SeccompProfile seccompOf(HookApply.Result r) throws Exception {
    JsonNode s = JSON.readTree(r.config()).path("linux").path("seccomp");
    Path file = Files.createTempFile(tmp, "applied", ".json");
    Files.writeString(file, JSON.writeValueAsString(s));
    return SeccompJson.read(file).profile();
  }

  @Test
  void observeAnnotation_agentAbsent_logVariant_andTheNoteSaysSo() throws Exception {
    Path socket = store.resolve(".tailor/observe.sock");
    HookApply.Result r = apply(HookApplyTest.podmanConfig(ObserveMode.ANNOTATION, "web"), socket);
    assertEquals("web", r.profile().orElseThrow());
    SeccompProfile applied = seccompOf(r);
    assertEquals(ObserveVariant.logging(learned), applied);
    assertEquals("", applied.listenerPath());
    String note =
        r.notes().stream()
            .filter(n -> n.startsWith("tailor: observe mode"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        note.startsWith(
            "tailor: observe mode, SCMP_ACT_LOG (no agent): profile 'web' (annotation "
                + "io.tailor.observe) on trial, not enforced; "),
        note);
    assertTrue(note.contains("the agent at " + socket + " does not answer"), note);
  }

  @Test
  void observeAnnotation_agentListening_notifyVariantWithTheSocket() throws Exception {
    Path socket = Files.createDirectories(store.resolve(".tailor")).resolve("observe.sock");
    try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      agent.bind(UnixDomainSocketAddress.of(socket));
      HookApply.Result r = apply(HookApplyTest.podmanConfig(ObserveMode.ANNOTATION, "web"), socket);
      SeccompProfile applied = seccompOf(r);
      assertEquals(ObserveVariant.notifying(learned, socket.toString()), applied);
      assertTrue(
          r.notes().stream()
              .anyMatch(
                  n ->
                      n.startsWith("tailor: observe mode, SCMP_ACT_NOTIFY: profile 'web'")
                          && n.endsWith("go to the agent at " + socket)),
          r.notes().toString());
    }
  }

  @Test
  void bindingInObserveMode_putsTheProfileOnTrial_enforceModeDoesNot() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": ["
            + "{\"profile\": \"web\", \"mode\": \"observe\", \"arg0\": \"/usr/bin/echo\"},"
            + "{\"profile\": \"web\", \"mode\": \"enforce\", \"arg0\": \".*\"}]}");
    Path socket = tmp.resolve("none.sock");
    HookApply.Result observed = apply(HookApplyTest.podmanConfig(), socket);
    assertEquals(ObserveVariant.logging(learned), seccompOf(observed));
    assertTrue(
        observed.notes().stream().anyMatch(n -> n.contains("(rule 1 of ")),
        observed.notes().toString());
    ObjectNode other = HookApplyTest.podmanConfig();
    ((com.fasterxml.jackson.databind.node.ArrayNode) other.with("process").withArray("args"))
        .removeAll()
        .add("/bin/ls");
    HookApply.Result enforced = apply(other, socket);
    assertEquals(learned, seccompOf(enforced));
    assertFalse(
        enforced.notes().stream().anyMatch(n -> n.contains("observe mode")),
        enforced.notes().toString());
  }

  @Test
  void enforcingAnnotation_winsOverObserving() throws Exception {
    HookApply.Result r =
        apply(
            HookApplyTest.podmanConfig(ObserveMode.ANNOTATION, "web", HookApply.ANNOTATION, "web"),
            tmp.resolve("none.sock"));
    assertEquals(learned, seccompOf(r));
  }

  @Test
  void observeMode_refusesWhatEnforceModeRefuses() {
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () ->
                apply(
                    HookApplyTest.podmanConfig(ObserveMode.ANNOTATION, "nope"),
                    tmp.resolve("none.sock")));
    assertTrue(
        e.getMessage()
            .startsWith("profile 'nope' (annotation io.tailor.observe) is not in the store"),
        e.getMessage());
  }

  @Test
  void badMode_isAnError() throws Exception {
    Files.writeString(
        store.resolve(ProfileStore.BINDINGS),
        "{\"bindings\": [{\"profile\": \"web\", \"mode\": \"complain\", \"arg0\": \".*\"}]}");
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () -> apply(HookApplyTest.podmanConfig(), tmp.resolve("none.sock")));
    assertTrue(
        e.getMessage().contains("\"mode\" must be \"enforce\" (the default) or \"observe\""),
        e.getMessage());
  }
}
