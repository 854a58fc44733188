package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.tailor.deploy.oci.Bundle;
import dev.tailor.deploy.runtime.PodmanRun;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemonset export's install script, run as the kubelet would run the init container: in a real
 * container (podman + runc) with the ConfigMap's keys as files under /profiles and, for each
 * hostPath volume the manifest mounts, that path of a node folder at the manifest's mount path: so
 * the script can reach only what the manifest gives it.
 */
class DaemonSetScriptTest {
  @TempDir Path tmp;

  private record Result(int exit, String out) {}

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static void assumePodman() {
    assumeTrue(
        onPath("podman") && onPath("runc"),
        "podman and runc are not installed (apt-get install podman runc)");
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "podman with --rootfs and cgroupfs needs root here");
  }

  /**
   * Runs the exported init container with the node folder {@code node}; {@code extra} are more
   * podman flags.
   */
  private Result install(Path node, List<String> extra) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        Yaml.MAPPER
            .readerFor(JsonNode.class)
            .readValues(
                Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), new ArrayList<>()))) {
      it.forEachRemaining(docs::add);
    }
    Path profiles = Files.createDirectories(tmp.resolve("configmap"));
    for (Iterator<Map.Entry<String, JsonNode>> it = docs.get(0).path("data").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Files.writeString(
          profiles.resolve(e.getKey()), e.getValue().asText(), StandardCharsets.UTF_8);
    }
    JsonNode spec = docs.get(1).at("/spec/template/spec");
    JsonNode install = spec.at("/initContainers/0");
    List<String> cmd = new PodmanRun(Optional.empty(), "runc", true).argv();
    if (install.at("/securityContext/readOnlyRootFilesystem").asBoolean()) {
      cmd.add("--read-only");
    }
    for (JsonNode m : install.path("volumeMounts")) {
      JsonNode volume = null;
      for (JsonNode v : spec.path("volumes")) {
        if (v.path("name").equals(m.path("name"))) {
          volume = v;
        }
      }
      String source;
      if (volume.has("configMap")) {
        source = profiles.toString();
      } else {
        Path host = node.resolve(volume.at("/hostPath/path").asText().substring(1));
        Files.createDirectories(host);
        source = host.toString();
      }
      cmd.add("-v");
      cmd.add(
          source
              + ":"
              + m.path("mountPath").asText()
              + (m.path("readOnly").asBoolean() ? ":ro" : ""));
    }
    cmd.addAll(extra);
    Path bundle = tmp.resolve("bundle-" + System.nanoTime());
    Bundle.create(bundle, List.of("/usr/bin/true"), Bundle.Variant.ALL.get(0));
    cmd.addAll(List.of("--rootfs", bundle.resolve("rootfs").toString()));
    install.path("command").forEach(c -> cmd.add(c.asText()));
    Path out = tmp.resolve("out-" + System.nanoTime());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the install container did not finish in 180 s");
    return new Result(p.exitValue(), Files.readString(out));
  }

  private static TreeSet<String> files(Path root) throws Exception {
    TreeSet<String> s = new TreeSet<>();
    try (Stream<Path> w = Files.walk(root)) {
      w.filter(Files::isRegularFile).forEach(f -> s.add(root.relativize(f).toString()));
    }
    return s;
  }

  @Test
  void installScript_putsEverySeccompProfileWhereTheKubeletLooks_andWritesNothingElse()
      throws Exception {
    assumePodman();
    Path node = Files.createDirectories(tmp.resolve("node"));
    Result r = install(node, List.of());
    assertEquals(0, r.exit(), r.out());
    TreeSet<String> expected = new TreeSet<>();
    for (ProfileDir d : Fixtures.all()) {
      Path installed = node.resolve("var/lib/kubelet/seccomp/profiles/" + d.name() + ".json");
      assertEquals(
          Files.readString(d.path().resolve("seccomp.json")),
          Files.readString(installed),
          d.name());
      assertTrue(
          r.out().contains("tailor: installed seccomp profile profiles/" + d.name() + ".json"),
          r.out());
      expected.add("var/lib/kubelet/seccomp/profiles/" + d.name() + ".json");
    }
    // No temporary files, and nothing outside the kubelet's seccomp folder: this node has no
    // AppArmor.
    assertEquals(expected, files(node));
    assertTrue(r.out().contains("AppArmor is not enabled on this node"), r.out());
  }

  /**
   * Podman flags that make the container see a node with AppArmor enabled (the host kernel has
   * none).
   */
  private Path appArmorEnabled() throws Exception {
    Path enabled = tmp.resolve("enabled");
    Files.writeString(enabled, "Y\n");
    return enabled;
  }

  @Test
  void installScript_appArmorNode_imageWithoutApparmorParser_failsSayingSo() throws Exception {
    assumePodman();
    Path node = Files.createDirectories(tmp.resolve("node"));
    // /usr/sbin (where this host's apparmor_parser is) is left off PATH: an image without one.
    Result r =
        install(
            node,
            List.of(
                "--mount",
                "type=tmpfs,destination=/sys/module",
                "-v",
                appArmorEnabled() + ":/sys/module/apparmor/parameters/enabled:ro",
                "--env",
                "PATH=/usr/bin:/bin"));
    assertEquals(1, r.exit(), r.out());
    assertTrue(
        r.out()
            .contains(
                "tailor: AppArmor is enabled on this node but the installer image has no "
                    + "apparmor_parser: export again with --image IMAGE that carries one (see README)"),
        r.out());
  }

  @Test
  void installScript_appArmorNode_loadsEachProfileWithTheImagesParser_andFailsWhenTheKernelRefuses()
      throws Exception {
    assumePodman();
    assumeTrue(
        Files.isDirectory(Path.of("/etc/apparmor.d/abi")) && onPath("apparmor_parser"),
        "apparmor_parser and /etc/apparmor.d are not installed (apt-get install apparmor)");
    Path node = Files.createDirectories(tmp.resolve("node"));
    // The node's /etc/apparmor.d holds the abi, tunables and abstractions the profiles include.
    Path aa = Files.createDirectories(node.resolve("etc/apparmor.d"));
    Process cp =
        new ProcessBuilder(
                "cp",
                "-r",
                "/etc/apparmor.d/abi",
                "/etc/apparmor.d/tunables",
                "/etc/apparmor.d/abstractions",
                aa.toString())
            .inheritIO()
            .start();
    assertTrue(cp.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, cp.exitValue());
    Result r =
        install(
            node,
            List.of(
                "--mount",
                "type=tmpfs,destination=/sys/module",
                "-v",
                appArmorEnabled() + ":/sys/module/apparmor/parameters/enabled:ro"));
    // The first profile is copied into the host's /etc/apparmor.d/tailor and given to
    // apparmor_parser -r;
    // this kernel has no AppArmor to load it into, so the parser fails and so does the pod.
    assertNotEquals(0, r.exit(), r.out());
    assertEquals(
        Files.readString(Fixtures.DIR.resolve("hostile/apparmor.profile")),
        Files.readString(aa.resolve("tailor/hostile")));
    // It parsed (the includes were found in the node's folder) and failed only at loading into the
    // kernel.
    assertTrue(r.out().contains("Kernel needs AppArmor"), r.out());
    assertTrue(!r.out().contains("Could not open"), r.out());
    assertTrue(!r.out().contains("tailor: loaded AppArmor profile"), r.out());
  }
}
