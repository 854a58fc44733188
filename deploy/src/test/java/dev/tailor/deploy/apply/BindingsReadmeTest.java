package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The bindings.json example in the README is a valid file and picks what the README says it picks.
 */
class BindingsReadmeTest {
  private static String readmeExample() throws Exception {
    String root = System.getProperty("tailor.repoRoot", "..");
    Path readme = Path.of(root, "README.md");
    if (!Files.exists(readme)) {
      readme = Path.of("..", "README.md");
    }
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("```json\n{\n  \"bindings\"");
    assertTrue(start >= 0, "the README has a bindings.json example");
    int end = text.indexOf("```", start + 7);
    return text.substring(start + 8, end);
  }

  private static Optional<String> pick(
      Bindings b, Map<String, String> annotations, String... args) {
    return b.select(new Container(new TreeMap<>(annotations), List.of(args)))
        .map(Bindings.Binding::profile);
  }

  @Test
  void readmeExample_parsesAndMatchesAsDocumented() throws Exception {
    Bindings b = Bindings.parse(readmeExample().getBytes(StandardCharsets.UTF_8), "README.md");
    assertEquals(4, b.rules().size());
    assertEquals(
        Optional.of("shop-web"),
        pick(
            b,
            Map.of(
                "io.kubernetes.container.name",
                "web",
                "io.kubernetes.pod.namespace",
                "shop-staging"),
            "/usr/sbin/nginx"));
    assertEquals(
        Optional.of("nginx"),
        pick(
            b,
            Map.of(
                "io.kubernetes.container.name",
                "webhook",
                "io.kubernetes.cri-o.ImageName",
                "docker.io/library/nginx:1.25.3"),
            "/usr/sbin/nginx"));
    assertEquals(
        Optional.of("python3-app"), pick(b, Map.of(), "python3", "/srv/app.py", "--port", "80"));
    assertEquals(Optional.empty(), pick(b, Map.of(), "python3", "/srv/appXpy"));
    assertEquals(Optional.of("ls"), pick(b, Map.of(), "/usr/bin/ls", "-l"));
    assertEquals(Optional.empty(), pick(b, Map.of(), "/usr/bin/lsblk"));
  }
}
