package dev.tailor.deploy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tailor.deploy.oci.OciException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandoverTest {
  /** What runc 1.1.5 sends with the notify fd (specs.ContainerProcessState). */
  static String runcMessage(String annotations, String metadata) {
    return "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\""
        + metadata
        + "\","
        + "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"c0ffee\",\"status\":\"creating\",\"pid\":4242,"
        + "\"bundle\":\"/run/b\",\"annotations\":{"
        + annotations
        + "}}}";
  }

  static Handover parse(String json) throws OciException {
    return Handover.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void profile_isTheObserveAnnotation_thenTheProfileAnnotation_thenMetadata_thenTheId()
      throws Exception {
    assertEquals(
        "web",
        parse(runcMessage("\"io.tailor.observe\":\"web\",\"io.tailor.profile\":\"x\"", "y"))
            .container(Optional.empty())
            .profile());
    assertEquals(
        "x",
        parse(runcMessage("\"io.tailor.profile\":\"x\"", "y"))
            .container(Optional.empty())
            .profile());
    assertEquals(
        "y", parse(runcMessage("", "io.tailor.observe=y")).container(Optional.empty()).profile());
    assertEquals("c0ffee", parse(runcMessage("", "")).container(Optional.empty()).profile());
    assertEquals(
        "fixed",
        parse(runcMessage("\"io.tailor.observe\":\"web\"", ""))
            .container(Optional.of("fixed"))
            .profile());
    Handover h = parse(runcMessage("", ""));
    assertEquals(4242, h.pid());
    assertEquals(0, h.seccompFd());
    assertEquals("/run/b", h.state().bundle());
  }

  @Test
  void hostileNames_areRefused() throws Exception {
    assertThrows(
        OciException.class,
        () ->
            parse(runcMessage("\"io.tailor.observe\":\"../etc\"", "")).container(Optional.empty()));
    assertThrows(
        OciException.class,
        () ->
            parse(runcMessage("\"io.tailor.observe\":\".tailor\"", ""))
                .container(Optional.empty()));
    assertThrows(
        OciException.class,
        () ->
            parse(runcMessage("", "").replace("\"id\":\"c0ffee\"", "\"id\":\"a/b\""))
                .container(Optional.empty()));
    assertThrows(OciException.class, () -> parse("not json"));
    assertThrows(
        OciException.class, () -> parse(runcMessage("", "").replace("seccompFd", "other")));
  }
}
