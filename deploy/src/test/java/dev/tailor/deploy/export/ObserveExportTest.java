package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --observe}: each profile on trial as NAME-observe, with seccomp.json's log variant.
 */
class ObserveExportTest {
  @TempDir Path tmp;

  private Path copy(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    try (var s = Files.list(Fixtures.DIR.resolve(name))) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  @Test
  void spo_observeVariant_validatesAgainstTheCrd_andIsTheLogVariant() throws Exception {
    ProfileDir p = ProfileDir.read(Fixtures.DIR.resolve("with-args")).observing();
    assertEquals("with-args-observe", p.name());
    JsonNode spo =
        SpoSchemaTest.documents(Fixtures.render(Export.Format.SPO, List.of(p), new ArrayList<>()))
            .get(0);
    assertEquals("with-args-observe", spo.at("/metadata/name").asText());
    assertTrue(SpoSchemaTest.validate(spo).isEmpty(), SpoSchemaTest.validate(spo).toString());
    String expected =
        SeccompJson.toJson(
            ObserveVariant.logging(
                SeccompJson.read(Fixtures.DIR.resolve("with-args/seccomp.json")).profile()));
    JsonNode file = Yaml.MAPPER.readTree(expected);
    assertEquals(file.get("syscalls").size(), spo.at("/spec/syscalls").size());
    assertTrue(spo.at("/spec/syscalls").toString().contains("SCMP_ACT_LOG"), spo.toString());
  }

  @Test
  void kubernetes_observeVariant_pointsAtItsOwnNodeFile() throws Exception {
    ProfileDir p = ProfileDir.read(Fixtures.DIR.resolve("python3-app")).observing();
    String yaml = Fixtures.render(Export.Format.KUBERNETES, List.of(p), new ArrayList<>());
    assertTrue(yaml.contains("localhostProfile: profiles/python3-app-observe.json"), yaml);
    String ds = Fixtures.render(Export.Format.DAEMONSET, List.of(p), new ArrayList<>());
    assertTrue(ds.contains("python3-app-observe.json"), ds);
  }

  @Test
  void docker_observe_namesSeccompObserveJson_whichMustBeTheCurrentVariant() throws Exception {
    Path dir = copy("python3-app");
    ProfileDir p = ProfileDir.read(dir).observing();
    ExportException missing =
        assertThrows(
            ExportException.class,
            () -> Fixtures.render(Export.Format.DOCKER, List.of(p), new ArrayList<>()));
    assertTrue(
        missing
            .getMessage()
            .startsWith(
                dir.resolve("seccomp.observe.json")
                    + " is missing or is not the observe "
                    + "variant of "),
        missing.getMessage());
    Files.writeString(dir.resolve("seccomp.observe.json"), p.seccompText());
    String sh =
        Fixtures.render(
            Export.Format.DOCKER, List.of(ProfileDir.read(dir).observing()), new ArrayList<>());
    assertTrue(
        sh.contains("docker run --security-opt seccomp=" + dir.resolve("seccomp.observe.json")),
        sh);
    String podman =
        Fixtures.render(
            Export.Format.PODMAN, List.of(ProfileDir.read(dir).observing()), new ArrayList<>());
    assertTrue(podman.contains("podman run --annotation io.tailor.observe=python3-app "), podman);
  }
}
